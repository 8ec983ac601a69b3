"""Sign-in hygiene: audit events for every sign-in, lockout after repeated failures,
idle session expiry, no caching of restricted pages, and access lost at deactivation.

django-axes counts the failures and refuses locked clients; this module adds what the
platform requires on top: a per-IP limit beside the per-account one, the platform's own
audit events (user, IP, time), the Swedish lockout page and an unlock that is audited.
"""

from __future__ import annotations

import time

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from samverkan.core import audit
from samverkan.core.models import Membership
from samverkan.core.permissions import roles_of
from samverkan.core.roles import Role

# The roles that see preventive cases (cases.permissions.CASE_ROLES; core may not import
# cases): their sessions expire sooner because a forgotten open session shows named people.
CASE_ROLES = {Role.CASE_OFFICER, Role.CASE_SUPERVISOR}

LAST_SEEN_KEY = "_samverkan_last_seen"
# Writing the session on every request would cost a database write per page; the idle
# clock only needs to be accurate to within this many seconds.
LAST_SEEN_RESOLUTION = 60


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits: per account and (higher) per IP address.

    Axes compares the largest failure count of its lockout parameters with one limit. The
    per-IP count is scaled to the per-account limit, so that both limits hold with that one
    comparison: ``ip * account_limit // ip_limit >= account_limit`` exactly when
    ``ip >= ip_limit``. ``AXES_LOCKOUT_PARAMETERS`` must be ``["username", "ip_address"]``
    in that order.
    """

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_ip = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = settings.AXES_FAILURE_LIMIT
        return max(per_account, per_ip * account_limit // settings.SIGNIN_IP_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # Axes clears the failures of every lockout parameter on success, the IP address's
        # too: anyone with an account could then sign in between guesses at another
        # account from the same address and never be locked. Only the account is cleared.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _user_named(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())
        request.session.set_expiry(idle_timeout(user, cached=False))
    audit.record("user.sign_in", actor=user, request=request)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("user.sign_out", actor=user, request=request)


def refused_by_lockout(request) -> bool:
    """Whether axes refused this sign-in before any password was checked.

    Axes' backend flags such a request as locked out; the attempt that reaches the limit
    is flagged too, but only that one has its failure count set.
    """
    return bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted name is kept only when it is an account: a mistyped password in the
    # name field must not land in the log.
    username = get_client_username(request, credentials) if request is not None else None
    user = _user_named(username)
    audit.record(
        "sign_in.fail",
        actor=user,
        request=request,
        details={
            "known_account": user is not None,
            "during_lockout": refused_by_lockout(request),
        },
    )


@receiver(user_locked_out)
def _audit_lockout(sender, request, username, ip_address, **kwargs):
    # Axes signals again on every refused attempt during a lockout; those attempts are
    # already logged as failures, so only the attempt that crossed the limit locks.
    if refused_by_lockout(request):
        return
    audit.record(
        "user.lock_out",
        actor=_user_named(username),
        request=request,
        details={"failures": request.axes_failures_since_start},
    )


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out client gets instead of the sign-in form (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def unlock(user, *, by, request=None) -> int:
    """Lift a lockout of ``user``'s account (all IP addresses) and log who lifted it.

    Returns the number of failure records removed.
    """
    removed = reset(username=user.username)
    audit.record(
        "user.unlock",
        actor=by,
        obj=user,
        request=request,
        details={"removed_attempts": removed},
    )
    return removed


def idle_timeout(user, *, cached: bool = True) -> int:
    """Seconds of inactivity after which ``user``'s session ends.

    ``cached=False`` asks the database instead of the memberships cached on the user
    object, which would otherwise stay on a user object that outlives the request.
    """
    if cached:
        has_case_role = bool(roles_of(user) & {str(r) for r in CASE_ROLES})
    else:
        has_case_role = Membership.objects.filter(user=user, role__in=CASE_ROLES).exists()
    if has_case_role:
        return min(settings.SESSION_IDLE_TIMEOUT_CASES, settings.SESSION_IDLE_TIMEOUT)
    return settings.SESSION_IDLE_TIMEOUT


class IdleTimeoutMiddleware:
    """Ends a signed-in session that has been idle longer than the user's timeout.

    The session's own expiry (cookie and database row) follows the same timeout, so a
    stolen cookie of an idle session is worthless even where this middleware does not run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timeout = idle_timeout(user)
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > timeout:
                audit.record(
                    "session.expire",
                    actor=user,
                    request=request,
                    details={"idle_seconds": now - last_seen, "timeout": timeout},
                )
                request.session.flush()
                request.user = AnonymousUser()
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
                request.session.set_expiry(timeout)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` for the views of the modules in ``NO_STORE_VIEW_MODULES``.

    A shared computer's browser cache or a proxy must not keep a page about named people;
    marking by module covers every page and API endpoint of preventive cases, including
    ones added later.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.NO_STORE_VIEW_MODULES)

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_samverkan_no_store", False):
            add_never_cache_headers(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view = getattr(view_func, "view_class", None) or getattr(view_func, "cls", view_func)
        module = getattr(view, "__module__", "") or ""
        if module.startswith(self.prefixes):
            request._samverkan_no_store = True


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _deactivated_user_loses_tokens(sender, instance, **kwargs):
    # Sessions of an inactive user are refused by ModelBackend.get_user on the next
    # request; API tokens are deleted too, so reactivating an account revives no old token.
    if not instance.is_active:
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user=instance).delete()
