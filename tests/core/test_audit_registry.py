"""Audit actions come from one registry of typed, labelled ``object.verb`` names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

import samverkan
from samverkan.core import audit
from samverkan.core.audit_actions import ALIASES, Action, label, resolve, stored_names
from samverkan.core.models import AuditEvent

NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# Functions that pass their first argument (or ``action=``) on to audit.record.
RECORDERS = {"record", "_record", "log_access", "save_form", "_save_agreement"}


def test_every_action_is_object_dot_verb_with_a_swedish_label():
    for action in Action:
        assert NAME.match(action.value), action.value
        assert str(action.label) and str(action.label) != action.value
    assert len(set(Action.values)) == len(Action.values)


def test_every_earlier_name_maps_to_a_current_action_and_is_not_one_itself():
    for old, new in ALIASES.items():
        assert old not in Action.values
        assert isinstance(new, Action)
        assert resolve(old) is new and label(old) == str(new.label)
    assert label("never.registered") == "never.registered"


@pytest.mark.django_db
def test_recording_an_unregistered_or_earlier_name_fails():
    with pytest.raises(audit.UnregisteredAction):
        audit.record("incident.explode")
    with pytest.raises(audit.UnregisteredAction):
        audit.record("auth.login")
    assert not AuditEvent.objects.exists()
    event = audit.record(Action.INCIDENT_CREATE)
    assert event.action == "incident.create" and event.action_label == "Händelse rapporterad"


def _literal_actions():
    """(place, name) of every string literal handed to an audit recorder in the code."""
    root = Path(samverkan.__file__).parent
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            values = []
            if name in RECORDERS:
                values += node.args[:1] + node.args[2:3]
                values += [k.value for k in node.keywords if k.arg == "action"]
            for value in values:
                options = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                for option in options:
                    if isinstance(option, ast.Constant) and "." in str(option.value):
                        yield f"{path.relative_to(root)}:{node.lineno}", option.value


def test_every_action_the_code_writes_is_registered():
    found = list(_literal_actions())
    assert len(found) > 80
    unregistered = [(place, name) for place, name in found if name not in Action.values]
    assert unregistered == []


@pytest.mark.django_db
def test_the_audit_log_shows_labels_and_finds_rows_under_earlier_names(world, client_for):
    admin = world.users["org_admin"]
    AuditEvent.objects.create(action="auth.login", actor_name="gammal", organisation=world.kommun)
    audit.record(Action.USER_SIGN_IN, actor=admin, organisation=world.kommun)
    assert set(stored_names("user.sign_in")) >= {"user.sign_in", "user.sign_in_sso", "auth.login"}
    client = client_for(admin)
    response = client.get(reverse("audit-log"), {"action": "user.sign_in"})
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert {e.action for e in rows} == {"auth.login", "user.sign_in"}
    page = response.content.decode()
    assert page.count("Inloggning") >= 2
