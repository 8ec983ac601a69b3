"""A small JSON API for case officers' own tools, under the cases URLs.

The same permissions and scope as the pages; the same audit with purpose. A caller who is
not assigned must state a purpose with ``?syfte=<code>`` (codes in purposes.py). A token
of a user without a case role (a reporter's, stolen or not) gets 403 on the list and 404
on every case.
"""

from __future__ import annotations

import rules
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from samverkan.cases import purposes, services
from samverkan.cases.models import PreventiveCase
from samverkan.core import audit
from samverkan.core.permissions import scope


def _brief(case: PreventiveCase) -> dict:
    return {
        "id": case.pk,
        "reference": str(case),
        "case_type": case.case_type,
        "status": case.status,
        "organisation": case.organisation.name,
        "opened_on": case.opened_on.isoformat(),
        "anonymised": case.is_anonymised,
    }


class CaseApiList(APIView):
    """The caller's cases, without personal data, paged (``?limit=``/``?offset=``)."""

    permission_required = "cases.access"

    # Without its own id the list's operation would be named like the detail's (a warning
    # of `check --deploy`).
    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["cases"], operation_id="arenden_api_list")
    def get(self, request):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied()
        cases = (
            scope(PreventiveCase.objects.all(), request.user)
            .select_related("organisation")
            .order_by("pk")
        )
        # Paged like every other API list (the project's pagination class, read from the
        # REST framework settings so that cases does not import the api package).
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(cases, request, view=self)
        # The audit names the cases actually returned, page by page.
        audit.record(
            "case.list",
            request=request,
            purpose=purposes.OVERVIEW,
            details={"cases": [c.pk for c in page], "api": True},
        )
        return paginator.get_paginated_response([_brief(c) for c in page])


class CaseApiDetail(APIView):
    """One case with the person's name and masked number; audited with its purpose."""

    permission_required = "cases.view_case"

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        tags=["cases"],
        parameters=[OpenApiParameter("syfte", str, description="Syfte (om du inte är tilldelad)")],
    )
    def get(self, request, pk):
        case = get_object_or_404(PreventiveCase.objects.select_related("organisation"), pk=pk)
        if not rules.has_perm(self.permission_required, request.user, case):
            raise NotFound()
        purpose = purposes.stated(request, case)
        code = request.query_params.get("syfte", "")
        if purpose is None:
            if code not in purposes.PURPOSES:
                raise ValidationError({"syfte": f"Ange syfte: {', '.join(purposes.PURPOSES)}."})
            purpose = purposes.text_for(code)
        services.log_access(case, request.user, purpose, request=request, api=True)
        data = _brief(case)
        data.update(
            person_name=case.person_name,
            person_number_masked=case.masked_number,
            age=case.age,
            risk_level=case.risk_level,
            conversations=[
                {"kind": c.kind, "planned_at": c.planned_at, "held_at": c.held_at}
                for c in case.conversations.all()
            ],
            outcomes=[
                {
                    "months": o.months,
                    "new_threats": o.new_threats,
                    "new_violence": o.new_violence,
                    "new_crime": o.new_crime,
                    "source": o.source,
                }
                for o in case.outcomes.all()
            ],
        )
        return Response(data)
