import io

import pytest
from django.core import mail
from django.core.management import call_command
from PIL import Image

from samverkan.citizens import challenge, services
from samverkan.citizens.models import ContactAddress, Observation
from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_form_is_public_and_sets_a_device_cookie(world, client):
    r = client.get("/tryggvandring/9901/")
    assert r.status_code == 200
    assert "sv_device" in r.cookies
    assert "Dålig belysning" in r.content.decode()
    assert client.get("/tryggvandring/0000/").status_code == 404


def test_submission_is_masked_stored_for_moderation_and_address_kept_apart(world, post_observation):
    r = post_observation(text="Kalle Svensson 070-123 45 67 står här", email="boende@example.se")
    assert r.status_code == 302
    obs = Observation.objects.get()
    assert obs.status == "pending"
    assert "Kalle" not in obs.text and "070" not in obs.text
    assert ContactAddress.objects.get(observation=obs).email == "boende@example.se"
    # Nothing is public before a coordinator accepted it.
    assert Incident.objects.count() == 0
    assert AuditEvent.objects.filter(action="citizen_observation.submit", ip=None).count() == 1


def test_honeypot_stores_nothing(world, post_observation):
    r = post_observation(website="http://spam.example")
    assert r.status_code == 302
    assert Observation.objects.count() == 0


def test_wrong_or_replayed_proof_of_work_is_refused(world, post_observation, client, settings):
    ch = challenge.issue()
    while challenge.check(ch, "0"):
        ch = challenge.issue()
    assert post_observation(challenge=ch, counter="0").status_code == 400
    forged = ch.split(":")[0] + ":AAAA"
    assert (
        post_observation(challenge=forged, counter=str(challenge.solve(forged))).status_code == 400
    )
    ch = challenge.issue()
    answer = str(challenge.solve(ch))
    assert post_observation(challenge=ch, counter=answer).status_code == 302
    assert post_observation(challenge=ch, counter=answer).status_code == 400
    assert Observation.objects.count() == 1


def test_expired_challenge_is_refused(settings):
    ch = challenge.issue(now=1_000_000)
    assert challenge.check(ch, str(challenge.solve(ch)), now=1_000_010)
    assert not challenge.check(
        ch, str(challenge.solve(ch)), now=1_000_000 + settings.CITIZEN_POW_MAX_AGE + 1
    )


def test_difficulty_is_enforced():
    for _ in range(5):
        ch = challenge.issue()
        import hashlib

        n = challenge.solve(ch)
        digest = hashlib.sha256(f"{ch}:{n}".encode()).digest()
        assert challenge.leading_zero_bits(digest) >= 4
    assert challenge.leading_zero_bits(b"\x00\x0f") == 12
    assert challenge.leading_zero_bits(b"\x80") == 0


def test_point_outside_the_municipality_is_refused(world, post_observation):
    assert post_observation(lon=16.5).status_code == 400
    assert post_observation(lon="", lat="").status_code == 400
    assert Observation.objects.count() == 0


