"""Two-factor sign-in: TOTP from an authenticator app or a passkey, with recovery codes.

django-otp keeps the devices (``TOTPDevice``, ``StaticDevice``, and django-otp-webauthn's
``WebAuthnCredential`` for passkeys) and marks a session as
verified (``OTPMiddleware``, ``request.user.is_verified()``). This module adds the
platform's rules on top:

* who must use a second factor: the roles that see preventive cases or administer always
  (:data:`ALWAYS_REQUIRED`, plus staff and superusers, who reach ``/admin/``); other roles
  when their organisation's :class:`~samverkan.core.models.OrganisationSecurityPolicy`
  says so;
* :class:`TwoFactorMiddleware`: a signed-in session that is not verified reaches only the
  enrolment and code pages (and sign-out) when the user must use a second factor or has
  enrolled one (a single sign-on too: the provider's sign-in is the first factor);
* the pages: enrolment (QR code and manual secret, confirmed with a code; or a passkey;
  ten recovery codes shown once), the code or passkey step after the password, the
  user's own page (passkeys named and removed there), and the organisation admin's policy
  page with a reset per member;
* passkeys count as a second factor wherever the app does (:func:`enrolled`, the gate,
  the reset); adding, naming, removing and using them: :mod:`samverkan.core.passkeys`;
* every enrolment, failed code, recovery-code use, passkey use, removal, reset and
  policy change is an audit event.

API tokens are not asked for a second factor: a token is issued by an administrator,
never in exchange for a password, so a stolen password alone never reaches the API; a
session used against the API is held to the same rule as the pages (JSON 403).
"""

from __future__ import annotations

import re
from base64 import b32encode
from urllib.parse import quote

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from samverkan.core import account_sections, audit
from samverkan.core.models import Membership, Organisation, OrganisationSecurityPolicy
from samverkan.core.permissions import is_system_admin_user, org_ids
from samverkan.core.roles import Role

# Case roles (cases.permissions.CASE_ROLES; core may not import cases) and the
# administrators: a password alone must never open a case about a named person or the
# power to grant that access.
ALWAYS_REQUIRED = frozenset(
    str(r) for r in (Role.CASE_OFFICER, Role.CASE_SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN)
)
SWITCHABLE = [r for r in Role if str(r) not in ALWAYS_REQUIRED]

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"
# A TOTP code is digits only; a recovery code (django-otp's StaticToken) is eight base32
# letters and digits. Telling them apart by form means a mistyped app code does not count
# against the recovery codes' throttle, nor the other way round.
TOTP_FORM = re.compile(r"^\d{6,8}$")


def required_roles(organisation) -> set[str]:
    """The roles of ``organisation`` whose members must use a second factor."""
    policy = OrganisationSecurityPolicy.objects.filter(organisation=organisation).first()
    return set(ALWAYS_REQUIRED) | set(policy.two_factor_roles if policy else ())


