"""What every plans page shares: permission-checked object lookup and the edit form.

Every view declares its permission. Objects are looked up through :func:`scope`, so an
object of another partnership is a 404 (its existence is not revealed); a steering-group
member who may read but not change gets 403 on edit pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core.permissions import scope
from samverkan.plans import services, workflow


class PlansView(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "plans.view"


class ObjectView(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads ``self.object`` through the user's scope: not visible is 404, not allowed 403."""

    model = None
    permission_required = "plans.view_object"
    pk_kwarg = "pk"

    def base_queryset(self):
        return self.model.objects.all()

    def get_permission_object(self):
        if not hasattr(self, "object"):
            self.object = get_object_or_404(
                scope(self.base_queryset(), self.request.user), pk=self.kwargs[self.pk_kwarg]
            )
        return self.object

    def can_change(self, obj=None) -> bool:
        return self.request.user.has_perm("plans.change_object", obj or self.object)


class ObjectEditView(ObjectView, View):
    """Edit one object with its form: the same GET/POST for every kind of plans object.

    Subclasses name the form, the template's context name, the audit action and where to
    go afterwards; ``save`` can be overridden for objects with more than the form to store.
    """

    permission_required = "plans.change_object"
    form_class = None
    context_name = "object"
    audit_action = ""
    success_message = ""
    success_url_name = ""

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def context(self, form) -> dict:
        return {"form": form, self.context_name: self.object}

    def save(self, form):
        return services.save_form(form, self.request.user, self.audit_action, request=self.request)

    def success_pk(self, obj):
        return obj.pk

    def get(self, request, pk):
        form = self.form_class(instance=self.object, **self.form_kwargs())
        return render(request, self.template_name, self.context(form))

    def post(self, request, pk):
        form = self.form_class(
            request.POST, request.FILES, instance=self.object, **self.form_kwargs()
        )
        if not form.is_valid():
            return render(request, self.template_name, self.context(form))
        try:
            obj = self.save(form)
        except services.PlanLockedError as exc:
            messages.error(request, str(exc))
            return redirect(self.success_url_name, pk=self.success_pk(self.object))
        messages.success(request, self.success_message)
        return redirect(self.success_url_name, pk=self.success_pk(obj))


def _statuses(choices, kind, current):
    allowed = workflow.allowed(kind, current)
    return [(code, label) for code, label in choices if code in allowed]


def plan_measures(plan):
    """The plan's measures as its page, PDF and DOCX show them (area by name only)."""
    return (
        plan.measures.select_related("owner", "area")
        .defer("area__geometry")
        .prefetch_related("problems", "partners", "indicators")
    )
