"""Single sign-on with OpenID Connect (Authlib as the client).

A municipality signs its staff in with its own identity provider (Entra ID, Keycloak, a
national e-ID broker). The provider proves who the user is; which organisations and roles
the user has here follows from the provider's groups (or another claim) through
``OIDC_ROLE_MAPPING``, synced at every sign-in, so that a change in the provider's groups
reaches the platform at the next sign-in and nobody keeps a role the provider took away.

Authlib checks the ID token: the signature against the provider's published keys, the
issuer, the audience (our client id), the expiry and the nonce of this browser's own
authorisation request. Everything is configured by environment variables
(docs/configuration.md, "Single sign-on"); with no ``OIDC_DISCOVERY_URL`` the feature is
off and the sign-in page shows no button.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from samverkan.core import audit
from samverkan.core.memberships import record_account_change, revoke_membership, save_membership
from samverkan.core.models import Area, Membership, Organisation
from samverkan.core.roles import Role

logger = logging.getLogger(__name__)

NEXT_KEY = "_samverkan_oidc_next"
# What the provider said about how the user authenticated; read by the two-factor check,
# which may accept a sign-in the provider vouches for (second_factor_by_idp).
AMR_KEY = "_samverkan_oidc_amr"
ACR_KEY = "_samverkan_oidc_acr"
# The raw ID token, sent back to the provider as ``id_token_hint`` when the user signs out
# (RP-initiated logout), so that signing out here also ends the session at the provider.
ID_TOKEN_KEY = "_samverkan_oidc_id_token"
# Sessions signed in through the provider; their users have no password here.
BACKEND = "django.contrib.auth.backends.ModelBackend"


class Refused(Exception):
    """A sign-in the platform refuses; ``message`` is shown to the user (Swedish, translated)."""

    def __init__(self, reason: str, message: str, user=None):
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.user = user


@dataclass(frozen=True)
class Grant:
    """One membership that the provider's claims give: organisation, role and areas."""

    organisation: Organisation
    role: str
    areas: tuple[Area, ...]

    @property
    def key(self) -> tuple[int, str]:
        return (self.organisation.pk, self.role)


def enabled() -> bool:
    return bool(settings.OIDC_DISCOVERY_URL and settings.OIDC_CLIENT_ID)


def discovery_url() -> str:
    """The discovery document's URL; an issuer URL gets the well-known path appended."""
    url = settings.OIDC_DISCOVERY_URL.rstrip("/")
    if url.endswith("/.well-known/openid-configuration"):
        return url
    return url + "/.well-known/openid-configuration"


@lru_cache(maxsize=4)
def _client(url: str, client_id: str, client_secret: str, scopes: str):
    # One client per configuration and process: it caches the discovery document and the
    # provider's keys (refetched when a token names a key it does not know, so a key
    # rotation at the provider needs no restart).
    oauth = OAuth()
    return oauth.register(
        name="samverkan_oidc",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=url,
        client_kwargs={"scope": scopes, "timeout": settings.OIDC_TIMEOUT},
    )


def client():
    return _client(
        discovery_url(),
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
    )


def claim_values(claims: dict, name: str) -> list[str]:
    """The values of a claim as strings: a list claim as it is, a single value as one.

    A dotted name reaches into nested claims (Keycloak's ``realm_access.roles``).
    """
    value = claims
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return []
        value = value[part]
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _organisation(ref) -> Organisation | None:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return Organisation.objects.filter(pk=int(ref)).first()
    return Organisation.objects.filter(name=ref).first()


def _areas(codes) -> tuple[Area, ...] | None:
    # "code" or "level:code"; a code that names no area, or several at different levels,
    # makes the whole entry invalid: a role limited to the wrong areas, or to none (which
    # means all of the organisation's), must not be granted by a typo.
    found = []
    for ref in codes or ():
        level, _sep, code = str(ref).rpartition(":")
        areas = Area.objects.filter(country=settings.COUNTRY, code=code)
        if level:
            areas = areas.filter(level=level)
        areas = list(areas)
        if len(areas) != 1:
            return None
        found.append(areas[0])
    return tuple(found)


def grants_for(claims: dict) -> list[Grant]:
    """The memberships that ``OIDC_ROLE_MAPPING`` gives for the values of the mapped claim.

    An entry naming an unknown organisation, role or area is left out and logged as a
    configuration error; the sign-in goes on with the valid entries.
    """
    mapping = settings.OIDC_ROLE_MAPPING
    if not isinstance(mapping, dict):
        logger.error(
            "OIDC_ROLE_MAPPING måste vara ett JSON-objekt, inte %s", type(mapping).__name__
        )
        return []
    grants: dict[tuple[int, str], Grant] = {}
    for value in claim_values(claims, settings.OIDC_GROUPS_CLAIM):
        entries = mapping.get(value)
        if entries is None:
            continue
        for entry in entries if isinstance(entries, list) else [entries]:
            if not isinstance(entry, dict):
                logger.error("OIDC_ROLE_MAPPING: ogiltig rad för %r: %r", value, entry)
                continue
            organisation = _organisation(entry.get("organisation"))
            role = entry.get("role")
            areas = _areas(entry.get("areas"))
            if organisation is None or role not in Role.values or areas is None:
                logger.error("OIDC_ROLE_MAPPING: ogiltig rad för %r: %r", value, entry)
                continue
            grant = Grant(organisation, role, areas)
            previous = grants.get(grant.key)
            if previous is not None:
                # Two groups giving the same role: the wider grant wins (no areas = all).
                if not previous.areas or not grant.areas:
                    grant = Grant(organisation, role, ())
                else:
                    merged = {a.pk: a for a in previous.areas + grant.areas}
                    grant = Grant(organisation, role, tuple(merged.values()))
            grants[grant.key] = grant
    return list(grants.values())


