"""Two weekly meetings (veckomöte) of Samverkan Örebro in the last weeks of the demo data.

Week 1 is held and closed (places, actions, notes, frozen minutes); week 2 is planned, with
its agenda built from what arrived since week 1 and week 1's open actions, ready for the
coordinator to hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from samverkan.core.models import Organisation

MEETING_SERIES = "Veckomöte EST Örebro"
_ZONE = ZoneInfo(settings.TIME_ZONE)
# Tuesdays at nine in the last month of the bundled police events (DEMO_MONTH).
MEETING_WEEK1 = datetime(2026, 8, 18, 9, 0, tzinfo=_ZONE)
MEETING_WEEK2 = MEETING_WEEK1 + timedelta(days=7)
MEMBER_USERS = ("rapportor", "rapportor-skola", "kommunpolis", "styrgrupp")
MEMBER_ORGANISATIONS = ("Örebro kommun", "Lokalpolisområde Örebro")


@dataclass(frozen=True)
class DemoAction:
    title: str
    owner: str
    due: date
    status: str  # after week 1; "open" and "ongoing" are week 2's open actions
    feedback: str = ""


WEEK1_PLACES = [
    (
        "Vivalla centrum",
        15.176,
        59.293,
        "Upprepad skadegörelse och samlingar kvällstid vid centrumbyggnaden.",
        "Lokalpolisområde Örebro",
        "fre–lör kl. 20–01",
    ),
    (
        "Varbergaparken",
        15.252,
        59.272,
        "Trasig belysning och boende som undviker parken efter mörkrets inbrott.",
        "Bostadsbolaget Hemby AB (demo)",
        "tis och tor kl. 18–22",
    ),
]
WEEK1_ACTIONS = [
    DemoAction(
        "Extra kvällspatrull vid Vivalla centrum",
        "Lokalpolisområde Örebro",
        date(2026, 8, 23),
        "open",
    ),
    DemoAction(
        "Byta trasig belysning i Varbergaparken",
        "Örebro kommun",
        date(2026, 8, 21),
        "ongoing",
        "Beställt, montering på torsdag.",
    ),
    DemoAction(
        "Sanera klottret i Vivallagången",
        "Bostadsbolaget Hemby AB (demo)",
        date(2026, 8, 19),
        "done",
        "Sanerat dagen efter mötet.",
    ),
]
WEEK1_NOTES = (
    "Polisen och Hemby går igenom helgens händelser på fredag. "
    "Fältassistenterna deltar nästa vecka."
)


def load_meetings(partnership, users, log=print) -> None:
    from samverkan.meetings import services
    from samverkan.meetings.models import MeetingSeries

    if MeetingSeries.objects.filter(partnership=partnership, name=MEETING_SERIES).exists():
        log(f"  {MEETING_SERIES}: finns redan")
        return
    coordinator = users["samordnare"]
    orgs = {o.name: o for o in Organisation.objects.all()}
    series = services.create_series(
        partnership,
        coordinator,
        name=MEETING_SERIES,
        weekday=MEETING_WEEK1.weekday(),
        at=time(9, 0),
        member_users=[users[u] for u in MEMBER_USERS if u in users],
        member_organisations=[orgs[n] for n in MEMBER_ORGANISATIONS],
    )
    week1 = services.create_meeting(series, coordinator, starts_at=MEETING_WEEK1)
    for name, lon, lat, reason, org, when in WEEK1_PLACES:
        services.add_place(
            week1,
            coordinator,
            name=name,
            reason=reason,
            organisation=orgs[org],
            when=when,
            lon=lon,
            lat=lat,
        )
    actions = [
        services.add_action(
            week1, coordinator, title=a.title, owner_organisation=orgs[a.owner], due_date=a.due
        )
        for a in WEEK1_ACTIONS
    ]
    services.save_notes(week1, coordinator, WEEK1_NOTES)
    services.close_meeting(week1, coordinator, now=MEETING_WEEK1 + timedelta(hours=1))
    # What happened during the week, before week 2 follows the actions up.
    for a, action in zip(WEEK1_ACTIONS, actions, strict=True):
        if a.status != "open":
            services.update_action(action, coordinator, status=a.status, feedback=a.feedback)
    week2 = services.create_meeting(series, coordinator, starts_at=MEETING_WEEK2)
    log(
        f"  {MEETING_SERIES}: möte {MEETING_WEEK1:%Y-%m-%d} avslutat, "
        f"möte {MEETING_WEEK2:%Y-%m-%d} planerat ({week2.agenda['new']['total']} nya händelser)"
    )
