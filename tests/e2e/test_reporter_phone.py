"""The reporter's phone flow at 390 px: a report with a photo, a paged list, the
coordinator's new category and feedback (with the feedback mail), a photo added to the
filed report, no sideways scroll."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from PIL import Image

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import reporting_organisation
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

WIDTH = 390


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} är {width} px bred"


def photo_with_gps(path):
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (59.0, 16.0, 0.0), 3: "E", 4: (15.0, 13.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (180, 40, 40)).save(out, format="JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_reporter_phone_flow(phone, page, live_server, demo_world, tmp_path):
    reporter = demo_world["rapportor"]
    klotter = Category.objects.get(label_sv="Klotter")
    # 40 earlier reports: the list must come in pages, not as one 16,000-pixel page.
    user = get_user_model().objects.get(username=reporter.username)
    org = reporting_organisation(user)
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    ingest(
        [
            IncidentRow(
                "rapport",
                start + timedelta(days=n),
                klotter.pk,
                external_id=f"tidigare-{n}",
                lon=15.20 + n / 1000,
                lat=59.27,
                organisation_id=org.pk,
                reporter_id=user.pk,
            )
            for n in range(40)
        ]
    )

    login(phone, live_server, reporter.username, reporter.password)
    phone.goto(f"{live_server.url}/handelser/rapportera/")
    phone.get_by_label("Vad hände?").select_option(label="Klotter")
    phone.wait_for_selector("#pick-map[data-loaded='1']")
    box = phone.locator("#pick-map").bounding_box()
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    phone.wait_for_selector("#pick-map[data-picked='1']")
    phone.get_by_label("Typ av plats").select_option("park")
    phone.get_by_label("Beskrivning").fill("Klotter på lekparkens staket")
    phone.get_by_label("Foton (högst 3)").set_input_files(str(photo_with_gps(tmp_path / "a.jpg")))
    no_sideways_scroll(phone)
    phone.get_by_role("button", name="Skicka rapport").click()
    phone.wait_for_url("**/handelser/mina/")
    assert "Tack! Din rapport är mottagen." in phone.content()

    incident = Incident.objects.get(photos__isnull=False)
    stored = Image.open(io.BytesIO(bytes(incident.photos.get().data)))
    assert stored.format == "JPEG" and len(stored.getexif()) == 0

    # The list: 20 per page, three pages, the new report first, nothing wider than the phone.
    assert phone.locator("article.report-card").count() == 20
    assert "Sida 1 av 3" in phone.content()
    assert phone.locator("article.report-card h2 a").first.inner_text() == "Klotter"
    no_sideways_scroll(phone)
    screenshot(phone, "reporter-phone-list")
    phone.get_by_role("link", name="Nästa").click()
    assert "Sida 2 av 3" in phone.content()
    assert phone.locator("article.report-card").count() == 20
    no_sideways_scroll(phone)
    phone.get_by_label("Sortera").select_option("date")
    phone.get_by_role("button", name="Sortera").click()
    assert "Sida 1 av 3" in phone.content()
    assert "6 januari 2025" in phone.locator("article.report-card").first.inner_text()

    # The coordinator re-categorises the report and gives feedback.
    new = (
        Category.objects.filter(reportable=True, is_summary=False, parent__isnull=False)
        .exclude(pk=klotter.pk)
        .first()
    )
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)
    page.goto(f"{live_server.url}/handelser/{incident.pk}/")
    page.get_by_label("Ny kategori").select_option(new.code)
    page.get_by_role("button", name="Ändra kategori").click()
    assert "Kategorin är ändrad" in page.content()
    page.get_by_label("Återkoppling till rapportören").fill("Tack! Staketet målas om på fredag.")
    page.get_by_role("button", name="Spara återkoppling").click()
    assert "Återkopplingen är sparad" in page.content()
    screenshot(page, "incident-triage-detail")

    # The feedback mail: a link to the report, nothing of its text or of the coordinator.
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert f"/handelser/{incident.pk}/" in body
    assert "Staketet" not in body and coordinator.username not in body

    phone.goto(f"{live_server.url}/handelser/mina/")
    first = phone.locator("article.report-card").first
    assert first.locator("h2 a").inner_text() == new.label_sv
    assert "Staketet målas om på fredag." in first.inner_text()
    no_sideways_scroll(phone)
    screenshot(phone, "reporter-phone-feedback")

    first.locator("h2 a").click()
    phone.wait_for_url(f"**/handelser/{incident.pk}/")
    image = phone.get_by_role("img", name="Foto 1 till rapporten")
    image.scroll_into_view_if_needed()
    phone.wait_for_function(
        "() => { const i = document.querySelector('.report-photos img'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    assert new.label_sv in phone.locator("h1").inner_text()
    no_sideways_scroll(phone)
    screenshot(phone, "reporter-phone-detail")

    # A photo taken later goes into the same report, cleaned like the first.
    assert "Du kan lägga till 2 foton till." in phone.content()
    phone.get_by_label("Välj foton").set_input_files(str(photo_with_gps(tmp_path / "later.jpg")))
    phone.get_by_role("button", name="Lägg till foton").click()
    phone.wait_for_url(f"**/handelser/{incident.pk}/#photos")
    assert "Fotot är tillagt i rapporten." in phone.content()
    assert "Du kan lägga till 1 foto till." in phone.content()
    phone.wait_for_function(
        "() => [...document.querySelectorAll('.report-photos img')]"
        ".filter(i => i.complete && i.naturalWidth > 0).length === 2"
    )
    later = incident.photos.order_by("pk").last()
    assert len(Image.open(io.BytesIO(bytes(later.data))).getexif()) == 0
    no_sideways_scroll(phone)
    screenshot(phone, "reporter-phone-add-photo")