def requires_two_factor(user) -> bool:
    """Whether ``user`` must sign in with a second factor (asked of the database)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    rows = Membership.objects.filter(user=user).values_list(
        "role", "organisation__security_policy__two_factor_roles"
    )
    return any(role in ALWAYS_REQUIRED or role in (chosen or ()) for role, chosen in rows)


def has_app(user) -> bool:
    """Whether ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkeys(user):
    """``user``'s confirmed passkeys, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def enrolled(user) -> bool:
    """Whether ``user`` has a second factor: a confirmed app or a passkey."""
    return has_app(user) or passkeys(user).exists()


def users_enrolled(user_ids) -> set[int]:
    """Which of ``user_ids`` have a second factor (one query per device type)."""
    ids = set(user_ids)
    found = set()
    for model in (TOTPDevice, WebAuthnCredential):
        found |= set(
            model.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True)
        )
    return found


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def set_policy(organisation, roles, *, by, request=None) -> OrganisationSecurityPolicy:
    """Choose which switchable roles of ``organisation`` must use a second factor."""
    chosen = sorted({str(r) for r in roles} - ALWAYS_REQUIRED)
    unknown = set(chosen) - {str(r) for r in Role}
    if unknown:
        raise ValueError(f"Okända roller: {sorted(unknown)}")
    with transaction.atomic():
        policy, _created = OrganisationSecurityPolicy.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        before = list(policy.two_factor_roles)
        policy.two_factor_roles = chosen
        policy.save()
        audit.record(
            "organisation.set_two_factor_policy",
            actor=by,
            obj=organisation,
            organisation=organisation,
            request=request,
            details={"before": before, "after": chosen},
        )
    return policy


def new_recovery_codes(user) -> list[str]:
    """Replace ``user``'s recovery codes with :data:`RECOVERY_CODE_COUNT` new ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def pending_device(user) -> TOTPDevice:
    """The unconfirmed app device being enrolled; the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_enrolment(request, device, code: str) -> list[str] | None:
    """Confirm ``device`` with ``code``; return the new recovery codes, None if refused.

    The new app replaces any earlier one, and the session counts as verified.
    """
    user = request.user
    if not device.verify_token(code):
        audit.record("two_factor.fail", actor=user, request=request, details={"step": "enrol"})
        return None
    with transaction.atomic():
        earlier = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
        replaced = earlier.count()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
        audit.record(
            "two_factor.enrol",
            actor=user,
            request=request,
            details={"recovery_codes": len(codes), "replaced_apps": replaced},
        )
    otp_login(request, device)
    return codes


def verify(request, code: str) -> tuple[bool, str]:
    """Check a code from the app or a recovery code for the signed-in user.

    Returns whether it was accepted and, when refused, the message to show.
    """
    user = request.user
    code = "".join(code.split()).lower()
    recovery = not TOTP_FORM.match(code)
    model = StaticDevice if recovery else TOTPDevice
    for pk in model.objects.filter(user=user, confirmed=True).values_list("pk", flat=True):
        # Locked while checked, so two requests with one code cannot both be let in (a
        # code's time step, and a recovery code, are used up by the first).
        with transaction.atomic():
            device = model.objects.select_for_update().get(pk=pk)
            allowed = device.verify_is_allowed()[0]
            accepted = allowed and device.verify_token(code)
        if not allowed:
            audit.record(
                "two_factor.fail",
                actor=user,
                request=request,
                details={"step": "verify", "throttled": True, "recovery_code": recovery},
            )
            return False, _("För många felaktiga koder i rad. Vänta en stund och försök igen.")
        if accepted:
            otp_login(request, device)
            if recovery:
                audit.record(
                    "recovery_code.use",
                    actor=user,
                    request=request,
                    details={"left": recovery_codes_left(user)},
                )
            return True, ""
    audit.record(
        "two_factor.fail",
        actor=user,
        request=request,
        details={"step": "verify", "recovery_code": recovery},
    )
    return False, _("Koden stämmer inte. Kontrollera koden i appen och försök igen.")


def may_set_policy(actor, organisation) -> bool:
    """System administrators set any organisation's policy; an org admin its own."""
    return is_system_admin_user(actor) or organisation.pk in org_ids(actor, [Role.ORG_ADMIN])


def may_manage(actor, user) -> bool:
    """System administrators manage anyone's second factor; an org admin its members'."""
    if is_system_admin_user(actor):
        return True
    return user.memberships.filter(organisation_id__in=org_ids(actor, [Role.ORG_ADMIN])).exists()


def reset(user, *, by, request=None) -> int:
    """Remove ``user``'s app, passkeys and recovery codes; the user enrols again at next sign-in.

    Sessions that were verified with a removed device are no longer verified at once
    (``OTPMiddleware`` finds no device). Returns the number of devices removed.
    """
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, WebAuthnCredential, StaticDevice):
            devices = model.objects.filter(user=user)
            removed += devices.count()
            devices.delete()
        audit.record(
            "two_factor.reset",
            actor=by,
            obj=user,
            request=request,
            details={"removed_devices": removed},
        )
    return removed


