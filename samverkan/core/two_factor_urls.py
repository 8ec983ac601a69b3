"""URLs of two-factor sign-in (samverkan/core/two_factor.py), under /konto/tvafaktor/."""

from django.urls import path

from samverkan.core import two_factor

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
]
