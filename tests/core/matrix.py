"""Permission matrix rows for the core, auth, i18n and API-root URLs."""

from tests.matrix import ANON, COORD, OTHER, REPORTER

MATRIX: dict[str, tuple] = {
    "login": (None, {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200}),
    "logout": (None, {ANON: 405, REPORTER: 405, COORD: 405, OTHER: 405}),
    # Single sign-on is off in the tests' settings: both pages are hidden.
    "oidc-login": (None, {ANON: 404, REPORTER: 404, COORD: 404, OTHER: 404}),
    "oidc-callback": (None, {ANON: 404, REPORTER: 404, COORD: 404, OTHER: 404}),
    "set_language": (None, {ANON: 302, REPORTER: 302, COORD: 302, OTHER: 302}),
    "javascript-catalog": (None, {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200}),
    "password_change": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "password_change_done": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "account-unlock": (
        lambda w: {"pk": w.users["reporter"].pk},
        {ANON: 302, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "health": (None, {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200}),
    "two-factor-account": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "two-factor-enrol": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "two-factor-verify": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "two-factor-policy": (
        lambda w: {"pk": w.kommun.pk},
        {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403},
    ),
    "two-factor-reset": (
        lambda w: {"pk": w.users["reporter"].pk},
        {ANON: 302, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "two-factor-passkey-rename": (
        lambda w: {"pk": 1},
        {ANON: 302, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "two-factor-passkey-remove": (
        lambda w: {"pk": 1},
        {ANON: 302, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    # Passkey ceremonies (JSON, POST only): refused without a signed-in session.
    "otp_webauthn:credential-registration-begin": (
        None,
        {ANON: 403, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "otp_webauthn:credential-registration-complete": (
        None,
        {ANON: 403, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "otp_webauthn:credential-authentication-begin": (
        None,
        {ANON: 403, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "otp_webauthn:credential-authentication-complete": (
        None,
        {ANON: 403, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "otp_webauthn:js-i18n-catalog": (None, {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200}),
    # 503: no background worker runs in the tests (tests/core/test_faults.py).
    "healthz": (None, {ANON: 503, REPORTER: 503, COORD: 503, OTHER: 503}),
    "home": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "area-browser": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "area-geojson": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "area-detail": (
        lambda w: {"pk": w.m1.pk},
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
    "own-area-list": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    # Söderby's coordinator may draw in Söderby, never see Norrby's own areas.
    "own-area-create": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "own-area-detail": (
        lambda w: {"pk": w.own_area.pk},
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    "own-area-progress": (
        lambda w: {"pk": w.own_area.pk},
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    "own-area-edit": (
        lambda w: {"pk": w.own_area.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "own-area-delete": (
        lambda w: {"pk": w.own_area.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "organisation-list": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "organisation-detail": (
        lambda w: {"pk": w.kommun.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 403},
    ),
    # The partnership's coordinators and admins choose one or two approvers.
    "partnership-approval": (
        lambda w: {"pk": w.p1.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "audit-log": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
    "api-schema": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-docs": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-root": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-area-list": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-area-detail": (
        lambda w: {"pk": w.m1.pk},
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
    "api-organisation-list": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-organisation-detail": (
        lambda w: {"pk": w.kommun.pk},
        {ANON: 403, REPORTER: 404, COORD: 200, OTHER: 404},
    ),
}


def extend_world(world):
    """An own area drawn by Norrby's coordinator (core/own_areas.py)."""
    from samverkan.core.own_areas import create_own_area

    world.own_area = create_own_area(
        world.users["coordinator"],
        partnership=world.p1,
        name="Torget",
        geometry={
            "type": "Polygon",
            "coordinates": [[[15.4, 59.4], [15.6, 59.4], [15.6, 59.6], [15.4, 59.4]]],
        },
    ).area
