"""Who may see and change preventive cases: need to know, nothing more.

* An assigned case officer (handläggare) sees and works on the cases assigned to them,
  as long as they are still a case officer of the case's organisation.
* A case supervisor (ärendeansvarig chef) sees every case of their own organisation and
  assigns officers.
* Nobody else sees a case: not another case officer of the same organisation, not a
  coordinator, not an organisation administrator and not a system administrator. The
  platform's administrators manage users; they do not read cases.
* Coordinators, regional viewers and case supervisors see the aggregated outcome
  statistics, which hold no personal data.
* An information request is seen by both sides: those who see the case, and the case
  officers and supervisors of the organisation asked.
* An organisation administrator produces the access log (GDPR art. 15) of the cases of
  their own organisation, without seeing their content.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from samverkan.cases.models import (
    CaseMeasure,
    Conversation,
    InformationExchange,
    InformationRequest,
    OutcomeFollowUp,
    PreventiveCase,
)
from samverkan.core.permissions import has_role, is_system_admin, org_ids, scoped
from samverkan.core.roles import Role

CASE_ROLES = {Role.CASE_OFFICER, Role.CASE_SUPERVISOR}


def officer_org_ids(user) -> set[int]:
    return org_ids(user, {Role.CASE_OFFICER})


def supervisor_org_ids(user) -> set[int]:
    return org_ids(user, {Role.CASE_SUPERVISOR})


def case_filter(user) -> Q:
    """The Q object behind the case scope."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    assigned = Q(officers=user, organisation_id__in=officer_org_ids(user))
    return assigned | Q(organisation_id__in=supervisor_org_ids(user))


def visible_cases(user):
    return PreventiveCase.objects.filter(
        pk__in=PreventiveCase.objects.filter(case_filter(user)).values("pk")
    )


def is_assigned_officer(user, case) -> bool:
    return (
        case is not None
        and case.organisation_id in officer_org_ids(user)
        and case.officers.filter(pk=user.pk).exists()
    )


@scoped(PreventiveCase)
def _scope_cases(qs, user):
    return qs.filter(pk__in=visible_cases(user).values("pk"))


def _scope_children(qs, user):
    return qs.filter(case__in=visible_cases(user).values("pk"))


for _model in (Conversation, CaseMeasure, InformationExchange, OutcomeFollowUp):
    scoped(_model)(_scope_children)


def request_filter(user) -> Q:
    responders = org_ids(user, CASE_ROLES)
    return Q(case__in=visible_cases(user).values("pk")) | Q(to_organisation_id__in=responders)


@scoped(InformationRequest)
def _scope_requests(qs, user):
    return qs.filter(request_filter(user))


@rules.predicate
def assigned(user, case) -> bool:
    return is_assigned_officer(user, case)


@rules.predicate
def supervises(user, case) -> bool:
    return case is not None and case.organisation_id in supervisor_org_ids(user)


@rules.predicate
def not_anonymised(user, case) -> bool:
    return case is not None and case.anonymised_at is None


@rules.predicate
def sees_request(user, request) -> bool:
    if request is None:
        return False
    return (
        request.to_organisation_id in org_ids(user, CASE_ROLES)
        or is_assigned_officer(user, request.case)
        or request.case.organisation_id in supervisor_org_ids(user)
    )


@rules.predicate
def answers_request(user, request) -> bool:
    return request is not None and request.to_organisation_id in org_ids(user, CASE_ROLES)


has_case_role = has_role(*CASE_ROLES)
is_org_admin = has_role(Role.ORG_ADMIN)
is_analyst = has_role(Role.COORDINATOR, Role.REGIONAL_VIEWER, Role.CASE_SUPERVISOR)

rules.add_perm("cases.access", has_case_role)
rules.add_perm("cases.add_case", has_case_role)
rules.add_perm("cases.view_case", assigned | supervises)
rules.add_perm("cases.change_case", (assigned | supervises) & not_anonymised)
rules.add_perm("cases.assign_officers", supervises & not_anonymised)
rules.add_perm("cases.view_request", sees_request)
rules.add_perm("cases.answer_request", answers_request)
rules.add_perm("cases.view_statistics", is_analyst | is_system_admin)
rules.add_perm("cases.access_log", is_org_admin)
