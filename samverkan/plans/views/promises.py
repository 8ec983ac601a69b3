"""Citizen promises (medborgarlöften): the promise, publishing, updates and poster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, downloads
from samverkan.plans import pdf, services
from samverkan.plans.forms import (
    PromiseForm,
    PromiseUpdateForm,
)
from samverkan.plans.models import (
    CitizenPromise,
)
from samverkan.plans.views.common import (
    ObjectEditView,
    ObjectView,
)


class PromiseCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "plans.add"
    template_name = "plans/promise_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": PromiseForm(user=request.user)})

    def post(self, request):
        form = PromiseForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        promise = services.save_form(
            form, request.user, audit.Action.PROMISE_CREATE, request=request
        )
        messages.success(
            request,
            _("Medborgarlöftet är sparat. Det syns inte offentligt förrän du publicerar det."),
        )
        return redirect("promise-detail", pk=promise.pk)


class PromiseDetailView(ObjectView, TemplateView):
    model = CitizenPromise
    template_name = "plans/promise_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        promise = self.object
        ctx.update(
            promise=promise,
            can_change=self.can_change(),
            measures=promise.measures.select_related("plan", "owner"),
            updates=promise.updates.all(),
            update_form=PromiseUpdateForm(),
            public_url=pdf.public_url(promise.area.code, self.request),
        )
        return ctx


class PromiseEditView(ObjectEditView):
    model = CitizenPromise
    template_name = "plans/promise_form.html"
    form_class = PromiseForm
    context_name = "promise"
    audit_action = audit.Action.PROMISE_UPDATE
    success_message = gettext_lazy("Medborgarlöftet är sparat.")
    success_url_name = "promise-detail"


class PromisePublishView(ObjectView, View):
    model = CitizenPromise
    permission_required = "plans.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            if request.POST.get("action") == "unpublish":
                services.unpublish_promise(self.object, request.user, request=request)
                messages.success(request, _("Löftet är inte längre publicerat."))
            elif not request.POST.get("confirm"):
                # Publishing cannot be taken back once citizens have read it: the ticked box
                # is the coordinator's confirmation (a POST field, so no script is needed).
                messages.error(request, _("Bekräfta genom att kryssa i rutan först."))
            else:
                services.publish_promise(self.object, request.user, request=request)
                messages.success(request, _("Löftet är publicerat på den offentliga sidan."))
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("promise-detail", pk=pk)


class PromiseUpdateView(ObjectView, View):
    model = CitizenPromise
    permission_required = "plans.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = PromiseUpdateForm(request.POST)
        if form.is_valid():
            services.add_promise_update(
                self.object,
                form.cleaned_data["date"],
                form.cleaned_data["text"],
                request.user,
                request=request,
            )
            messages.success(request, _("Lägesrapporten är sparad."))
        else:
            messages.error(request, _("Ange datum och skriv vad som har hänt."))
        return redirect("promise-detail", pk=pk)


class PromisePosterView(ObjectView, View):
    """An A4 poster of the promise with a QR code to the area's public page."""

    model = CitizenPromise

    def get(self, request, pk):
        promise = self.object
        url = pdf.public_url(promise.area.code, request)
        return downloads.pdf_download(
            request,
            "plans/pdf/poster.html",
            {
                "promise": promise,
                "url": url,
                "qr": pdf.qr_svg(
                    url, _("Medborgarlöften i %(area)s") % {"area": promise.area.name}
                ),
                "measures": promise.measures.all(),
            },
            f"medborgarlofte-{slugify(promise.area.name)}-{promise.year}",
            action=audit.Action.PROMISE_PRINT_POSTER,
            obj=promise,
            inline=True,
        )
