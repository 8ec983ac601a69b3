"""The changes of one case go through one dispatch table (samverkan.cases.views.actions):
every row is reachable, a row's own permission is enforced, an invalid form changes
nothing and says why, and the user returns to the row's section of the case page."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from samverkan.cases.models import PreventiveCase
from samverkan.cases.views import CASE_ACTIONS, CaseActionView
from samverkan.core.models import AuditEvent


def _post(client, case, action, data):
    return client.post(reverse("case-action", args=[case.pk, action]), data, follow=False)


def test_the_view_serves_exactly_the_rows_of_the_table(cw, client):
    assert CaseActionView.ACTIONS == set(CASE_ACTIONS)
    client.force_login(cw.users["officer"])
    assert _post(client, cw.case, "no-such-action", {}).status_code == 404


def test_an_action_with_its_own_permission_refuses_a_user_without_it(cw, client):
    """Assigning officers is for supervisors: the assigned officer may change the case
    but not choose who else works on it, and learns nothing from the refusal."""
    assert CASE_ACTIONS["assign"].permission == "cases.assign_officers"
    officer, other = cw.users["officer"], cw.users["other_officer"]
    client.force_login(officer)
    before = AuditEvent.objects.count()
    response = _post(client, cw.case, "assign", {"officers": [officer.pk, other.pk]})
    assert response.status_code == 404
    assert set(cw.case.officers.all()) == {officer}
    assert AuditEvent.objects.count() == before


def test_an_invalid_form_changes_nothing_and_names_the_field(cw, client):
    client.force_login(cw.users["officer"])
    before = AuditEvent.objects.count()
    response = _post(client, cw.case, "risk", {"risk-level": "extreme"})
    assert response.status_code == 302 and response["Location"].endswith("#risk")
    case = PreventiveCase.objects.get(pk=cw.case.pk)
    assert case.risk_level == cw.case.risk_level
    assert AuditEvent.objects.count() == before
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert errors and all(":" in e for e in errors)


def test_a_valid_action_makes_the_change_and_returns_to_its_section(cw, client):
    client.force_login(cw.users["officer"])
    before = cw.case.measures.count()
    response = _post(
        client, cw.case, "measure", {"measure-description": "Kontakt med fältassistenter"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#insatser")
    assert [m.description for m in cw.case.measures.all()[before:]] == [
        "Kontakt med fältassistenter"
    ]
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Insatsen är tillagd." in messages
