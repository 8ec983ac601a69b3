"""The frozen minutes of a weekly meeting as a Word document (DOCX).

Written from the minutes' JSON snapshot (``Meeting.minutes``), never from the live
objects, so the DOCX says what the PDF says: what stood when the meeting was closed.
Structure and accessibility come from :class:`samverkan.core.docx.WordDocument`.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from samverkan.core.docx import WordDocument, partnership_organisation
from samverkan.meetings.models import Meeting


def _local(value: str | None) -> str:
    moment = parse_datetime(value or "")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _owner(action: dict) -> str:
    owner = action["owner_organisation"]
    return f"{owner}, {action['owner_user']}" if action.get("owner_user") else owner


def minutes_docx(meeting: Meeting) -> bytes:
    """The DOCX of a closed meeting's minutes."""
    m = meeting.minutes
    doc = WordDocument(
        f"Protokoll {m['series']} {_local(m['starts_at'])[:10]}",
        organisation=partnership_organisation(meeting.series.partnership),
        language="sv",
        subtitle=f"{m['partnership']} · avslutat {_local(m['closed_at'])} av {m['closed_by']}",
    )
    doc.heading("Mötet", 1)
    doc.paragraph(
        f"Möte: {_local(m['starts_at'])}\n"
        f"Deltagare: {', '.join(m['members']) or '–'}\n"
        f"Nytt sedan: {_local((m.get('window') or {}).get('start'))}"
    )

    doc.heading("Uppföljning av åtgärder", 1)
    if m["followed_up"]:
        doc.table(
            ["Åtgärd", "Ansvarig", "Klart senast", "Status", "Återkoppling"],
            [
                [a["title"], _owner(a), a["due_date"], a["status_label"], a["feedback"]]
                for a in m["followed_up"]
            ],
        )
    else:
        doc.paragraph("Inga åtgärder att följa upp.")

    doc.heading("Nytt sedan förra mötet", 1)
    new = m["new"]
    sources = ", ".join(f"{s['label']}: {s['count']}" for s in new["by_source"] if s["count"])
    doc.paragraph(f"{new['total']} händelser" + (f" ({sources})" if sources else "") + ".")
    if new["rows"]:
        doc.table(
            ["Område", "Kategori", "Rapporter", "Polisen", "Andra", "Totalt"],
            [
                [r["area"] or "Utanför delområdena", r["category"], r["reports"], r["police"]]
                + [r["other"], r["count"]]
                for r in new["rows"]
            ],
            numeric={2, 3, 4, 5},
        )
    flagged = m["flagged"]
    doc.paragraph(
        f"Flaggat de senaste veckorna: {flagged['repeat_places']} upprepade platser, "
        f"{flagged['near_repeat']} aktiva near repeat-zoner, {flagged['hotspots']} hot spots. "
        f"{m['waiting_feedback']} rapporter väntade på återkoppling."
    )

    doc.heading("Prioriterade platser kommande vecka", 1)
    if m["places"]:
        doc.table(
            ["Plats", "Varför", "Vem går dit", "När", "Position"],
            [
                [
                    p["name"] + (f" ({p['area']})" if p.get("area") else ""),
                    p["reason"],
                    p["organisation"],
                    p["when"],
                    f"{p['lat']:.5f}, {p['lon']:.5f}" if p.get("lat") is not None else "",
                ]
                for p in m["places"]
            ],
        )
    else:
        doc.paragraph("Inga platser prioriterades.")

    doc.heading("Kortsiktiga åtgärder", 1)
    if m["actions"]:
        doc.table(
            ["Åtgärd", "Ansvarig", "Klart senast", "Status"],
            [[a["title"], _owner(a), a["due_date"], a["status_label"]] for a in m["actions"]],
        )
    else:
        doc.paragraph("Inga åtgärder beslutades.")

    doc.heading("Anteckningar", 1)
    doc.paragraph(m["notes"] or "–")
    return doc.to_bytes()
