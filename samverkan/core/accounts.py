"""Account pages: change one's own password, and unlock a locked-out account."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from samverkan.core import audit, signin
from samverkan.core.permissions import is_system_admin_user, org_ids
from samverkan.core.roles import Role


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
    permission_required = "authenticated"

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record("user.change_password", actor=self.request.user, request=self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
    permission_required = "authenticated"


def locked_usernames(usernames) -> set[str]:
    """Those of ``usernames`` whose account is locked now (per-account limit reached)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=since)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
    )
    return {r["username"] for r in rows if r["n"] >= settings.AXES_FAILURE_LIMIT}


def may_unlock(actor, user) -> bool:
    """System administrators unlock anyone; an organisation's admins unlock its members."""
    if is_system_admin_user(actor):
        return True
    admin_of = org_ids(actor, [Role.ORG_ADMIN])
    return user.memberships.filter(organisation_id__in=admin_of).exists()


class UnlockView(LoginRequiredMixin, View):
    """POST: lift the lockout of a user's account."""

    # Checked in the view: depends on the target's memberships (may_unlock).
    permission_required = "org_admin_of_member"
    http_method_names = ["post"]

    def post(self, request, pk):
        user = get_object_or_404(get_user_model(), pk=pk)
        if not may_unlock(request.user, user):
            raise PermissionDenied
        signin.unlock(user, by=request.user, request=request)
        messages.success(
            request,
            _("Inloggningsspärren för %(user)s är hävd.")
            % {"user": user.get_full_name() or user.username},
        )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("home")
        return redirect(target)
