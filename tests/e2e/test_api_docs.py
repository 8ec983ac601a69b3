"""The API documentation page lists every resource from the schema, new ones included."""

from __future__ import annotations

from tests.e2e.conftest import login, screenshot


def test_api_docs_list_every_resource(page, live_server, demo_world):
    user = demo_world["samordnare"]
    login(page, live_server, user.username, user.password)
    page.goto(f"{live_server.url}/api/docs/")
    root = page.locator("#api-endpoints")
    for path in (
        "/api/situation-reports/{id}/",
        "/api/problems/",
        "/api/action-plans/",
        "/api/measures/",
        "/api/promises/",
        "/api/indicators/{id}/values/",
        "/api/indicator-values/",
    ):
        root.get_by_role("heading", name=path, exact=True).wait_for()
    values = root.locator(
        "section", has=page.get_by_role("heading", name="/api/indicators/{id}/values/", exact=True)
    )
    assert "POST" in values.inner_text()
    screenshot(page, "api-docs")
