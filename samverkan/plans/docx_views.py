"""The action plan's DOCX download: same permission, scope and audit event as its PDF."""

from __future__ import annotations

from django.utils.text import slugify
from django.views import View

from samverkan.core import audit, downloads
from samverkan.plans import docx
from samverkan.plans.models import ActionPlan
from samverkan.plans.views.common import ObjectView, plan_measures


class PlanDocxView(ObjectView, View):
    """The plan as DOCX; audit-logged as an export with format "docx", like the PDF."""

    model = ActionPlan

    def get(self, request, pk):
        plan = self.object
        measures = plan_measures(plan)
        name = f"atgardsplan-{slugify(plan.title)}-{plan.start_year}-{plan.end_year}"
        return downloads.download(
            request,
            docx.render(plan, measures),
            name,
            "docx",
            action=audit.Action.ACTION_PLAN_EXPORT,
            obj=plan,
        )
