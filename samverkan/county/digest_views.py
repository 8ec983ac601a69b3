"""Pages of the regional network digest: the board composes, members read and subscribe."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, downloads, periods
from samverkan.core.models import Area
from samverkan.core.pdf import template_to_pdf
from samverkan.county import network, services, workflow
from samverkan.county.digest import gather
from samverkan.county.models import Digest, DigestSubscription, NetworkMeeting, PeriodType


class DigestForm(forms.Form):
    county = forms.ModelChoiceField(queryset=Area.objects.none(), label=gettext_lazy("Län"))
    period_type = forms.ChoiceField(choices=PeriodType.choices, label=gettext_lazy("Periodtyp"))
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=20,
        help_text=gettext_lazy("Till exempel 2026-08 (månad) eller 2026-T2 (tertial)."),
    )
    intro = forms.CharField(
        label=gettext_lazy("Inledning"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )

    def __init__(self, *args, counties=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = lambda area: area.name

    def clean(self):
        data = super().clean()
        if data.get("period_type") and data.get("period"):
            try:
                data["period"] = periods.parse(data["period"], data["period_type"]).label
            except periods.PeriodError as e:
                self.add_error("period", str(e))
        return data


class IntroForm(forms.Form):
    intro = forms.CharField(
        label=gettext_lazy("Inledning"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )


class MeetingForm(forms.ModelForm):
    link = forms.URLField(label=gettext_lazy("Länk"), required=False, assume_scheme="https")

    class Meta:
        model = NetworkMeeting
        fields = ["starts_at", "topic", "place", "link"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class BoardMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """The county board's pages; a county outside the user's reach is a 404."""

    permission_required = "county.compose_digest"

    def counties(self):
        # A county's border is the largest of all; the form and the checks need none.
        return (
            Area.objects.filter(pk__in=network.board_county_ids(self.request.user))
            .defer("geometry")
            .order_by("name")
        )

    def digest(self, pk) -> Digest:
        return get_object_or_404(
            Digest.objects.select_related("county").defer("county__geometry"),
            pk=pk,
            county__in=self.counties(),
        )


class DigestListView(BoardMixin, View):
    def get(self, request):
        counties = self.counties()
        return render(
            request,
            "county/digest_list.html",
            {
                "digests": Digest.objects.filter(county__in=counties)
                .select_related("county")
                .defer("county__geometry"),
                "form": DigestForm(counties=counties),
            },
        )


class DigestCreateView(BoardMixin, View):
    def post(self, request):
        form = DigestForm(request.POST, counties=self.counties())
        if not form.is_valid():
            return render(
                request,
                "county/digest_list.html",
                {
                    "digests": Digest.objects.filter(county__in=self.counties()),
                    "form": form,
                },
                status=400,
            )
        d = form.cleaned_data
        digest = services.create_digest(
            request.user, d["county"], d["period_type"], d["period"], d["intro"], request=request
        )
        return redirect("county-digest", pk=digest.pk)


class DigestEditView(BoardMixin, View):
    def dispatch_digest(self, request, pk):
        digest = self.digest(pk)
        if digest.status != workflow.DRAFT:
            messages.error(request, _("Ett skickat nätverksbrev kan inte ändras."))
            return digest, redirect("county-digest", pk=digest.pk)
        return digest, None

    def get(self, request, pk):
        digest, refused = self.dispatch_digest(request, pk)
        if refused:
            return refused
        form = IntroForm(initial={"intro": digest.intro})
        return render(request, "county/digest_edit.html", {"digest": digest, "form": form})

    def post(self, request, pk):
        digest, refused = self.dispatch_digest(request, pk)
        if refused:
            return refused
        form = IntroForm(request.POST)
        if not form.is_valid():
            return render(
                request, "county/digest_edit.html", {"digest": digest, "form": form}, status=400
            )
        services.update_digest(request.user, digest, form.cleaned_data["intro"], request=request)
        messages.success(request, _("Inledningen är sparad."))
        return redirect("county-digest", pk=digest.pk)


class DigestSendView(BoardMixin, View):
    def post(self, request, pk):
        digest = self.digest(pk)
        try:
            services.request_send(request.user, digest, request=request)
        except workflow.TransitionError as e:
            messages.error(request, str(e))
        else:
            messages.success(
                request, _("Nätverksbrevet skickas till prenumeranterna i bakgrunden.")
            )
        return redirect("county-digest", pk=digest.pk)


class DigestReaderMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A digest as its reader may see it: sent ones to the network, drafts to the board."""

    permission_required = "county.network_member"

    def readable(self, pk) -> tuple[Digest, dict, bool]:
        """The digest, its content (frozen once sent, gathered for a draft) and whether it
        is a draft's preview."""
        digest = get_object_or_404(
            Digest.objects.select_related("county").defer("county__geometry"), pk=pk
        )
        if not network.may_read_digest(self.request.user, digest):
            # Someone else's network, or a draft, is not told apart from no digest at all.
            raise Http404
        preview = digest.status == workflow.DRAFT
        content = gather(digest, self.request.user) if preview else digest.content
        return digest, content, preview


