"""Triage actions on one incident, its photos, and the reporter's mail choice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core.permissions import scope
from samverkan.incidents import triage
from samverkan.incidents.feedback_mail import set_feedback_mail, wants_feedback_mail
from samverkan.incidents.models import Incident
from samverkan.incidents.photos import PhotoError, add_photos, photo_response
from samverkan.incidents.triage_forms import (
    AddPhotosForm,
    AssignForm,
    CategoryForm,
    FeedbackMailForm,
    TagsForm,
)
from samverkan.incidents.triage_models import ReportPhoto


def triage_context(incident: Incident, user) -> dict:
    """The forms of the detail page's triage section, filled with the current values."""
    partnership = triage.tag_partnership(incident, user)
    own_tags = incident.tags.filter(partnership=partnership).values_list("name", flat=True)
    return {
        # Only the user's partnerships' tags: another partnership's words stay its own.
        "tags": list(triage.visible_tags(user).filter(incidents=incident)),
        "category_form": CategoryForm(initial={"category": incident.category}),
        "assign_form": AssignForm(
            initial={
                "organisation": incident.assigned_organisation_id,
                "person": incident.assigned_to_id,
            },
            organisations=triage.assignable_organisations(user),
            people=triage.assignable_people(user),
        ),
        "tags_form": TagsForm(initial={"tags": ", ".join(own_tags)}),
    }


class PhotoView(LoginRequiredMixin, View):
    """One photo of a report, to those who may see the report, never cached by others."""

    # Checked in the view: the photo's incident must be in the user's scope.
    permission_required = "incidents.view_incident"

    def get(self, request, pk):
        visible = scope(Incident.objects.all(), request.user).values("pk")
        # One 404 for a missing photo and a report out of scope: nothing learnt of either.
        item = get_object_or_404(ReportPhoto, pk=pk, incident__in=visible)
        return photo_response(item)


class AddPhotosView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST from the reporter's own report: photos added after filing."""

    permission_required = "incidents.add_photo"
    http_method_names = ["post"]

    def get_permission_object(self):
        self.incident = get_object_or_404(Incident, pk=self.kwargs["pk"])
        return self.incident

    def handle_no_permission(self):
        # Someone who may not see the report must not learn that it exists; one who sees
        # it (a coordinator, the reporter of a closed report) is refused.
        if self.request.user.is_authenticated and not self.request.user.has_perm(
            "incidents.view_incident", self.incident
        ):
            raise Http404
        return super().handle_no_permission()

    def post(self, request, pk):
        form = AddPhotosForm(request.POST, request.FILES)
        if not form.is_valid():
            for error in form.errors.get("photos", []):
                messages.error(request, error)
        else:
            try:
                added = add_photos(
                    self.incident, form.cleaned_data["photos"], request.user, request=request
                )
            except PhotoError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Fotot är tillagt i rapporten.",
                        "%(n)s foton är tillagda i rapporten.",
                        len(added),
                    )
                    % {"n": len(added)},
                )
        return redirect(reverse("incident-detail", args=[self.incident.pk]) + "#photos")


class FeedbackMailView(LoginRequiredMixin, View):
    """POST from the account page: the user's choice about mail on feedback."""

    permission_required = "authenticated"
    http_method_names = ["post"]

    def post(self, request):
        form = FeedbackMailForm(request.POST)
        wanted = form.is_valid() and form.cleaned_data["feedback_mail"]
        set_feedback_mail(request.user, wanted, request=request)
        messages.success(
            request,
            _("Du får e-post när du får återkoppling.")
            if wanted
            else _("Du får inte längre e-post om återkoppling."),
        )
        return redirect(reverse("two-factor-account"))


def account_section(request) -> dict:
    """What the account page shows of reporting: the mail choice's form."""
    return {
        "template": "incidents/_account_feedback_mail.html",
        "form": FeedbackMailForm(initial={"feedback_mail": wants_feedback_mail(request.user)}),
    }
