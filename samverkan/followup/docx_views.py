"""The tertial report's DOCX download: same permission and audit event as its PDF."""

from __future__ import annotations

from django.views import View

from samverkan.core import audit, downloads
from samverkan.followup import docx
from samverkan.followup.models import TertialReport
from samverkan.followup.views.common import ObjectPermissionMixin


class TertialDocxView(ObjectPermissionMixin, View):
    """The tertial report as DOCX; audit-logged as an export with format "docx"."""

    permission_required = "followup.view_partnership"
    model = TertialReport

    def get(self, request, pk):
        return downloads.download(
            request,
            docx.render(self.object, language=(request.LANGUAGE_CODE or "sv")[:2]),
            f"tertial-{self.object.tertial}",
            "docx",
            action=audit.Action.TERTIAL_REPORT_EXPORT,
            obj=self.object,
        )