class DigestView(DigestReaderMixin, View):
    """The web version: the frozen content of a sent digest, or the board's preview of a draft."""

    def get(self, request, pk):
        digest, content, preview = self.readable(pk)
        board = network.is_board(request.user, digest.county)
        return render(
            request,
            "county/digest.html",
            {"digest": digest, "content": content, "preview": preview, "board": board},
        )


class DigestPdfView(DigestReaderMixin, View):
    """The digest as an A4 PDF, for the network meeting's table and the archive; each
    download writes ``county_digest.export``."""

    def get(self, request, pk):
        digest, content, preview = self.readable(pk)
        body = template_to_pdf(
            "county/digest_pdf.html",
            {"digest": digest, "content": content, "preview": preview},
            request=request,
        )
        return downloads.download(
            request,
            body,
            f"natverksbrev-{digest.county.code}-{digest.period_label}",
            "pdf",
            action=audit.Action.COUNTY_DIGEST_EXPORT,
            obj=digest,
            details={"county": digest.county.code, "period": digest.period_label, "draft": preview},
        )


class MeetingsView(BoardMixin, View):
    def get(self, request):
        return self.page(request, MeetingForm())

    def page(self, request, form, status=200):
        counties = self.counties()
        return render(
            request,
            "county/network_meetings.html",
            {
                "meetings": NetworkMeeting.objects.filter(county__in=counties)
                .select_related("county")
                .defer("county__geometry"),
                "form": form,
                "counties": counties,
            },
            status=status,
        )

    def post(self, request):
        county = get_object_or_404(self.counties(), pk=request.POST.get("county"))
        form = MeetingForm(request.POST, instance=NetworkMeeting(county=county))
        if not form.is_valid():
            return self.page(request, form, status=400)
        services.save_meeting(request.user, form.instance, request=request)
        messages.success(request, _("Mötet är sparat."))
        return redirect("county-meetings")


class MeetingEditView(BoardMixin, View):
    def meeting(self, pk):
        return get_object_or_404(NetworkMeeting, pk=pk, county__in=self.counties())

    def get(self, request, pk):
        meeting = self.meeting(pk)
        return render(
            request,
            "county/network_meeting_edit.html",
            {"meeting": meeting, "form": MeetingForm(instance=meeting)},
        )

    def post(self, request, pk):
        meeting = self.meeting(pk)
        form = MeetingForm(request.POST, instance=meeting)
        if not form.is_valid():
            return render(
                request,
                "county/network_meeting_edit.html",
                {"meeting": meeting, "form": form},
                status=400,
            )
        services.save_meeting(request.user, form.instance, request=request)
        messages.success(request, _("Mötet är sparat."))
        return redirect("county-meetings")


class MeetingDeleteView(BoardMixin, View):
    def post(self, request, pk):
        meeting = get_object_or_404(NetworkMeeting, pk=pk, county__in=self.counties())
        services.delete_meeting(request.user, meeting, request=request)
        messages.success(request, _("Mötet är borttaget."))
        return redirect("county-meetings")


class SubscriptionsView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A member's own subscriptions, one per county network they belong to."""

    permission_required = "county.network_member"

    def get(self, request):
        counties = (
            Area.objects.filter(pk__in=network.network_county_ids(request.user))
            .defer("geometry")
            .order_by("name")
        )
        subscribed = set(
            DigestSubscription.objects.filter(user=request.user).values_list("county_id", flat=True)
        )
        sent = Digest.objects.filter(county__in=counties).exclude(status=workflow.DRAFT)
        return render(
            request,
            "county/digest_subscriptions.html",
            {
                "rows": [(c, c.pk in subscribed) for c in counties],
                "digests": sent.select_related("county").defer("county__geometry"),
            },
        )

    def post(self, request):
        county = get_object_or_404(Area, pk=request.POST.get("county"), level=Area.Level.COUNTY)
        if request.POST.get("action") == "subscribe":
            if not network.is_member(request.user, county):
                raise Http404
            services.subscribe(request.user, county, request=request)
            messages.success(request, _("Du prenumererar nu på nätverksbrevet."))
        else:
            services.unsubscribe(request.user, county, request=request)
            messages.success(request, _("Du prenumererar inte längre på nätverksbrevet."))
        return redirect("county-digest-subscriptions")


class UnsubscribeView(View):
    """The link in every e-mail: works without signing in, from the signed token alone.

    GET only asks; the POST unsubscribes, so that a mail scanner that follows links does
    not unsubscribe anybody.
    """

    permission_required = "public"

    def target(self, request):
        ids = network.read_unsubscribe_token(request.GET.get("token", ""))
        if ids is None:
            raise Http404
        user = get_user_model().objects.filter(pk=ids[0]).first()
        county = Area.objects.filter(pk=ids[1]).defer("geometry").first()
        if user is None or county is None:
            raise Http404
        return user, county

    def get(self, request):
        user, county = self.target(request)
        subscribed = DigestSubscription.objects.filter(user=user, county=county).exists()
        return render(
            request,
            "county/digest_unsubscribe.html",
            {"county": county, "subscribed": subscribed, "done": False},
        )

    def post(self, request):
        user, county = self.target(request)
        services.unsubscribe(user, county, request=request, by_link=True)
        return render(
            request,
            "county/digest_unsubscribe.html",
            {"county": county, "subscribed": False, "done": True},
        )
