"""Mixins of the case pages: refusals that hide what exists, the case object, the purpose."""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from rules.contrib.views import PermissionRequiredMixin

from samverkan.cases import purposes
from samverkan.cases.models import PreventiveCase


class HiddenMixin:
    """Someone who may not see an object must not learn that it exists.

    Object permissions are checked with the rules alone: Django lets a superuser pass
    every ``has_perm``, but a system administrator has no need to know a case.
    """

    def has_permission(self):
        obj = self.get_permission_object()
        return all(
            rules.has_perm(perm, self.request.user, obj) for perm in self.get_permission_required()
        )

    def handle_no_permission(self):
        if self.request.user.is_authenticated and getattr(self, "hide_refusal", True):
            raise Http404
        return super().handle_no_permission()


class CaseObjectMixin(HiddenMixin, LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "cases.view_case"

    def get_permission_object(self):
        self.case = get_object_or_404(
            PreventiveCase.objects.select_related("organisation"), pk=self.kwargs["pk"]
        )
        return self.case


class PurposeRequiredMixin:
    """Send a user who has not stated a purpose for this case to the purpose page first."""

    def dispatch(self, request, *args, **kwargs):
        self.purpose = purposes.stated(request, self.case)
        if self.purpose is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('case-purpose', args=[self.case.pk])}?{query}")
        return super().dispatch(request, *args, **kwargs)
