"""The tertial report's DOCX download: same permission and audit event as its PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.views import View

from samverkan.core import audit
from samverkan.core.docx import CONTENT_TYPE
from samverkan.followup import docx
from samverkan.followup.models import TertialReport
from samverkan.followup.views.common import ObjectPermissionMixin


class TertialDocxView(ObjectPermissionMixin, View):
    """The tertial report as DOCX; audit-logged as an export with format "docx"."""

    permission_required = "followup.view_partnership"
    model = TertialReport

    def get(self, request, pk):
        body = docx.render(self.object, language=(request.LANGUAGE_CODE or "sv")[:2])
        audit.record(
            audit.Action.TERTIAL_REPORT_EXPORT,
            request=request,
            obj=self.object,
            details={"format": "docx"},
        )
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="tertial-{self.object.tertial}.docx"'
        )
        return response
