"""URL map. Every pattern has an entry in tests/core/test_permission_matrix.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from samverkan.core import accounts, oidc
from samverkan.core.forms import LoginForm

admin.site.site_header = "Samverkan – administration"
admin.site.site_title = "Samverkan"

urlpatterns = [
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html", form_class=LoginForm),
        name="login",
    ),
    path("konto/logga-ut/", oidc.SignOutView.as_view(), name="logout"),
    path("konto/sso/", oidc.login_view, name="oidc-login"),
    path("konto/sso/svar/", oidc.callback_view, name="oidc-callback"),
    path("konto/losenord/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "konto/losenord/klart/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("konto/las-upp/<int:pk>/", accounts.UnlockView.as_view(), name="account-unlock"),
    path("konto/tvafaktor/", include("samverkan.core.two_factor_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include("samverkan.api.urls")),
    path("handelser/", include("samverkan.incidents.urls")),
    path("uppfoljning/", include("samverkan.followup.urls")),
    path("arenden/", include("samverkan.cases.urls")),
    path("planer/", include("samverkan.plans.urls")),
    path("moten/", include("samverkan.meetings.urls")),
    path("kommunikation/", include("samverkan.communication.urls")),
    path("lagesbild/", include("samverkan.situation.urls")),
    path("lan/", include("samverkan.county.urls")),
    path("resurser/", include("samverkan.resources.urls")),
    path("medborgarloften/", include("samverkan.plans.public_urls")),
    path("tryggvandring/", include("samverkan.citizens.urls")),
    path("", include("samverkan.core.urls")),
]

# Says which query parameter was wrong (core.params.BadParameter) instead of a bare 400.
handler400 = "samverkan.core.views.bad_request"
# A translated page, JSON for API clients; a database outage is a 503 (core/faults.py).
handler500 = "samverkan.core.faults.server_error"
