"""API permissions: the same rules predicates as the pages, checked per object."""

from rest_framework.permissions import BasePermission

from samverkan.core.permissions import scope


class RulesPermission(BasePermission):
    """Check ``view.permission_required`` (a rules permission) for the object."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(view.permission_required, obj)


class ScopedViewSetMixin:
    """Lists and details of an API resource come from :func:`scope` only."""

    permission_classes = [RulesPermission]

    def get_queryset(self):
        return scope(super().get_queryset(), self.request.user)