def sync_memberships(user, grants: list[Grant], *, request=None) -> None:
    """Make ``user``'s memberships exactly ``grants``, through the membership service.

    The provider is the authority for its users: a membership it no longer gives is
    revoked, each change with its audit event (membership.grant/change/revoke).
    """
    wanted = {g.key: g for g in grants}
    existing = Membership.objects.filter(user=user).select_related("organisation", "user")
    for membership in existing:
        grant = wanted.pop((membership.organisation_id, membership.role), None)
        if grant is None:
            revoke_membership(membership, user, request=request)
        else:
            save_membership(membership, user, areas=list(grant.areas), request=request)
    for grant in wanted.values():
        membership = Membership(user=user, organisation=grant.organisation, role=grant.role)
        save_membership(membership, user, areas=list(grant.areas), request=request)


def _not_mapped() -> str:
    return _(
        "Du har ingen roll i Samverkan. Din organisation behöver ge dig "
        "behörighet innan du kan logga in."
    )


def _refuse(reason, message, user=None):
    raise Refused(reason, message, user)


def sign_in(request, claims: dict):
    """Find or create the user the verified ``claims`` name, sync the roles, sign in.

    Raises :class:`Refused` when the platform does not let the user in; memberships the
    provider no longer gives are revoked even then.
    """
    User = get_user_model()
    names = claim_values(claims, settings.OIDC_USERNAME_CLAIM)
    if not names or not names[0].strip():
        _refuse(
            "no_username",
            _("Identitetsleverantören skickade inget användarnamn (%(claim)s).")
            % {"claim": settings.OIDC_USERNAME_CLAIM},
        )
    username = names[0].strip()[: User._meta.get_field("username").max_length]
    user = User.objects.filter(username=username).first()
    if user is not None and user.has_usable_password():
        # An account with a password here is a local account: the provider must not be
        # able to take it over by naming a user the same (an administrator, say).
        _refuse(
            "local_account",
            _(
                "Det finns redan ett lokalt konto med namnet %(name)s. "
                "Logga in med lösenord eller be administratören koppla kontot."
            )
            % {"name": username},
            user,
        )
    if user is not None and not user.is_active:
        _refuse("inactive", _("Ditt konto är avstängt. Kontakta administratören."), user)

    grants = grants_for(claims)
    with transaction.atomic():
        user, created = _account_with_roles(request, user, username, claims, grants)
    if not grants:
        # Committed first: the revoked roles stay revoked although the sign-in is refused.
        raise Refused("not_mapped", _not_mapped(), user)

    # login() sends user_logged_in, which writes user.sign_in like a password sign-in
    # (samverkan.core.signin); this event adds which provider and what it vouched for.
    auth_login(request, user, backend=BACKEND)
    amr = claim_values(claims, "amr")
    acr = claims.get("acr") or ""
    request.session[AMR_KEY] = amr
    request.session[ACR_KEY] = str(acr)
    audit.record(
        "user.sign_in_sso",
        actor=user,
        request=request,
        details={
            "issuer": claims.get("iss", ""),
            "created": created,
            "memberships": len(grants),
            "amr": amr,
            "acr": str(acr),
        },
    )
    return user


def _account_with_roles(request, user, username, claims, grants):
    User = get_user_model()
    if user is None:
        if not grants:
            _refuse("not_mapped", _not_mapped())
        if not settings.OIDC_CREATE_USERS:
            _refuse(
                "no_account",
                _("Du har inget konto i Samverkan. Be administratören skapa ett."),
            )
        user = User(username=username)
        user.set_unusable_password()
        _update_profile(user, claims)
        user.save()
        record_account_change(user, None, user, request=request)
        created = True
    else:
        created = False
        if _update_profile(user, claims):
            user.save()
    sync_memberships(user, grants, request=request)
    return user, created


def _update_profile(user, claims) -> bool:
    changed = False
    for field, claim in (
        ("email", "email"),
        ("first_name", "given_name"),
        ("last_name", "family_name"),
    ):
        value = claims.get(claim)
        if isinstance(value, str):
            value = value[: user._meta.get_field(field).max_length]
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
    return changed


def second_factor_by_idp(request) -> bool:
    """Whether the provider says this session's sign-in used a second factor.

    True when the ID token's ``amr`` holds one of ``OIDC_MFA_AMR_VALUES`` or its ``acr``
    is one of ``OIDC_MFA_ACR_VALUES``. A sign-in with a password here never counts.
    """
    session = getattr(request, "session", None)
    if session is None:
        return False
    amr = set(session.get(AMR_KEY) or ())
    acr = session.get(ACR_KEY) or ""
    return bool(amr & set(settings.OIDC_MFA_AMR_VALUES)) or (
        bool(acr) and acr in settings.OIDC_MFA_ACR_VALUES
    )