def _safe_next(request, default="home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return reverse(default)
    return target


# Pages a session without its second factor may still open. The passkey ceremonies refuse
# by themselves what such a session may not do (adding a key once a factor exists).
EXEMPT_URL_NAMES = (
    "two-factor-enrol",
    "two-factor-verify",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "logout",
    "set_language",
    "javascript-catalog",
    "health",
    "healthz",
)


class TwoFactorMiddleware:
    """Sends an unverified session to the code step (or to enrolment) before anything else.

    Applies to users who have enrolled an app and to users who must use one; the API
    answers such a session with JSON 403 instead of a redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def exempt_paths(self) -> set[str]:
        if self._exempt is None:
            exempt = set()
            for name in EXEMPT_URL_NAMES:
                try:
                    exempt.add(reverse(name))
                except NoReverseMatch:
                    pass
            self._exempt = exempt
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and request.path not in self.exempt_paths()
        ):
            if enrolled(user):
                target = "two-factor-verify"
            elif requires_two_factor(user):
                target = "two-factor-enrol"
            else:
                target = None
            if target is not None:
                if request.path.startswith(reverse("api-root")):
                    return JsonResponse(
                        {"detail": _("Tvåfaktorsinloggning krävs. Logga in i webbläsaren.")},
                        status=403,
                    )
                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class NoStoreMixin:
    """The pages show a TOTP secret or recovery codes: no browser or proxy may keep them."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class EnrolView(NoStoreMixin, LoginRequiredMixin, View):
    """Connect an authenticator app: QR code and secret, confirmed with the app's code."""

    permission_required = "authenticated"
    template_name = "registration/two_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        # Replacing an enrolled app needs that app's code first, or a stolen password
        # would let anyone swap in their own app.
        user = request.user
        if user.is_authenticated and not user.is_verified() and enrolled(user):
            return redirect(f"{reverse('two-factor-verify')}?next={quote(request.path)}")
        return super().dispatch(request, *args, **kwargs)

    def context(self, device, form):
        secret = b32encode(device.bin_key).decode()
        return {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
            "secret": _grouped(secret),
            "next": _safe_next(self.request),
            "required": requires_two_factor(self.request.user),
        }

    def get(self, request):
        device = pending_device(request.user)
        return render(request, self.template_name, self.context(device, CodeForm()))

    def post(self, request):
        device = pending_device(request.user)
        form = CodeForm(request.POST)
        codes = None
        if form.is_valid():
            codes = confirm_enrolment(request, device, "".join(form.cleaned_data["code"].split()))
            if codes is None:
                form.add_error("code", _("Koden stämmer inte. Kontrollera tiden i telefonen."))
        if codes is None:
            return render(request, self.template_name, self.context(device, form), status=400)
        # Shown in this response only: the codes are not kept anywhere they could be shown again.
        return render(
            request,
            "registration/two_factor_codes.html",
            {"codes": codes, "next": _safe_next(request)},
        )


class VerifyView(NoStoreMixin, LoginRequiredMixin, View):
    """The second step of signing in: a code from the app or a recovery code."""

    permission_required = "authenticated"
    template_name = "registration/two_factor_verify.html"

    def context(self, form):
        user = self.request.user
        has_passkey = passkeys(user).exists()
        if has_passkey:
            # The passkey button comes first; the field is the fallback.
            form.fields["code"].widget.attrs.pop("autofocus", None)
        return {
            "form": form,
            "next": _safe_next(self.request),
            "enrolled": enrolled(user),
            "has_app": has_app(user),
            "has_passkey": has_passkey,
            "codes_left": recovery_codes_left(user),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(CodeForm()))

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            ok, message = verify(request, form.cleaned_data["code"])
            if ok:
                return redirect(_safe_next(request))
            form.add_error("code", message)
        return render(request, self.template_name, self.context(form), status=400)


class AccountView(NoStoreMixin, LoginRequiredMixin, View):
    """The user's own second factor: status, and new recovery codes."""

    permission_required = "authenticated"
    template_name = "registration/two_factor_account.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {
                "enrolled": enrolled(request.user),
                "has_app": has_app(request.user),
                "passkeys": passkeys(request.user),
                "verified": request.user.is_verified(),
                "required": requires_two_factor(request.user),
                "codes_left": recovery_codes_left(request.user),
                "account_sections": account_sections.sections(request),
            },
        )

    def post(self, request):
        # New codes only from a session verified by a second factor: the password is not enough.
        if not (enrolled(request.user) and request.user.is_verified()):
            raise PermissionDenied
        with transaction.atomic():
            codes = new_recovery_codes(request.user)
            audit.record(
                "recovery_codes.renew",
                actor=request.user,
                request=request,
                details={"recovery_codes": len(codes)},
            )
        return render(
            request,
            "registration/two_factor_codes.html",
            {"codes": codes, "next": reverse("two-factor-account")},
        )


class PolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roller som också ska använda tvåfaktorsinloggning"),
        choices=[(str(r), r.label) for r in SWITCHABLE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class OrganisationPolicyView(LoginRequiredMixin, View):
    """The organisation admin's page: which roles need a second factor, and who has one."""

    # Checked in the view: admin of this organisation, or system admin.
    permission_required = "org_admin_of_organisation"
    template_name = "registration/two_factor_policy.html"

    def organisation(self, pk):
        organisation = get_object_or_404(Organisation, pk=pk)
        if not may_set_policy(self.request.user, organisation):
            raise PermissionDenied
        return organisation

    def render_page(self, organisation, form, status=200):
        members = list(
            organisation.memberships.select_related("user").order_by("user__username", "role")
        )
        user_ids = {m.user_id for m in members}
        with_app = users_enrolled(user_ids)
        needed = required_roles(organisation)
        rows = [
            {
                "membership": m,
                "enrolled": m.user_id in with_app,
                "required": m.role in needed,
                "may_reset": m.user_id in with_app and may_manage(self.request.user, m.user),
            }
            for m in members
        ]
        context = {
            "organisation": organisation,
            "form": form,
            "always": [r.label for r in Role if str(r) in ALWAYS_REQUIRED],
            "rows": rows,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        organisation = self.organisation(pk)
        policy = OrganisationSecurityPolicy.objects.filter(organisation=organisation).first()
        initial = {"roles": policy.two_factor_roles if policy else []}
        return self.render_page(organisation, PolicyForm(initial=initial))

    def post(self, request, pk):
        organisation = self.organisation(pk)
        form = PolicyForm(request.POST)
        if not form.is_valid():
            return self.render_page(organisation, form, status=400)
        set_policy(organisation, form.cleaned_data["roles"], by=request.user, request=request)
        messages.success(request, _("Inställningen för tvåfaktorsinloggning är sparad."))
        return redirect("two-factor-policy", pk=organisation.pk)


class ResetView(LoginRequiredMixin, View):
    """POST: remove a member's app and recovery codes (lost phone)."""

    # Checked in the view: depends on the target's memberships (may_manage).
    permission_required = "org_admin_of_member"
    http_method_names = ["post"]

    def post(self, request, pk):
        user = get_object_or_404(get_user_model(), pk=pk)
        if not may_manage(request.user, user):
            raise PermissionDenied
        reset(user, by=request.user, request=request)
        messages.success(
            request,
            _("Tvåfaktorsinloggningen för %(user)s är återställd.")
            % {"user": user.get_full_name() or user.username},
        )
        return redirect(_safe_next(request))
