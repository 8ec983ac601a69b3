"""Permission matrix rows for the county board's pages: none of the matrix users is one."""

from tests.matrix import ANON, COORD, OTHER, REPORTER

MATRIX: dict[str, tuple] = {
    "county-overview": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
    "county-export": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
    # The network digest: the matrix users are all in Testlän's network (their partnerships
    # cover its municipalities) but none is the county board.
    "county-digests": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
    "county-digest-create": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
    "county-digest": (
        lambda w: {"pk": w.county_digest.pk},
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
    "county-digest-pdf": (
        lambda w: {"pk": w.county_digest.pk},
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
    "county-digest-edit": (
        lambda w: {"pk": w.county_digest.pk},
        {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403},
    ),
    "county-digest-send": (
        lambda w: {"pk": w.county_digest.pk},
        {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403},
    ),
    "county-digest-subscriptions": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    # The link in the e-mail carries its signed token in the query string; without one: 404.
    "county-digest-unsubscribe": (None, {ANON: 404, REPORTER: 404, COORD: 404, OTHER: 404}),
    # The overview in the REST API: the county board only (the API answers anonymous 403).
    "api-county-overview-list": (None, {ANON: 403, REPORTER: 403, COORD: 403, OTHER: 403}),
    "api-county-overview-detail": (
        lambda w: {"code": w.county.code},
        {ANON: 403, REPORTER: 403, COORD: 403, OTHER: 403},
    ),
    # Sent digests in the REST API: every member of the county's network (all matrix users).
    "api-county-digest-list": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-county-digest-detail": (
        lambda w: {"pk": w.county_digest.pk},
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
    "county-meetings": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
    # Subscriptions in the REST API: every network member lists their own (none here).
    "api-county-digest-subscription-list": (
        None,
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
    # The coordinator's subscription: theirs alone.
    "api-county-digest-subscription-detail": (
        lambda w: {"pk": w.county_subscription.pk},
        {ANON: 403, REPORTER: 404, COORD: 200, OTHER: 404},
    ),
    # The network's meetings in the REST API: every member of the network reads them.
    "api-county-network-meeting-list": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-county-network-meeting-detail": (
        lambda w: {"pk": w.county_meeting.pk},
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
    "county-meeting-edit": (
        lambda w: {"pk": w.county_meeting.pk},
        {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403},
    ),
    "county-meeting-delete": (
        lambda w: {"pk": w.county_meeting.pk},
        {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403},
    ),
}


def extend_world(world):
    """A sent digest of Testlän and a network meeting."""
    from datetime import UTC, datetime

    from samverkan.county import workflow
    from samverkan.county.models import Digest, DigestSubscription, NetworkMeeting

    world.county_digest = Digest.objects.create(
        county=world.county,
        period_type="month",
        period_label="2026-08",
        status=workflow.SENT,
        content={"county": world.county.name, "period": "augusti 2026", "pictures": []},
    )
    world.county_subscription = DigestSubscription.objects.create(
        user=world.users["coordinator"], county=world.county
    )
    world.county_meeting = NetworkMeeting.objects.create(
        county=world.county, starts_at=datetime(2027, 1, 20, 9, tzinfo=UTC), topic="Träff"
    )
