"""Reporters' photos: converted to JPEG, metadata stripped, limited, served only in scope."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Category, Incident, ReportPhoto
from samverkan.incidents.photos import PhotoError, clean_photo

GPS_IFD = 0x8825


def jpeg_with_gps(size=(64, 48), color=(200, 30, 30)) -> bytes:
    img = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "Kameratillverkaren"  # Make
    exif[0x0132] = "2025:03:05 12:00:00"  # DateTime
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (59.0, 30.0, 0.0), 3: "E", 4: (15.0, 30.0, 0.0)})
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    # The test file really carries a GPS position, so the assertions below mean something.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    return data


def png(size=(40, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    img = Image.new(mode, size, (0, 128, 255, 255) if mode == "RGBA" else 0)
    info = None
    if mode == "RGBA":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "Hemlig kommentar")
    img.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def heic(size=(64, 48)) -> bytes:
    from pillow_heif import from_pillow

    out = io.BytesIO()
    from_pillow(Image.new("RGB", size, (10, 200, 10))).save(out, quality=80)
    return out.getvalue()


def assert_clean_jpeg(data: bytes):
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    assert len(img.getexif()) == 0
    assert not img.getexif().get_ifd(GPS_IFD)
    assert "exif" not in img.info and "icc_profile" not in img.info
    assert b"Exif" not in data and b"Kameratillverkaren" not in data
    assert b"Hemlig kommentar" not in data
    return img


@pytest.fixture
def cat(db):
    return Category.objects.get(code="vandalism")


def report(client, cat, files):
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return client.post(
        reverse("incident-report"),
        {
            "category": cat.pk,
            "place_type": "park",
            "lon": "15.25",
            "lat": "59.75",
            "occurred_from": when,
            "photos": files,
        },
    )


def upload(name, data, ctype="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=ctype)


def test_jpeg_png_and_heic_are_stored_as_jpeg_without_exif_or_gps(world, cat, client):
    client.force_login(world.users["reporter"])
    response = report(
        client,
        cat,
        [
            upload("a.jpg", jpeg_with_gps()),
            upload("b.png", png(), "image/png"),
            upload("c.heic", heic(), "image/heic"),
        ],
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    photos = list(incident.photos.all())
    assert len(photos) == 3
    sizes = [assert_clean_jpeg(bytes(p.data)).size for p in photos]
    assert sizes == [(64, 48), (40, 30), (64, 48)]
    assert AuditEvent.objects.filter(action="incident.add_photo").count() == 3
    # The colour survived the conversion (pixels kept, only metadata dropped).
    r, g, b = Image.open(io.BytesIO(bytes(photos[0].data))).getpixel((10, 10))
    assert r > 150 and g < 80 and b < 80


def test_orientation_is_applied_to_the_pixels(world):
    img = Image.new("RGB", (60, 20), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: a phone held upright
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    data, width, height = clean_photo(out.getvalue())
    assert (width, height) == (20, 60)
    assert_clean_jpeg(data)


def test_more_than_three_photos_are_refused(world, cat, client):
    client.force_login(world.users["reporter"])
    response = report(client, cat, [upload(f"{n}.jpg", jpeg_with_gps()) for n in range(4)])
    assert response.status_code == 200
    assert "Högst 3 foton" in response.content.decode()
    assert not Incident.objects.exists() and not ReportPhoto.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(world, cat, client):
    client.force_login(world.users["reporter"])
    response = report(client, cat, [upload("x.jpg", b"%PDF-1.4 not an image")])
    assert response.status_code == 200
    assert "kunde inte läsas som ett foto" in response.content.decode()
    assert not Incident.objects.exists()


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(PhotoError, match="JPEG, PNG eller HEIC"):
        clean_photo(out.getvalue())


def test_the_size_limit_is_a_setting(world, cat, client, settings):
    settings.REPORT_PHOTO_MAX_MB = 1
    noise = Image.frombytes("RGB", (700, 700), bytes(range(256)) * (700 * 700 * 3 // 256 + 1))
    out = io.BytesIO()
    noise.save(out, format="PNG", compress_level=0)
    assert len(out.getvalue()) > 1024 * 1024
    client.force_login(world.users["reporter"])
    response = report(client, cat, [upload("big.png", out.getvalue(), "image/png")])
    assert response.status_code == 200
    assert "större än 1 MB" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_decompression_bomb_is_refused_before_decoding(settings):
    # 12,000 × 12,000 black pixels compress to a few kilobytes but claim 144 million.
    out = io.BytesIO()
    Image.new("1", (12000, 12000), 0).save(out, format="PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(PhotoError, match="för många bildpunkter"):
        clean_photo(out.getvalue())
    # The limit is the setting: a small one refuses a small photo.
    pillows_limit = Image.MAX_IMAGE_PIXELS
    settings.REPORT_PHOTO_MAX_PIXELS = 1000
    with pytest.raises(PhotoError, match="för många bildpunkter"):
        clean_photo(png(size=(40, 30)))
    # ... and only for photos: Pillow's limit is the whole process's (charts, PDF pages).
    assert Image.MAX_IMAGE_PIXELS == pillows_limit
    with Image.open(io.BytesIO(png(size=(400, 300)))) as img:
        img.load()


def test_photos_are_served_only_to_those_who_see_the_report(world, cat, client):
    client.force_login(world.users["reporter"])
    report(client, cat, [upload("a.jpg", jpeg_with_gps())])
    incident = Incident.objects.get()
    photo = incident.photos.get()
    url = reverse("incident-photo", args=[photo.pk])
    assert not url.startswith("/media")
    for who in ("reporter", "coordinator"):
        client.force_login(world.users[who])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert_clean_jpeg(response.content)
    assert url in client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    for who in ("other_coordinator", "regional"):
        client.force_login(world.users[who])
        assert client.get(url).status_code == 404
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("incident-photo", args=[photo.pk + 1])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# --- Photos added after filing ---------------------------------------------------------------


def add(client, incident, files):
    return client.post(reverse("incident-add-photos", args=[incident.pk]), {"photos": files})


def filed(world, cat, client, n_photos=0):
    client.force_login(world.users["reporter"])
    report(client, cat, [upload(f"{n}.jpg", jpeg_with_gps()) for n in range(n_photos)])
    return Incident.objects.get()


def test_the_reporter_adds_photos_to_a_filed_report(world, cat, client):
    incident = filed(world, cat, client)
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert reverse("incident-add-photos", args=[incident.pk]) in page
    assert "Du kan lägga till 3 foton till." in page
    mine = client.get(reverse("incident-mine")).content.decode()
    assert f"{reverse('incident-detail', args=[incident.pk])}#photos" in mine
    before = AuditEvent.objects.filter(action="incident.add_photo").count()
    response = add(client, incident, [upload("a.jpg", jpeg_with_gps()), upload("b.png", png())])
    assert response.status_code == 302
    assert response["Location"] == reverse("incident-detail", args=[incident.pk]) + "#photos"
    photos = list(incident.photos.all())
    assert len(photos) == 2
    for p in photos:
        assert_clean_jpeg(bytes(p.data))
    events = AuditEvent.objects.filter(action="incident.add_photo")
    assert events.count() == before + 2
    assert {e.actor_id for e in events} == {world.users["reporter"].pk}
    page = client.get(response["Location"]).content.decode()
    assert "2 foton är tillagda i rapporten." in page
    assert "Du kan lägga till 1 foto till." in page


def test_a_report_gets_at_most_three_photos_all_or_none(world, cat, client):
    incident = filed(world, cat, client, n_photos=2)
    response = add(client, incident, [upload(f"{n}.jpg", jpeg_with_gps()) for n in range(2)])
    assert incident.photos.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Den har plats för 1 till." in page
    add(client, incident, [upload("c.jpg", jpeg_with_gps())])
    assert incident.photos.count() == 3
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert reverse("incident-add-photos", args=[incident.pk]) not in page  # full
    response = add(client, incident, [upload("d.jpg", jpeg_with_gps())])
    assert "Den har plats för 0 till." in client.get(response["Location"]).content.decode()
    assert incident.photos.count() == 3


def test_a_file_that_is_not_a_photo_or_no_file_stores_nothing(world, cat, client):
    incident = filed(world, cat, client)
    response = add(client, incident, [upload("x.jpg", b"%PDF-1.4 not an image")])
    page = client.get(response["Location"]).content.decode()
    assert "kunde inte läsas som ett foto" in page
    response = add(client, incident, [])
    assert "Välj minst ett foto." in client.get(response["Location"]).content.decode()
    assert not incident.photos.exists()
    assert not AuditEvent.objects.filter(action="incident.add_photo").exists()


def test_only_the_reporter_of_an_open_report_adds_photos(world, cat, client):
    from samverkan.incidents import services

    incident = filed(world, cat, client)
    # Only POST.
    assert client.get(reverse("incident-add-photos", args=[incident.pk])).status_code == 405
    # Someone who cannot see the report learns nothing: 404.
    for who in ("other_coordinator", "regional"):
        client.force_login(world.users[who])
        assert add(client, incident, [upload("a.jpg", jpeg_with_gps())]).status_code == 404
    # A coordinator sees it but did not file it: refused, and offered no form.
    client.force_login(world.users["coordinator"])
    assert add(client, incident, [upload("a.jpg", jpeg_with_gps())]).status_code == 403
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert reverse("incident-add-photos", args=[incident.pk]) not in page
    # A closed report takes no more photos, from its reporter either.
    services.set_status(incident, "closed", world.users["coordinator"])
    client.force_login(world.users["reporter"])
    assert add(client, incident, [upload("a.jpg", jpeg_with_gps())]).status_code == 403
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert reverse("incident-add-photos", args=[incident.pk]) not in page
    # Signing in first.
    client.logout()
    assert add(client, incident, [upload("a.jpg", jpeg_with_gps())]).status_code == 302
    assert not incident.photos.exists()


def test_the_service_checks_the_rule_under_its_lock(world, cat, client):
    """A report closed between the page and the post takes no photo, whoever calls."""
    from django.core.exceptions import PermissionDenied

    from samverkan.incidents import services
    from samverkan.incidents.photos import add_photos

    incident = filed(world, cat, client)
    services.set_status(incident, "closed", world.users["coordinator"])
    with pytest.raises(PermissionDenied):
        add_photos(incident, [jpeg_with_gps()], world.users["reporter"])
    with pytest.raises(PermissionDenied):
        add_photos(incident, [jpeg_with_gps()], world.users["coordinator"])
    assert not incident.photos.exists()
