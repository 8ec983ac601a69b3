"""Passkeys (WebAuthn) as the second factor, beside the app of :mod:`samverkan.core.two_factor`.

django-otp-webauthn keeps the passkeys (``WebAuthnCredential``, a django-otp device, so
``OTPMiddleware`` and ``is_verified()`` treat them like the app) and runs the ceremonies.
This module adds the platform's rules:

* the library's JSON endpoints, subclassed so that adding, using and failing with a
  passkey go through the services below, each writing its audit event;
* passwordless sign-in is off (settings), so a passkey is only ever the second factor
  after the password; adding one to an account that already has a factor needs a session
  verified by it (the library's check), so a stolen password cannot add a key;
* the first second factor, app or passkey, brings the recovery codes, shown once;
* users name and remove their own passkeys; the last factor of a role that must use one
  stays; an administrator's reset (:func:`two_factor.reset`) removes passkeys too;
* the library's scripts are static files and its configuration a JSON data block, so the
  CSP needs no exception (templates ``registration/passkey_*.html``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions

from samverkan.core import audit
from samverkan.core.two_factor import (
    enrolled,
    has_app,
    new_recovery_codes,
    passkeys,
    requires_two_factor,
)

PASSKEY_NAME_MAX = 64  # django-otp's Device.name


def _default_passkey_name(user) -> str:
    taken = set(WebAuthnCredential.objects.filter(user=user).values_list("name", flat=True))
    n = 1
    while _("Nyckel %(n)s") % {"n": n} in taken:
        n += 1
    return _("Nyckel %(n)s") % {"n": n}


def add_passkey(request, device) -> list[str]:
    """Confirm a passkey the browser has just registered for the signed-in user.

    The first second factor also gets recovery codes, returned to be shown once (an empty
    list when the user already has codes); a session without its second factor counts as
    verified, as after enrolling an app.
    """
    user = request.user
    with transaction.atomic():
        first = not enrolled(user)
        device.name = device.name or _default_passkey_name(user)
        device.confirmed = True
        device.save()
        has_codes = StaticDevice.objects.filter(user=user, confirmed=True).exists()
        codes = new_recovery_codes(user) if first or not has_codes else []
        audit.record(
            "passkey.enrol",
            actor=user,
            request=request,
            details={"passkey": device.pk, "name": device.name, "recovery_codes": len(codes)},
        )
    if not user.is_verified():
        otp_login(request, device)
    return codes


def passkey_used(request, device) -> None:
    """The signed-in user proved the second factor with ``device``, a passkey of theirs."""
    otp_login(request, device)
    audit.record(
        "passkey.use",
        actor=request.user,
        request=request,
        details={"passkey": device.pk, "name": device.name},
    )


def passkey_failed(request, step: str, code: str) -> None:
    """A refused passkey ceremony of a signed-in user (wrong key, replay, another's key)."""
    audit.record(
        "two_factor.fail",
        actor=request.user,
        request=request,
        details={"step": step, "passkey": True, "reason": code},
    )


def own_passkey(request, pk) -> WebAuthnCredential:
    """The signed-in user's passkey ``pk``, for a session verified by a second factor.

    Someone else's passkey is not found (404); a session with the password only may not
    change any (403), or a stolen password could remove the owner's key.
    """
    if not request.user.is_verified():
        raise PermissionDenied
    return get_object_or_404(WebAuthnCredential, pk=pk, user=request.user, confirmed=True)


def rename_passkey(device, name: str, *, by, request=None) -> None:
    name = " ".join(name.split())[:PASSKEY_NAME_MAX]
    if not name:
        raise ValueError("Namnet får inte vara tomt.")
    with transaction.atomic():
        before = device.name
        device.name = name
        device.save(update_fields=["name"])
        audit.record(
            "passkey.rename",
            actor=by,
            obj=device.user,
            request=request,
            details={"passkey": device.pk, "before": before, "after": name},
        )


class LastFactor(Exception):
    """Removing this passkey would leave a user who must use a second factor without one."""


def remove_passkey(device, *, by, request=None) -> None:
    """Remove ``device``; when it was the user's last second factor, their recovery codes go too.

    Refused (:class:`LastFactor`) for a user who must use a second factor and has no other:
    they add another passkey or an app first.
    """
    user = device.user
    with transaction.atomic():
        others = passkeys(user).exclude(pk=device.pk).exists() or has_app(user)
        if not others and requires_two_factor(user):
            raise LastFactor
        name, pk = device.name, device.pk
        device.delete()
        removed_codes = 0
        if not others:
            removed_codes, _deleted = StaticDevice.objects.filter(user=user).delete()
        audit.record(
            "passkey.remove",
            actor=by,
            obj=user,
            request=request,
            details={"passkey": pk, "name": name, "recovery_codes_removed": bool(removed_codes)},
        )


class PasskeyNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Namn"), max_length=PASSKEY_NAME_MAX)


class PasskeyRenameView(LoginRequiredMixin, View):
    """POST: give one of the user's own passkeys a name they recognise."""

    # Checked in the view: the user's own passkey, in a session verified by a second factor.
    permission_required = "own_passkey"
    http_method_names = ["post"]

    def post(self, request, pk):
        device = own_passkey(request, pk)
        form = PasskeyNameForm(request.POST)
        try:
            if not form.is_valid():
                raise ValueError
            rename_passkey(device, form.cleaned_data["name"], by=request.user, request=request)
        except ValueError:
            messages.error(request, _("Skriv ett namn på nyckeln."))
        else:
            messages.success(request, _("Nyckeln har fått ett nytt namn."))
        return redirect("two-factor-account")


class PasskeyRemoveView(LoginRequiredMixin, View):
    """POST: remove one of the user's own passkeys (lost or replaced device)."""

    # Checked in the view: the user's own passkey, in a session verified by a second factor.
    permission_required = "own_passkey"
    http_method_names = ["post"]

    def post(self, request, pk):
        device = own_passkey(request, pk)
        try:
            remove_passkey(device, by=request.user, request=request)
        except LastFactor:
            messages.error(
                request,
                _(
                    "Din roll kräver tvåfaktorsinloggning. Lägg till en annan nyckel eller en "
                    "autentiseringsapp innan du tar bort den här."
                ),
            )
        else:
            messages.success(request, _("Nyckeln är borttagen."))
        return redirect("two-factor-account")


class _PasskeyCeremony:
    """django-otp-webauthn's JSON endpoints, with refusals written to the audit log."""

    # The JSON endpoints check the session themselves (403 without a signed-in user;
    # adding a key needs a verified session once any factor exists).
    permission_required = "authenticated"
    audit_step = ""

    def handle_exception(self, exc):
        # Without a session nothing was tried against an account (passwordless sign-in is
        # off), and anonymous requests must not be able to fill the audit log.
        if (
            isinstance(exc, webauthn_errors.OTPWebAuthnApiError)
            and self.audit_step
            and self.request.user.is_authenticated
        ):
            passkey_failed(self.request, self.audit_step, exc.code)
        return super().handle_exception(exc)


class PasskeyRegistrationBeginView(
    _PasskeyCeremony, webauthn_views.BeginCredentialRegistrationView
):
    audit_step = "passkey_enrol"


class PasskeyRegistrationCompleteView(
    _PasskeyCeremony, webauthn_views.CompleteCredentialRegistrationView
):
    audit_step = "passkey_enrol"

    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        helper = self.get_helper()
        logger = webauthn_views._get_pywebauthn_logger()
        with rewrite_exceptions(logger=logger), transaction.atomic():
            device = helper.register_complete(user=user, state=state, data=self.request.data)
            codes = add_passkey(self.request, device)
        # The recovery codes travel in this response only, as on the app's enrolment page.
        return JsonResponse({"id": device.pk, "name": device.name, "recovery_codes": codes})


class PasskeyAuthenticationBeginView(
    _PasskeyCeremony, webauthn_views.BeginCredentialAuthenticationView
):
    audit_step = "passkey_verify"


class PasskeyAuthenticationCompleteView(
    _PasskeyCeremony, webauthn_views.CompleteCredentialAuthenticationView
):
    audit_step = "passkey_verify"

    def complete_auth(self, device):
        # Passwordless sign-in is off, so the ceremony began in a signed-in session and the
        # library has checked that the key is this user's.
        passkey_used(self.request, device)


class PasskeyCatalog(JavaScriptCatalog):
    """The passkey scripts' texts (django-otp-webauthn's gettext calls), in the page's language."""

    permission_required = "public"
    packages = ["django_otp_webauthn"]
