"""The one way a page hands out a rendered document (samverkan.core.downloads).

Headers (content type, disposition, a file name made from data kept to one safe name), the
audit event written with the download and never without it, and the PDF rendered without
a network fetch. A source check keeps every app from writing the header by hand again.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from django.test import override_settings

from samverkan.core import downloads
from samverkan.core.audit import UnregisteredAction
from samverkan.core.audit_actions import Action
from samverkan.core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2] / "samverkan"


@pytest.fixture
def request_of(rf, world):
    request = rf.get("/", REMOTE_ADDR="10.9.8.7")
    request.user = world.users["coordinator"]
    return request


def test_download_sends_the_bytes_with_type_and_attachment(request_of, world):
    response = downloads.download(
        request_of, b"PK\x03\x04", "atgardsplan-2026", "docx", action=Action.ACTION_PLAN_EXPORT
    )
    assert response.content == b"PK\x03\x04"
    assert response["Content-Type"] == downloads.CONTENT_TYPES["docx"]
    assert response["Content-Disposition"] == 'attachment; filename="atgardsplan-2026.docx"'


def test_inline_asks_the_browser_to_show_the_file(request_of):
    response = downloads.download(
        request_of, b"%PDF", "tertial", "pdf", action=Action.TERTIAL_REPORT_EXPORT, inline=True
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="tertial.pdf"'


def test_a_name_outside_ascii_is_encoded_as_rfc_5987(request_of):
    response = downloads.download(
        request_of, b"x", "lägesbild-Örebro", "pdf", action=Action.SITUATION_EXPORT
    )
    header = response["Content-Disposition"]
    assert header.isascii()
    assert "filename*=utf-8''l%C3%A4gesbild-%C3%96rebro.pdf" in header


@pytest.mark.parametrize(
    "stem",
    [
        'plan "x"; filename=evil.exe',
        "../../etc/passwd",
        "a\\b/c",
        "rad\r\nSet-Cookie: x=1",
        "..",
    ],
)
def test_a_name_from_data_stays_one_harmless_file_name(request_of, stem):
    response = downloads.download(request_of, b"x", stem, "pdf", action=Action.SITUATION_EXPORT)
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    match = re.fullmatch(r'attachment; filename="([^"]*)"', header) or re.fullmatch(
        r"attachment; filename\*=utf-8''(\S+)", header
    )
    assert match, header
    name = match.group(1)
    assert name.endswith(".pdf")
    assert "/" not in name and "\\" not in name and ".." not in name


def test_the_download_writes_one_audit_event_with_format_and_details(request_of, world):
    response = downloads.download(
        request_of,
        b"%PDF",
        "utvardering-1",
        "pdf",
        action=Action.EVALUATION_EXPORT,
        obj=world.kommun,
        organisation=world.kommun,
        details={"via": "web"},
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == "evaluation.export"
    assert event.actor == world.users["coordinator"]
    assert event.ip == "10.9.8.7"
    assert (event.object_type, event.object_id) == ("core.organisation", str(world.kommun.pk))
    assert event.organisation == world.kommun
    assert event.details == {"format": "pdf", "via": "web"}


def test_an_unregistered_action_gives_no_download(request_of, world):
    with pytest.raises(UnregisteredAction):
        downloads.download(request_of, b"x", "x", "pdf", action="plan.leaked")
    assert not AuditEvent.objects.exists()


def test_an_unknown_format_is_refused_before_the_audit(request_of, world):
    with pytest.raises(KeyError):
        downloads.download(request_of, b"x", "x", "exe", action=Action.SITUATION_EXPORT)
    assert not AuditEvent.objects.exists()


OUTSIDE = "http://example.invalid/x.png"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "doc.html": (
                            '<!doctype html><html lang="sv"><head><title>{{ title }}</title>'
                            f'</head><body><h1>{{{{ title }}}}</h1><img src="{OUTSIDE}" alt="">'
                            "</body></html>"
                        )
                    },
                )
            ]
        },
    }
]


@override_settings(TEMPLATES=TEMPLATES)
def test_pdf_download_renders_offline_and_audits(request_of, world, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network is closed in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    response = downloads.pdf_download(
        request_of,
        "doc.html",
        {"title": "Orsaksanalys"},
        "orsaksanalys-trygg",
        action=Action.CAUSE_ANALYSIS_EXPORT,
        obj=world.kommun,
        inline=True,
    )
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="orsaksanalys-trygg.pdf"'
    assert attempts == []
    assert AuditEvent.objects.get().details == {"format": "pdf"}


@override_settings(TEMPLATES=TEMPLATES)
def test_a_failed_render_leaves_no_audit_event(request_of, world):
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        downloads.pdf_download(
            request_of, "missing.html", {}, "x", action=Action.CAUSE_ANALYSIS_EXPORT
        )
    assert not AuditEvent.objects.exists()


def test_no_module_writes_a_download_header_by_hand():
    # Each hand-written header was a copy of the same steps, quoting names from data
    # without encoding them; core.downloads is the one place now, for every app.
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "Content-Disposition" in path.read_text(encoding="utf-8")
        and path != ROOT / "core" / "downloads.py"
    ]
    assert offenders == []


def test_file_response_sets_type_and_name_and_writes_no_audit(world):
    response = downloads.file_response(b"\xff\xd8", "rapport-1-2", "jpg", inline=True)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="rapport-1-2.jpg"'
    assert response.content == b"\xff\xd8"
    assert not AuditEvent.objects.exists()
    with pytest.raises(KeyError):
        downloads.file_response(b"", "x", "exe")
