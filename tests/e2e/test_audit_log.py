"""An organisation administrator reads the audit log: each row says in words what happened,
rows under an action's earlier name included."""

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _rows():
    from samverkan.core import audit
    from samverkan.core.models import AuditEvent, Organisation

    org = Organisation.objects.get(name="Örebro kommun")
    # Written before the action names were registered; the log is never rewritten.
    AuditEvent.objects.create(action="auth.login", actor_name="tidigare", organisation=org)
    audit.record(audit.Action.USER_SIGN_IN, organisation=org)


def test_audit_log_shows_labels(page, live_server, demo_world):
    _rows()
    admin = demo_world["orgadmin"]
    login(page, live_server, admin.username, admin.password)
    page.goto(f"{live_server.url}/granskningslogg/?action=user.sign_in")
    rows = page.locator("tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("tidigare" in t and "Inloggning" in t and "auth.login" in t for t in texts)
    assert any("tidigare" not in t and "Inloggning user.sign_in" in t for t in texts)
    screenshot(page, "audit-log")
