"""The communication plan's pages: planned against done, one activity, its forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.communication import services, workflow
from samverkan.communication.forms import ActivityForm, DoneForm
from samverkan.communication.models import Activity
from samverkan.core.permissions import scope
from samverkan.plans.models import ActionPlan, CitizenPromise, Measure
from samverkan.plans.permissions import readable_partnerships
from samverkan.plans.views.common import ObjectView


def as_id(raw: str) -> int | None:
    """A database id from a query parameter, or None (bounded: beyond 64 bits is no id)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def visible_activities(user):
    return (
        scope(Activity.objects.all(), user)
        .select_related("partnership", "area", "channel", "owner")
        .defer("area__geometry")
    )


class ActivityListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Planned against done, overdue planned activities first and flagged."""

    permission_required = "communication.view"
    template_name = "communication/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        activities = visible_activities(user).prefetch_related("measures", "promises")
        partnership = self.request.GET.get("samverkan", "")
        if (pid := as_id(partnership)) is not None:
            activities = activities.filter(partnership_id=pid)
        rows = list(activities)
        planned = [a for a in rows if a.status == workflow.PLANNED]
        for a in planned:
            a.overdue = a.is_overdue(today)
        planned.sort(key=lambda a: (not a.overdue, a.planned_on))
        done = sorted(
            (a for a in rows if a.status == workflow.DONE),
            key=lambda a: a.done_on or a.planned_on,
            reverse=True,
        )
        ctx.update(
            planned=planned,
            overdue=sum(1 for a in planned if a.overdue),
            done=done,
            cancelled=[a for a in rows if a.status == workflow.CANCELLED],
            can_add=user.has_perm("communication.add"),
            partnerships=sorted(
                {a.partnership for a in visible_activities(user)}, key=lambda p: p.name
            )
            if len(readable_partnerships(user)) != 1
            else [],
            chosen=partnership,
        )
        return ctx


class ActivityCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A new activity; ``?atgard=`` or ``?lofte=`` ties it to that measure or promise,
    ``?plan=`` starts it in the plan's partnership and area."""

    permission_required = "communication.add"
    template_name = "communication/activity_form.html"

    def _initial(self, request) -> dict:
        initial = {"planned_on": timezone.localdate()}
        user = request.user

        def first(qs, param):
            pk = as_id(request.GET.get(param, ""))
            return scope(qs, user).filter(pk=pk).first() if pk is not None else None

        if plan := first(ActionPlan.objects.all(), "plan"):
            initial.update(partnership=plan.partnership_id, area=plan.area_id)
        if m := first(Measure.objects.select_related("plan"), "atgard"):
            initial.update(
                partnership=m.plan.partnership_id,
                area=m.plan.area_id,
                measures=[m.pk],
                owner=m.owner_id,
            )
        if p := first(CitizenPromise.objects.all(), "lofte"):
            initial.update(partnership=p.partnership_id, promises=[p.pk], area=p.area_id)
        return initial

    def get(self, request):
        form = ActivityForm(user=request.user, initial=self._initial(request))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ActivityForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        try:
            activity = services.save_activity(form, request.user, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, self.template_name, {"form": form})
        messages.success(request, _("Kommunikationsaktiviteten är planerad."))
        return redirect("communication-detail", pk=activity.pk)


class ActivityObjectView(ObjectView):
    model = Activity
    permission_required = "communication.view_object"

    def can_change(self, obj=None) -> bool:
        return self.request.user.has_perm("communication.change_object", obj or self.object)


class ActivityDetailView(ActivityObjectView, TemplateView):
    template_name = "communication/activity_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        user = self.request.user
        ctx.update(
            activity=a,
            overdue=a.is_overdue(),
            measures=scope(a.measures.select_related("plan"), user),
            promises=scope(a.promises.all(), user),
            can_change=self.can_change(),
            done_form=DoneForm(),
            statuses=[
                (code, label)
                for code, label in workflow.ACTIVITY_STATUSES
                if code in workflow.ACTIVITY.allowed(a.status) and code != workflow.DONE
            ],
            can_mark_done=workflow.DONE in workflow.ACTIVITY.allowed(a.status),
        )
        return ctx


class ActivityEditView(ActivityObjectView, View):
    permission_required = "communication.change_object"
    template_name = "communication/activity_form.html"

    def get(self, request, pk):
        form = ActivityForm(instance=self.object, user=request.user)
        return render(request, self.template_name, {"form": form, "activity": self.object})

    def post(self, request, pk):
        form = ActivityForm(request.POST, instance=self.object, user=request.user)
        ctx = {"form": form, "activity": self.object}
        if not form.is_valid():
            return render(request, self.template_name, ctx)
        try:
            services.save_activity(form, request.user, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, self.template_name, ctx)
        messages.success(request, _("Kommunikationsaktiviteten är sparad."))
        return redirect("communication-detail", pk=pk)


class ActivityStatusView(ActivityObjectView, View):
    """Done (with what was done), cancelled or planned again."""

    permission_required = "communication.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        status = request.POST.get("status", "")
        kwargs = {}
        if status == workflow.DONE:
            form = DoneForm(request.POST)
            if not form.is_valid():
                errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
                messages.error(request, errors)
                return redirect("communication-detail", pk=pk)
            kwargs = form.cleaned_data
        try:
            services.set_status(self.object, status, request.user, request=request, **kwargs)
            messages.success(request, _("Aktivitetens status är ändrad."))
        except (workflow.TransitionError, ValidationError) as exc:
            messages.error(request, exc.messages[0] if hasattr(exc, "messages") else str(exc))
        return redirect("communication-detail", pk=pk)
