"""What every follow-up page shares: the permission mixin and the areas offered."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core.models import Partnership
from samverkan.plans.permissions import reachable_areas


def partnership_areas(partnership: Partnership, user):
    """The partnership's areas of every level (districts, own drawn areas included) that
    the user reaches as coordinator: what indicators and evaluations may be made for."""
    return reachable_areas(user, [partnership.pk])


class ObjectPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads ``model`` by pk as the permission object; hides it from those who may not see it."""

    model = None

    def get_permission_object(self):
        if not hasattr(self, "object"):
            self.object = get_object_or_404(self.model, pk=self.kwargs["pk"])
        return self.object

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            obj = getattr(self, "object", None)
            # A partnership member without edit rights is refused; anyone else is not told
            # that the object exists.
            if obj is not None and self.request.user.has_perm(self.view_permission, obj):
                raise PermissionDenied
            raise Http404
        return super().handle_no_permission()

    view_permission = "followup.view_partnership"
