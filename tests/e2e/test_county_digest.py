"""Browser test: the Örebro county board composes, previews and sends the network digest;
a member subscribes, opens the web version from the e-mail on a phone and unsubscribes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.county.models import Digest, DigestSubscription
from samverkan.demo.loader.world import DEMO_MUNICIPALITY
from samverkan.situation import workflow
from samverkan.situation.models import Audience, SituationReport
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SMALL = re.compile(r"(?<![\d.,:<\-/])[12](?![\d.,:\-/])")


def _orebro_shared_august():
    orebro = Area.objects.get(country="SE", level="municipality", code=DEMO_MUNICIPALITY)
    orebro.population = 160_000
    orebro.save()
    august = periods.parse("2026-08", "month")
    SituationReport.objects.create(
        area=orebro,
        partnership=orebro.partnerships.first(),
        period_type="month",
        period_start=august.start,
        period_end=august.end,
        period_label="2026-08",
        audience=Audience.SHARED,
        status=workflow.SHARED,
        # A small count that an older snapshot held as a number: shown as <3 all the same.
        snapshot={"period": {"name": "augusti 2026"}, "totals": {"count": 812, "previous": 2}},
        approved_at=datetime(2026, 9, 3, tzinfo=UTC),
    )
    return orebro


def test_board_sends_the_digest_and_a_member_reads_and_unsubscribes(
    demo_world, live_server, page, phone, settings
):
    settings.TASKS = IMMEDIATE
    _orebro_shared_august()

    # A member of Örebro's partnership subscribes from the account page (phone width).
    login(phone, live_server, "samordnare", "demo-samordnare")
    phone.goto(f"{live_server.url}/konto/tvafaktor/")
    phone.get_by_role("link", name="Prenumeration på nätverksbrevet").click()
    row = phone.locator('#subscription-table tr[data-county="18"]')
    row.get_by_role("button", name="Prenumerera").click()
    expect(phone.locator('#subscription-table tr[data-county="18"]')).to_contain_text(
        "Prenumererar"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The board plans a network meeting and composes the August digest.
    login(page, live_server, "lansstyrelsen", "demo-lansstyrelsen")
    page.get_by_role("link", name="Nätverksbrev").first.click()
    page.get_by_role("link", name="Nätverksmöten").click()
    form = page.locator("#meeting-form")
    form.get_by_label("Län", exact=True).select_option(label="Örebro län")
    form.get_by_label("Tid").fill("2030-02-14T13:00")
    form.get_by_label("Ämne").fill("Nätverksträff om trygghetsvandringar")
    form.get_by_label("Plats").fill("Länsstyrelsen, Örebro")
    form.get_by_role("button", name="Spara").click()
    expect(page.locator("#meeting-table")).to_contain_text("Nätverksträff om trygghetsvandringar")

    page.get_by_role("link", name="Nätverksbrev").first.click()
    form = page.locator("#digest-form")
    form.get_by_label("Län", exact=True).select_option(label="Örebro län")
    form.get_by_label("Periodtyp").select_option(label="Månad")
    form.get_by_label("Period", exact=True).fill("2026-08")
    form.get_by_label("Inledning").fill("Välkommen! <b>Augusti</b> i länet.")
    form.get_by_role("button", name="Skapa utkast").click()

    # The preview: shared figures only, small counts hidden, the introduction as text.
    expect(page.locator("#digest-preview")).to_be_visible()
    body = page.locator("#digest-body")
    expect(body).to_contain_text("Välkommen! <b>Augusti</b> i länet.")
    row = page.locator(f'#digest-pictures tr[data-code="{DEMO_MUNICIPALITY}"]')
    expect(row).to_contain_text("812")
    expect(row).to_contain_text("<3")
    expect(page.locator("#digest-meetings")).to_contain_text("Nätverksträff om trygghetsvandringar")
    screenshot(page, "county-digest-preview")
    page.get_by_role("button", name="Skicka till prenumeranterna").click()
    expect(page.locator(".messages")).to_contain_text("skickas till prenumeranterna")
    expect(page.locator("#digest-status")).to_contain_text("Skickat")

    # The sent digest as a PDF for the network meeting's table.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner PDF").click()
    assert download.value.suggested_filename.startswith("natverksbrev-18-2026-08")
    with open(download.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"

    digest = Digest.objects.get()
    assert digest.status == "sent" and digest.recipients == 1
    (message,) = mail.outbox
    assert message.to == ["samordnare@demo.invalid"]
    assert not SMALL.search(re.sub(r"https?://\S+|/\S+", " ", message.body))
    web = re.search(r"Läs brevet på webben: (\S+)", message.body).group(1)
    unsubscribe = re.search(r"Avsluta prenumerationen: (\S+)", message.body).group(1)

    # The member opens the web version from the e-mail, on the phone.
    phone.goto(f"{live_server.url}{web}" if web.startswith("/") else web)
    expect(phone.locator("#digest-body")).to_contain_text("812")
    expect(phone.locator("#digest-body")).to_contain_text("Välkommen! <b>Augusti</b> i länet.")
    expect(phone.locator("#digest-preview")).to_have_count(0)
    screenshot(phone, "phone-county-digest")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # ... and unsubscribes with the link in the e-mail, which needs no sign-in.
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}{unsubscribe}" if unsubscribe.startswith("/") else unsubscribe)
    phone.get_by_role("button", name="Avsluta prenumerationen").click()
    expect(phone.locator("#unsubscribe")).to_contain_text("Du får inte längre nätverksbrevet")
    assert not DigestSubscription.objects.exists()