def _redirect_uri(request) -> str:
    path = reverse("oidc-callback")
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def _refused_page(request, message, status=403):
    return render(
        request,
        "registration/oidc_refused.html",
        {"message": message, "provider_name": settings.OIDC_PROVIDER_NAME},
        status=status,
    )


@never_cache
@require_GET
def login_view(request):
    """Send the browser to the provider, remembering where to go afterwards."""
    if not enabled():
        raise Http404
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_KEY] = target
    else:
        request.session.pop(NEXT_KEY, None)
    try:
        return client().authorize_redirect(request, _redirect_uri(request))
    except (AuthlibBaseError, OSError, ValueError) as exc:
        logger.error("OIDC: kunde inte nå identitetsleverantören: %s", exc)
        return _refused_page(
            request,
            _("Identitetsleverantören svarar inte just nu. Försök igen om en stund."),
            status=503,
        )


@never_cache
@require_GET
def callback_view(request):
    """The provider's answer: verify it, sign the user in or say why not."""
    if not enabled():
        raise Http404
    if "error" in request.GET:
        return _failed(request, "provider_error:" + request.GET["error"][:60])
    try:
        token = client().authorize_access_token(request, claims_options=_claims_options())
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise Refused("no_id_token", "")
        if settings.OIDC_GROUPS_CLAIM.split(".")[0] not in claims:
            claims = _with_userinfo(token, claims)
    except Refused as exc:
        return _failed(request, exc.reason)
    except (AuthlibBaseError, JoseError, OSError, ValueError, KeyError) as exc:
        # A forged or replayed answer: bad signature, wrong audience or issuer, expired
        # token, a nonce or state this browser did not ask for.
        return _failed(request, f"invalid:{type(exc).__name__}")
    try:
        sign_in(request, claims)
        if token.get("id_token"):
            request.session[ID_TOKEN_KEY] = token["id_token"]
    except Refused as exc:
        audit.record(
            "sign_in.fail",
            actor=exc.user,
            request=request,
            details={"method": "oidc", "reason": exc.reason, "known_account": exc.user is not None},
        )
        return _refused_page(request, exc.message)
    target = request.session.pop(NEXT_KEY, None) or settings.LOGIN_REDIRECT_URL
    return redirect(target)


# Signing in is open to anyone; what a user may reach afterwards follows from the roles
# that the provider's claims map to.
login_view.permission_required = "public"
callback_view.permission_required = "public"


def _claims_options() -> dict:
    # Authlib checks the audience only through ``azp`` unless told to: a token for another
    # client that names us as its authorised party would pass. Both claims are required.
    return {
        "iss": {"essential": True, "values": [client().load_server_metadata()["issuer"]]},
        "aud": {"essential": True, "values": [settings.OIDC_CLIENT_ID]},
    }


def _with_userinfo(token, claims):
    # Some providers put groups only in the userinfo answer. Its subject must be the ID
    # token's, or it describes someone else.
    userinfo = client().userinfo(token=token)
    if userinfo.get("sub") != claims.get("sub"):
        raise Refused("userinfo_subject", "")
    return {**dict(userinfo), **claims}


def _failed(request, reason):
    audit.record(
        "sign_in.fail",
        actor=None,
        request=request,
        details={"method": "oidc", "reason": reason, "known_account": False},
    )
    return _refused_page(
        request,
        _(
            "Inloggningen via %(name)s kunde inte verifieras. Försök igen; "
            "kvarstår felet, kontakta administratören."
        )
        % {"name": settings.OIDC_PROVIDER_NAME},
    )


def end_session_url(request, id_token: str) -> str | None:
    """Where to send the browser so that the provider ends its session too.

    The provider's ``end_session_endpoint`` (OpenID Connect RP-Initiated Logout 1.0) with
    the ID token as ``id_token_hint`` and the sign-in page as ``post_logout_redirect_uri``;
    ``None`` when the provider has no such endpoint or cannot be reached, and the user is then
    signed out here only (the page says so: the provider's own session may still be open).
    """
    try:
        endpoint = client().load_server_metadata().get("end_session_endpoint")
    except (AuthlibBaseError, OSError, ValueError) as exc:
        logger.warning("OIDC: kunde inte nå identitetsleverantören vid utloggning: %s", exc)
        return None
    if not endpoint:
        return None
    query = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(
            resolve_url(settings.LOGOUT_REDIRECT_URL)
        ),
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


class SignOutView(auth_views.LogoutView):
    """Sign out here and, for a single sign-on session, at the provider as well.

    Without the second step a user who signs out on a shared computer would be signed in
    again at once by the provider's still-open session.
    """

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(ID_TOKEN_KEY) if enabled() else None
        response = super().post(request, *args, **kwargs)
        target = end_session_url(request, id_token) if id_token else None
        return redirect(target) if target else response
