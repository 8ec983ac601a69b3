"""URLs of two-factor sign-in (samverkan/core/two_factor.py), under /konto/tvafaktor/."""

from django.urls import include, path

from samverkan.core import passkeys, two_factor

# django-otp-webauthn's endpoints under its own namespace, which its template tags and
# scripts expect, served by the audited subclasses in passkeys.py.
passkey_patterns = [
    path(
        "registrering/start/",
        passkeys.PasskeyRegistrationBeginView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registrering/klar/",
        passkeys.PasskeyRegistrationCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "inloggning/start/",
        passkeys.PasskeyAuthenticationBeginView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "inloggning/klar/",
        passkeys.PasskeyAuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        passkeys.PasskeyCatalog.as_view(),
        name="js-i18n-catalog",
    ),
]

urlpatterns = [
    path("", two_factor.AccountView.as_view(), name="two-factor-account"),
    path("aktivera/", two_factor.EnrolView.as_view(), name="two-factor-enrol"),
    path("kod/", two_factor.VerifyView.as_view(), name="two-factor-verify"),
    path(
        "organisation/<int:pk>/",
        two_factor.OrganisationPolicyView.as_view(),
        name="two-factor-policy",
    ),
    path("aterstall/<int:pk>/", two_factor.ResetView.as_view(), name="two-factor-reset"),
    path(
        "nyckel/<int:pk>/namn/",
        passkeys.PasskeyRenameView.as_view(),
        name="two-factor-passkey-rename",
    ),
    path(
        "nyckel/<int:pk>/ta-bort/",
        passkeys.PasskeyRemoveView.as_view(),
        name="two-factor-passkey-remove",
    ),
    path("nyckel/", include((passkey_patterns, "otp_webauthn"))),
]
