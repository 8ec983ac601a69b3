"""Collaboration agreements: signed PDF upload checks, download, follow-up reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.core.models import AuditEvent
from samverkan.plans.models import Agreement, FollowUpDate
from samverkan.plans.reminders import send_due_reminders, send_reminders_task
from tests.plans.matrix import PDF_BYTES


def form_data(pw, **extra):
    data = {
        "partnership": pw.p1.pk,
        "area": pw.m1.pk,
        "title": "Överenskommelse 2026",
        "parties": [pw.kommun.pk, pw.polis.pk],
        "start": "2026-01-01",
        "end": "2028-12-31",
        "focus_areas": "Narkotika\nTrygghet i centrum",
        "followups_text": "2026-04-30 Tertial 1\n2026-08-31",
    }
    data.update(extra)
    return data


def test_create_with_pdf_and_followups(pw, client_for):
    client = client_for(pw.users["coordinator"])
    upload = SimpleUploadedFile("Avtal signerat.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(reverse("agreement-create"), form_data(pw, document=upload))
    agreement = Agreement.objects.get(title="Överenskommelse 2026")
    assert response.url == reverse("agreement-detail", args=[agreement.pk])
    assert agreement.document_name == "Avtal signerat.pdf"
    assert (
        agreement.document.name.startswith("agreements/") and "Avtal" not in agreement.document.name
    )
    assert agreement.focus_list == ["Narkotika", "Trygghet i centrum"]
    assert [(f.date, f.description) for f in agreement.followups.all()] == [
        (date(2026, 4, 30), "Tertial 1"),
        (date(2026, 8, 31), ""),
    ]
    download = client.get(reverse("agreement-document", args=[agreement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert 'filename="Avtal signerat.pdf"' in download["Content-Disposition"]
    assert {"agreement.create", "agreement.plan_followups", "agreement.download_document"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_not_a_pdf_is_refused_with_a_clear_message(pw, client_for):
    client = client_for(pw.users["coordinator"])
    upload = SimpleUploadedFile(
        "avtal.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(reverse("agreement-create"), form_data(pw, document=upload))
    assert response.status_code == 200
    assert "är ingen PDF (den börjar inte med %PDF)" in response.content.decode()
    assert not Agreement.objects.filter(title="Överenskommelse 2026").exists()


def test_too_large_is_refused(pw, client_for, settings):
    settings.AGREEMENT_MAX_UPLOAD_MB = 1
    client = client_for(pw.users["coordinator"])
    big = SimpleUploadedFile(
        "avtal.pdf", PDF_BYTES + b"0" * (1024 * 1024), content_type="application/pdf"
    )
    response = client.post(reverse("agreement-create"), form_data(pw, document=big))
    assert "Filen är 1.0 MB; högst 1 MB är tillåtet." in response.content.decode()
    assert not Agreement.objects.filter(title="Överenskommelse 2026").exists()


def test_bad_followup_line_names_the_row(pw, client_for):
    client = client_for(pw.users["coordinator"])
    response = client.post(
        reverse("agreement-create"), form_data(pw, followups_text="2026-04-30\n30/8 2026 Tertial 2")
    )
    assert "Rad 2: &quot;30/8&quot; är inget datum (skriv ÅÅÅÅ-MM-DD)." in response.content.decode()


def test_document_hidden_from_other_partnership_and_reporters(pw, client_for):
    url = reverse("agreement-document", args=[pw.agreement.pk])
    assert client_for(pw.users["other_coordinator"]).get(url).status_code == 404
    assert client_for(pw.users["reporter"]).get(url).status_code == 404
    assert client_for(pw.users["steering"]).get(url).status_code == 200


@pytest.fixture
def due(pw):
    pw.users["coordinator"].email = "samordnare@norrby.se"
    pw.users["coordinator"].save()
    pw.users["police_coordinator"].email = "polis@norrby.se"
    pw.users["police_coordinator"].save()
    pw.users["steering"].email = "styr@norrby.se"
    pw.users["steering"].save()
    today = timezone.localdate()
    soon = FollowUpDate.objects.create(
        agreement=pw.agreement, date=today + timedelta(days=10), description="Tertial 1"
    )
    FollowUpDate.objects.create(agreement=pw.agreement, date=today + timedelta(days=40))
    return today, soon


def test_reminder_sent_once_to_coordinators(due, settings):
    today, soon = due
    settings.REMINDER_DAYS_BEFORE = 14
    assert send_due_reminders(today=today) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["polis@norrby.se", "samordnare@norrby.se"]
    assert f"{soon.date:%Y-%m-%d}" in message.subject and "Tertial 1" in message.body
    soon.refresh_from_db()
    assert soon.reminded_at is not None
    assert send_due_reminders(today=today) == 0 and len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="agreement.send_reminder")
    assert event.details == {"date": soon.date.isoformat(), "recipients": 2}


def test_command_and_task(due, settings, capsys):
    settings.REMINDER_DAYS_BEFORE = 5
    call_command("send_reminders", "--days", "100000")
    assert "2 påminnelser skickade" in capsys.readouterr().out
    assert len(mail.outbox) == 2
    assert send_reminders_task.call(days=100000) == 0


def test_command_enqueues_on_the_database_queue(due, capsys):
    from django_tasks_db.models import DBTaskResult

    call_command("send_reminders", "--enqueue")
    assert "ligger i kön" in capsys.readouterr().out
    assert DBTaskResult.objects.filter(task_path__endswith="send_reminders_task").count() == 1
    assert not mail.outbox
