"""Publishing a citizen promise is irreversible for the citizens who read it: the form asks
for a ticked confirmation and the page refuses to publish without it."""

from __future__ import annotations

from django.urls import reverse

from tests.plans.conftest import audit_actions


def _unpublished(pw):
    pw.promise.published = False
    pw.promise.published_at = None
    pw.promise.save(update_fields=["published", "published_at"])
    return pw.promise


def test_publish_without_confirmation_is_refused(pw, client_for):
    promise = _unpublished(pw)
    client = client_for(pw.users["coordinator"])
    url = reverse("promise-publish", args=[promise.pk])
    response = client.post(url, {"action": "publish"}, follow=True)
    promise.refresh_from_db()
    assert not promise.published and promise.published_at is None
    assert "Bekräfta genom att kryssa i rutan" in response.content.decode()
    assert "promise.publish" not in audit_actions(object_id=str(promise.pk))
    response = client.post(url, {"action": "publish", "confirm": "1"}, follow=True)
    promise.refresh_from_db()
    assert promise.published and promise.published_at is not None
    assert "Löftet är publicerat" in response.content.decode()
    assert audit_actions(object_id=str(promise.pk))[-1] == "promise.publish"


def test_the_page_shows_a_required_confirmation_box_for_publishing_only(pw, client_for):
    client = client_for(pw.users["coordinator"])
    url = reverse("promise-detail", args=[pw.promise.pk])
    published = client.get(url).content.decode()
    assert "Avpublicera" in published and 'name="confirm"' not in published
    _unpublished(pw)
    page = client.get(url).content.decode()
    assert 'name="confirm" value="1" required' in page and "Publicera löftet" in page


def test_unpublishing_needs_no_confirmation(pw, client_for):
    client = client_for(pw.users["coordinator"])
    client.post(reverse("promise-publish", args=[pw.promise.pk]), {"action": "unpublish"})
    pw.promise.refresh_from_db()
    assert not pw.promise.published
