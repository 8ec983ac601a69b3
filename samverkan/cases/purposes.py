"""The purposes a user can state for reading or changing a preventive case.

Choice documented in docs/cases.md: an **assigned case officer** works on their own case,
so their purpose is implied and logged as "Handläggning". Everyone else who may see a
case (a case supervisor of the organisation, the asked organisation answering a request)
must **state a purpose** before the case is shown; it is remembered in the session for
that case only, and written with every audit event of that session. A search by
personnummer always asks for a purpose, whoever searches.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# code -> (text written to the audit log, label shown in the form)
PURPOSES: dict[str, tuple[str, object]] = {
    "handlaggning": ("Handläggning", _("Handläggning av ärendet")),
    "uppfoljning": ("Uppföljning", _("Uppföljning av insatser och utfall")),
    "tillsyn": ("Tillsyn", _("Tillsyn och kvalitetsgranskning (chef)")),
    "fordelning": ("Fördelning", _("Fördelning av ärendet till handläggare")),
    "begaran": ("Besvara begäran", _("Pröva och besvara en begäran om uppgifter")),
}
CASEWORK = PURPOSES["handlaggning"][0]
ACCESS_LOG = "Registerutdrag (GDPR art. 15)"
STATISTICS = "Statistik utan personuppgifter"
OVERVIEW = "Ärendeöversikt"

CHOICES = [(code, label) for code, (_text, label) in PURPOSES.items()]


def _key(case_pk: int) -> str:
    return f"cases:purpose:{case_pk}"


def text_for(code: str, note: str = "") -> str:
    from samverkan.core.masking import mask_text

    text = PURPOSES[code][0]
    note = mask_text((note or "").strip())[:150]
    return f"{text}: {note}" if note else text


def remember(request, case_pk: int, text: str) -> None:
    request.session[_key(case_pk)] = text


def stated(request, case) -> str | None:
    """The purpose that covers ``request.user``'s access to ``case``, or None."""
    from samverkan.cases.permissions import is_assigned_officer

    if is_assigned_officer(request.user, case):
        return CASEWORK
    return request.session.get(_key(case.pk))