def test_rate_limit_per_device(world, post_observation, settings):
    settings.CITIZEN_RATE_PER_DEVICE = 2
    codes = [post_observation(headers={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(4)]
    assert codes == [302, 302, 429, 429]


def test_rate_limit_per_address_behind_a_trusted_proxy(world, post_observation, settings, client):
    from django.test import Client

    settings.CITIZEN_RATE_PER_IP = 2
    settings.TRUSTED_PROXIES = ["127.0.0.9"]

    def send(xff):
        return post_observation(
            c=Client(), headers={"REMOTE_ADDR": "127.0.0.9", "HTTP_X_FORWARDED_FOR": xff}
        ).status_code

    assert [send("203.0.113.5") for _ in range(3)] == [302, 302, 429]
    # Another client behind the same proxy is counted on its own.
    assert send("203.0.113.6") == 302
    # From an untrusted peer the header is ignored: it cannot buy a fresh quota.
    settings.TRUSTED_PROXIES = []
    codes = [
        post_observation(
            c=Client(),
            headers={"REMOTE_ADDR": "198.51.100.1", "HTTP_X_FORWARDED_FOR": f"1.1.1.{i}"},
        ).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]


def _jpeg_with_exif():
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "Kameratillverkare"
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_photo_is_cleaned_and_oversize_refused(world, post_observation, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _jpeg_with_exif()
    assert b"Kameratillverkare" in data
    r = post_observation(photo=SimpleUploadedFile("a.jpg", data, "image/jpeg"))
    assert r.status_code == 302
    stored = bytes(Observation.objects.get().photo)
    assert b"Kameratillverkare" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}
    r = post_observation(photo=SimpleUploadedFile("b.jpg", b"not an image", "image/jpeg"))
    assert r.status_code == 400
    settings.REPORT_PHOTO_MAX_MB = 1
    big = SimpleUploadedFile("c.jpg", b"0" * (3 * 1024 * 1024), "image/jpeg")
    assert post_observation(photo=big).status_code == 413
    assert Observation.objects.count() == 1


def test_text_length_is_limited(world, post_observation, settings):
    settings.CITIZEN_MAX_TEXT = 50
    assert post_observation(text="x" * 51).status_code == 400


def _pending(world, post_observation, **kw):
    post_observation(**kw)
    return Observation.objects.order_by("-id").first()


def test_accept_makes_an_incident_of_its_own_source(world, post_observation, client_for):
    obs = _pending(world, post_observation, text="Mörkt vid gångtunneln")
    c = client_for(world.users["coordinator"])
    assert obs.pk and c.get("/tryggvandring/granska/").status_code == 200
    r = c.post(
        f"/tryggvandring/granska/{obs.pk}/", {"action": "accept", "note": "Ny belysning beställd"}
    )
    assert r.status_code == 302
    obs.refresh_from_db()
    assert obs.status == "accepted"
    inc = obs.incident
    assert inc.source == services.SOURCE
    assert inc.organisation == world.kommun
    assert inc.visibility == "partnership"
    assert "Mörkt vid gångtunneln" in inc.description
    assert AuditEvent.objects.filter(action="citizen_observation.accept").count() == 1
    # A second decision is refused.
    c.post(f"/tryggvandring/granska/{obs.pk}/", {"action": "reject"})
    obs.refresh_from_db()
    assert obs.status == "accepted"


def test_accepted_observation_has_its_own_coverage_line(world, post_observation):
    from samverkan.incidents import currency

    obs = _pending(world, post_observation)
    inc = services.accept(obs, world.users["coordinator"])
    lines = currency.sources([(inc.organisation_id, inc.source)])
    assert [s.source for s in lines] == ["allmänheten"]


def test_coordinator_of_another_municipality_cannot_moderate(world, post_observation, client_for):
    obs = _pending(world, post_observation)
    c = client_for(world.users["other_coordinator"])
    assert c.get(f"/tryggvandring/granska/{obs.pk}/").status_code == 404
    assert c.post(f"/tryggvandring/granska/{obs.pk}/", {"action": "accept"}).status_code == 404
    assert client_for(world.users["reporter"]).get("/tryggvandring/granska/").status_code == 403


def test_merge_and_reject(world, post_observation, client_for):
    from datetime import UTC, datetime

    from samverkan.incidents.ingest import IncidentRow, ingest
    from samverkan.incidents.models import Category

    row = IncidentRow(
        source="rapport",
        occurred_from=datetime(2026, 1, 1, tzinfo=UTC),
        category_id=Category.objects.get(code="vandalism").pk,
        organisation_id=world.kommun.pk,
        lon=15.5,
        lat=59.5,
    )
    existing = Incident.objects.get(pk=ingest([row]).incident_ids[0])
    a = _pending(world, post_observation)
    c = client_for(world.users["coordinator"])
    c.post(f"/tryggvandring/granska/{a.pk}/", {"action": "merge", "incident": existing.pk})
    a.refresh_from_db()
    assert (a.status, a.incident) == ("merged", existing)
    b = _pending(world, post_observation, text="skräp")
    c.post(f"/tryggvandring/granska/{b.pk}/", {"action": "reject"})
    b.refresh_from_db()
    assert b.status == "rejected" and b.text == "" and b.incident is None
    assert Incident.objects.count() == 1


def test_answer_mails_the_resident_and_deletes_the_address(world, post_observation, client_for):
    obs = _pending(world, post_observation, email="boende@example.se")
    c = client_for(world.users["coordinator"])
    c.post(
        f"/tryggvandring/granska/{obs.pk}/", {"action": "answer", "text": "Tack, vi byter lampan."}
    )
    assert mail.outbox[0].to == ["boende@example.se"]
    assert "lampan" in mail.outbox[0].body
    assert not ContactAddress.objects.exists()
    assert AuditEvent.objects.filter(action="citizen_observation.answer").count() == 1


def test_addresses_are_deleted_after_the_retention_period(world, post_observation, settings):
    from datetime import timedelta

    from django.utils import timezone

    old = _pending(world, post_observation, email="gammal@example.se")
    _pending(world, post_observation, email="ny@example.se")
    ContactAddress.objects.filter(observation=old).update(
        created_at=timezone.now() - timedelta(days=settings.CITIZEN_CONTACT_DAYS + 1)
    )
    call_command("purge_citizen_contacts")
    assert list(ContactAddress.objects.values_list("email", flat=True)) == ["ny@example.se"]


def test_public_map_shows_only_accepted_cells_of_three_or_more(world, post_observation, client):
    from django.test import Client

    coord = world.users["coordinator"]
    here, there = (15.5, 59.5), (15.2, 59.2)
    for i in range(3):
        obs = _pending(world, post_observation, c=Client(), lon=here[0], lat=here[1], text=f"a{i}")
        services.accept(obs, coord, note="Buskarna klipps" if i == 0 else "")
    for i in range(2):
        obs = _pending(
            world, post_observation, c=Client(), lon=there[0], lat=there[1], text=f"b{i}"
        )
        services.accept(obs, coord, note="Hemlig åtgärd")
    # Pending ones never count.
    for _ in range(3):
        _pending(world, post_observation, c=Client(), lon=there[0], lat=there[1])
    data = client.get("/tryggvandring/9901/karta.geojson").json()
    counts = [f["properties"]["count"] for f in data["features"]]
    assert counts == [3]
    assert data["features"][0]["properties"]["notes"] == ["Buskarna klipps"]
    page = client.get("/tryggvandring/9901/karta/").content.decode()
    assert "Buskarna klipps" in page and "Hemlig åtgärd" not in page


def centrum(world):
    """A district of Norrby around the point the tests post from."""
    from samverkan.core.models import Area

    return Area.objects.create(
        code="990101",
        name="Centrum",
        level="district",
        parent=world.m1,
        min_lon=15.4,
        max_lon=15.6,
        min_lat=59.4,
        max_lat=59.6,
    )


def test_district_url_files_under_its_municipality(world, post_observation):
    centrum(world)
    assert post_observation(code="990101").status_code == 302
    obs = Observation.objects.get()
    assert obs.municipality == world.m1 and obs.district.code == "990101"


def test_a_post_without_the_device_cookie_is_refused(world, post_observation):
    from django.test import Client

    c = Client()
    c.get("/tryggvandring/9901/")
    del c.cookies["sv_device"]
    ch = challenge.issue()
    r = c.post(
        "/tryggvandring/9901/",
        {
            "lon": 15.5,
            "lat": 59.5,
            "concerns": [services.concerns_for(world.m1).first().pk],
            "challenge": ch,
            "counter": str(challenge.solve(ch)),
        },
    )
    assert r.status_code == 400
    assert Observation.objects.count() == 0


def test_accepted_observations_get_their_own_line_in_the_lagesbild(world, post_observation):
    from django.utils import timezone

    from samverkan.core import periods
    from samverkan.situation import services as situation

    services.accept(_pending(world, post_observation), world.users["coordinator"])
    period = periods.parse(timezone.localdate().strftime("%Y-%m"))
    report = situation.create_report(world.m1, period, world.p1, world.users["coordinator"])
    lines = [s["source"] for s in report.snapshot["coverage"]["sources"]]
    assert "Norrby kommun (allmänheten)" in lines


def test_coordinator_edits_the_list_of_concerns(world, client_for, client):
    from samverkan.citizens.models import Concern
    from samverkan.incidents.models import Category

    c = client_for(world.users["coordinator"])
    page = c.get("/tryggvandring/granska/orsaker/9901/")
    assert page.status_code == 200
    formset = page.context["formset"]
    data = {
        "form-TOTAL_FORMS": str(len(formset.forms)),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    other = Category.objects.get(code="other").pk
    for i, form in enumerate(formset.forms):
        inst = form.instance
        if inst.pk:
            data.update(
                {
                    f"form-{i}-id": str(inst.pk),
                    f"form-{i}-label": inst.label,
                    f"form-{i}-category": str(inst.category_id),
                    f"form-{i}-sort_order": str(inst.sort_order),
                    # Traffic is not a matter for this municipality's walk.
                    f"form-{i}-active": "" if inst.label == "Trafiken" else "on",
                }
            )
        elif i < len(formset.forms) - 1:
            # A blank row as the browser sends it: the defaults, nothing written.
            data.update({f"form-{i}-sort_order": "0", f"form-{i}-active": "on"})
        else:
            data.update(
                {
                    f"form-{i}-label": "Övergivna byggnader",
                    f"form-{i}-category": str(other),
                    f"form-{i}-sort_order": "9",
                    f"form-{i}-active": "on",
                }
            )
    assert c.post("/tryggvandring/granska/orsaker/9901/", data).status_code == 302
    assert Concern.objects.filter(municipality=world.m1, label="Övergivna byggnader").exists()
    assert AuditEvent.objects.filter(action="citizen_concerns.update").count() == 1
    c.logout()
    form = client.get("/tryggvandring/9901/").content.decode()
    assert "Övergivna byggnader" in form and "Trafiken" not in form
    # Another municipality's coordinator cannot reach Norrby's list.
    other_c = client_for(world.users["other_coordinator"])
    assert other_c.get("/tryggvandring/granska/orsaker/9901/").status_code == 404
