"""Reporters' photos: read (JPEG, PNG, HEIC), made safe, stored as JPEG without metadata.

Every photo is decoded and drawn again into a new image, so nothing of the original file
survives but its pixels: no EXIF (camera, time, GPS position), no XMP, no ICC comments, no
trailing data. Decoding is guarded against decompression bombs, a small file that claims
a huge image: the size in the file's header is checked against ``REPORT_PHOTO_MAX_PIXELS``
before a pixel is decoded, and Pillow's own limit (``MAX_IMAGE_PIXELS``, left at its
default) is turned into an error rather than Pillow's warning. The setting is not written
into Pillow's limit: that is one value for the whole process, and it would then refuse
every other image the process reads (a chart, a page of a PDF).
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from samverkan.core import audit, downloads
from samverkan.incidents.triage_models import ReportPhoto

try:
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - pinned in pyproject; HEIC is then refused
    register_heif_opener = None
else:
    register_heif_opener()

MAX_PHOTOS = 3
ACCEPTED_FORMATS = {"JPEG", "PNG", "HEIF"}
# Photos are shown on phones and in reports: the long side is kept to this many pixels.
MAX_SIDE = 2048
JPEG_QUALITY = 85


class PhotoError(ValueError):
    """A file that is not accepted as a photo, with the reason in Swedish."""


def max_bytes() -> int:
    return settings.REPORT_PHOTO_MAX_MB * 1024 * 1024


def clean_photo(data: bytes) -> tuple[bytes, int, int]:
    """Decode ``data`` and return a new JPEG of its pixels, with its width and height.

    Raises
    ------
    PhotoError
        When the file is too large, not an accepted image, or has too many pixels.
    """
    if len(data) > max_bytes():
        raise PhotoError(_("Fotot är större än %(mb)s MB.") % {"mb": settings.REPORT_PHOTO_MAX_MB})
    try:
        with warnings.catch_warnings():
            # Pillow only warns between the limit and twice the limit: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format not in ACCEPTED_FORMATS:
                    raise PhotoError(_("Bara foton i JPEG, PNG eller HEIC tas emot."))
                if img.width * img.height > settings.REPORT_PHOTO_MAX_PIXELS:
                    raise PhotoError(_("Fotot har för många bildpunkter."))
                img.load()
                # The orientation lives in EXIF, which is dropped: turn the pixels instead.
                upright = ImageOps.exif_transpose(img)
                rgb = upright.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(_("Fotot har för många bildpunkter.")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise PhotoError(_("Filen kunde inte läsas som ett foto.")) from exc
    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    # A fresh image holds pixels only: no info dict, no EXIF, no ICC profile to carry over.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), clean.width, clean.height


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refusing early what exceeds the size limit."""
    if upload.size is not None and upload.size > max_bytes():
        raise PhotoError(_("Fotot är större än %(mb)s MB.") % {"mb": settings.REPORT_PHOTO_MAX_MB})
    return upload.read(max_bytes() + 1)


@transaction.atomic
def add_photo(incident, data: bytes, user, *, request=None) -> ReportPhoto:
    """Attach one cleaned photo to ``incident`` (at most ``MAX_PHOTOS``), audited."""
    if incident.photos.count() >= MAX_PHOTOS:
        raise PhotoError(_("En rapport kan ha högst %(n)s foton.") % {"n": MAX_PHOTOS})
    jpeg, width, height = clean_photo(data)
    photo = ReportPhoto.objects.create(incident=incident, data=jpeg, width=width, height=height)
    audit.record(
        "incident.add_photo",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
        details={"photo": photo.pk, "bytes": len(jpeg)},
    )
    return photo


@transaction.atomic
def add_photos(incident, photos, user, *, request=None) -> list[ReportPhoto]:
    """Attach photos to a report already filed (the reporter forgot one, or took it later).

    All or none: when the report would get more than ``MAX_PHOTOS`` nothing is stored.
    The incident row is locked first, so two tabs posting at once cannot pass the limit
    together. Who may do it is the rule ``incidents.add_photo``; each photo is its own
    ``incident.add_photo`` audit event, as at filing.
    """
    from samverkan.incidents.models import Incident

    if not photos:
        raise PhotoError(_("Välj minst ett foto."))
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    # Checked again under the lock: the report may have been closed since the page asked.
    if not user.has_perm("incidents.add_photo", locked):
        raise PermissionDenied
    room = MAX_PHOTOS - locked.photos.count()
    if len(photos) > room:
        raise PhotoError(
            _("En rapport kan ha högst %(n)s foton. Den har plats för %(room)s till.")
            % {"n": MAX_PHOTOS, "room": max(room, 0)}
        )
    return [add_photo(locked, data, user, request=request) for data in photos]


def photo_response(photo: ReportPhoto):
    """One stored photo, shown in the browser and cached only by the reader's own browser.

    The caller has checked that the user sees the photo's incident (the photo page and the
    API both do, through :func:`~samverkan.core.permissions.scope`).
    """
    response = downloads.file_response(
        bytes(photo.data), f"rapport-{photo.incident_id}-{photo.pk}", "jpg", inline=True
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
