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
        "/api/agreements/",
        "/api/agreements/{id}/document/",
        "/api/incidents/{id}/photos/",
        "/api/incidents/{id}/photos/{photo_id}/",
        "/api/incidents/{id}/tags/",
        "/api/incidents/{id}/actions/",
        "/api/county-overview/{code}/",
        "/api/county-digests/{id}/",
        "/api/county-network-meetings/",
        "/api/county-digest-subscriptions/{id}/",
        "/api/observations/",
        "/api/observations/{id}/decision/",
        "/api/observations/{id}/photo/",
    ):
        root.get_by_role("heading", name=path, exact=True).wait_for()
    values = root.locator(
        "section", has=page.get_by_role("heading", name="/api/indicators/{id}/values/", exact=True)
    )
    assert "POST" in values.inner_text()
    screenshot(page, "api-docs")
    photos = root.locator(
        "section", has=page.get_by_role("heading", name="/api/incidents/{id}/photos/", exact=True)
    )
    text = photos.inner_text()
    assert "POST Lägg till foton" in text and "GET Rapportens foton" in text
    # Three photos at most: the list is not paged, so the page offers no limit or offset.
    assert "limit (query)" not in text
    photos.screenshot(path=str(screenshot(page, "api-docs").with_name("api-docs-photos.png")))
    decision = root.locator(
        "section",
        has=page.get_by_role("heading", name="/api/observations/{id}/decision/", exact=True),
    )
    assert "POST Granska en observation som på sidan" in decision.inner_text()
    # The object id is described in Swedish, like the rest of the page.
    assert "id (path): Id för observation från allmänheten" in decision.inner_text()
    assert "A unique integer value" not in root.inner_text()
    decision.screenshot(
        path=str(screenshot(page, "api-docs").with_name("api-docs-observation-decision.png"))
    )
