"""Sharing a problem or an action plan with a neighbouring municipality's partnership.

The owner's page (``…/dela/``) lists the object's shares and offers a new one; the share
page (``delningar/<pk>/``) is what the neighbour reads. That page is rendered from
:func:`samverkan.plans.sharing.shared_view` alone: the shared object itself is never in
its context, so a field the owner did not share cannot be printed by mistake.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core.permissions import scope
from samverkan.plans import sharing
from samverkan.plans.models import ActionPlan, Measure, Problem, Share, ShareStatus
from samverkan.plans.views.common import ObjectView


class SharePartsForm(forms.Form):
    """What of the object the neighbour sees (the title always)."""

    with_description = forms.BooleanField(
        label=gettext_lazy("Dela beskrivningen"), required=False, initial=True
    )
    with_analysis = forms.BooleanField(
        label=gettext_lazy("Dela orsaksanalysens iakttagelser och slutsats"), required=False
    )
    goal = forms.CharField(
        label=gettext_lazy("Gemensamt mål"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Vad ni vill uppnå tillsammans över kommungränsen."),
    )
    measures = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Åtgärder som delas"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Bara rubrik, beskrivning, inriktning, tid och status visas."),
    )

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = obj.measures.order_by("start", "title")
        if not isinstance(obj, Problem):
            del self.fields["with_analysis"]

    def parts(self) -> dict:
        data = self.cleaned_data
        return {
            "with_description": data["with_description"],
            "with_analysis": data.get("with_analysis", False),
            "goal": data["goal"],
            "measures": list(data["measures"]),
        }


class ShareForm(SharePartsForm):
    receiver = forms.ModelChoiceField(
        label=gettext_lazy("Dela med samverkan i grannkommun"), queryset=None
    )
    field_order = ["receiver", "with_description", "with_analysis", "goal", "measures"]

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.fields["receiver"].queryset = sharing.neighbour_partnerships(obj.partnership_id)


class ObjectShareView(ObjectView, View):
    """The owner's list of an object's shares and the form for a new one."""

    permission_required = "plans.change_object"
    template_name = "plans/share_form.html"

    def context(self, form):
        obj = self.object
        field = "problem" if isinstance(obj, Problem) else "plan"
        shares = Share.objects.filter(**{field: obj}).select_related("receiver")
        return {
            "form": form,
            "object": obj,
            "kind": field,
            "shares": shares,
            "detail_url": "problem-detail" if field == "problem" else "plan-detail",
        }

    def get(self, request, pk):
        return render(request, self.template_name, self.context(ShareForm(obj=self.object)))

    def post(self, request, pk):
        form = ShareForm(request.POST, obj=self.object)
        if form.is_valid():
            try:
                item = sharing.share(
                    self.object,
                    form.cleaned_data["receiver"],
                    request.user,
                    request=request,
                    **form.parts(),
                )
            except (sharing.NotNeighboursError, sharing.TransitionError) as exc:
                form.add_error("receiver", str(exc))
            else:
                messages.success(
                    request,
                    _("Inbjudan är skickad till %(name)s.") % {"name": item.receiver.name},
                )
                return redirect(request.path)
        return render(request, self.template_name, self.context(form), status=400)


class ProblemShareView(ObjectShareView):
    model = Problem


class PlanShareView(ObjectShareView):
    model = ActionPlan


class ShareObjectView(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads ``self.share`` through the share scope: not visible is 404, not allowed 403."""

    permission_required = "plans.view_share"

    def get_permission_object(self):
        if not hasattr(self, "share"):
            self.share = get_object_or_404(
                scope(Share.objects.select_related("owner", "receiver"), self.request.user),
                pk=self.kwargs["pk"],
            )
        return self.share


class ShareDetailView(ShareObjectView, View):
    """The shared parts, read-only, as the neighbour sees them."""

    template_name = "plans/share_detail.html"

    def get(self, request, pk):
        share = self.share
        user = request.user
        can_answer = user.has_perm("plans.answer_share", share)
        own_plans = []
        if can_answer and share.status == ShareStatus.ACCEPTED:
            own_plans = scope(ActionPlan.objects.filter(partnership=share.receiver_id), user)
        ctx = {
            "view": sharing.shared_view(share),
            "share_pk": share.pk,
            "can_answer": can_answer and share.status == ShareStatus.PENDING,
            "can_coordinate": can_answer and share.status == ShareStatus.ACCEPTED,
            "own_plans": own_plans,
            "can_manage": user.has_perm("plans.manage_share", share),
        }
        return render(request, self.template_name, ctx)


class ShareEditView(ShareObjectView, View):
    """The owner changes what is shared."""

    permission_required = "plans.manage_share"
    template_name = "plans/share_edit.html"

    def context(self, form):
        return {"form": form, "share": self.share, "object": self.share.shared_object}

    def get(self, request, pk):
        share = self.share
        form = SharePartsForm(
            obj=share.shared_object,
            initial={
                "with_description": share.with_description,
                "with_analysis": share.with_analysis,
                "goal": share.goal,
                "measures": list(share.measures.all()),
            },
        )
        return render(request, self.template_name, self.context(form))

    def post(self, request, pk):
        form = SharePartsForm(request.POST, obj=self.share.shared_object)
        if form.is_valid():
            try:
                sharing.change_parts(self.share, request.user, request=request, **form.parts())
            except sharing.TransitionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("De delade delarna är ändrade."))
            return redirect("share-detail", pk=self.share.pk)
        return render(request, self.template_name, self.context(form), status=400)


class ShareWithdrawView(ShareObjectView, View):
    permission_required = "plans.manage_share"

    def post(self, request, pk):
        try:
            sharing.withdraw(self.share, request.user, request=request)
        except sharing.TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Delningen är återkallad. Grannkommunen ser den inte längre.")
            )
        obj = self.share.shared_object
        name = "problem-share" if isinstance(obj, Problem) else "plan-share"
        return redirect(name, pk=obj.pk)


class ShareAnswerView(ShareObjectView, View):
    """The receiver's coordinators accept or decline the invitation."""

    permission_required = "plans.answer_share"

    def post(self, request, pk):
        answer = request.POST.get("answer")
        if answer not in {"accept", "decline"}:
            raise PermissionDenied
        action = sharing.accept if answer == "accept" else sharing.decline
        try:
            action(self.share, request.user, request=request)
        except sharing.TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("share-detail", pk=pk)
        if answer == "accept":
            messages.success(request, _("Ni har godtagit delningen."))
            return redirect("share-detail", pk=pk)
        messages.success(request, _("Ni har avböjt delningen."))
        return redirect("plans-home")


class ShareCoordinateView(ShareObjectView, View):
    """The receiver links one of its own plans ("samordnas med")."""

    permission_required = "plans.answer_share"

    def post(self, request, pk):
        plan = None
        if request.POST.get("plan"):
            plan = get_object_or_404(
                scope(ActionPlan.objects.filter(partnership=self.share.receiver_id), request.user),
                pk=request.POST["plan"] if request.POST["plan"].isdigit() else 0,
            )
            if not request.user.has_perm("plans.change_object", plan):
                raise PermissionDenied
        try:
            sharing.coordinate(self.share, plan, request.user, request=request)
        except (sharing.TransitionError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Samordningen är sparad."))
        return redirect("share-detail", pk=pk)
