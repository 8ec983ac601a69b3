"""Reports from partners in Örebro: places, texts, feedback."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from samverkan.demo.loader.world import N_REPORTS, REPORT_PREFIX

if TYPE_CHECKING:
    from samverkan.incidents.ingest import IncidentRow


@dataclass(frozen=True)
class DemoPlace:
    name: str
    place_type: str
    lon: float
    lat: float
    reporter: str


PLACES = [
    DemoPlace("Vivalla centrum", "shop", 15.176, 59.293, "rapportor"),
    DemoPlace("Vivallagången, trapphus", "stairwell", 15.171, 59.297, "rapportor"),
    DemoPlace("Varberga torg", "street", 15.245, 59.268, "rapportor"),
    DemoPlace("Varbergaparken", "park", 15.252, 59.272, "rapportor"),
    DemoPlace("Baronbackarna, innergård", "residential", 15.190, 59.287, "rapportor"),
    DemoPlace("Baronbackarnas garage", "parking", 15.196, 59.284, "rapportor"),
    DemoPlace("Västhagaskolan, skolgård", "school", 15.183, 59.276, "rapportor-skola"),
    DemoPlace("Cykelparkeringen vid Västhagaskolan", "parking", 15.186, 59.274, "rapportor-skola"),
    DemoPlace("Busshållplatsen Vivalla centrum", "transport", 15.178, 59.291, "rapportor-skola"),
    DemoPlace("Gångtunneln mot Varberga", "street", 15.238, 59.264, "rapportor-skola"),
    # One place in each further demo district (demo_districts.CENTRES), so none is empty.
    DemoPlace("Järntorget", "street", 15.212, 59.273, "rapportor"),
    DemoPlace("Brickebackens centrum", "shop", 15.197, 59.247, "rapportor"),
    DemoPlace("Oxhagens centrum, busshållplatsen", "transport", 15.231, 59.286, "rapportor"),
    DemoPlace("Mellringeskolan, skolgård", "school", 15.207, 59.301, "rapportor-skola"),
    DemoPlace("Adolfsbergs centrum", "shop", 15.213, 59.237, "rapportor"),
    DemoPlace("Lillåns skola, cykelställ", "school", 15.231, 59.311, "rapportor-skola"),
    DemoPlace("Rynningeviken, parkeringen", "parking", 15.271, 59.273, "rapportor"),
    DemoPlace("Mariebergs köpcentrum, parkering", "parking", 15.146, 59.227, "rapportor"),
    DemoPlace("Tybble centrum", "shop", 15.178, 59.261, "rapportor"),
    DemoPlace("Hovsta, busshållplatsen", "transport", 15.218, 59.351, "rapportor"),
    DemoPlace("Glanshammars torg", "street", 15.402, 59.322, "rapportor"),
    DemoPlace("Odensbackens centrum", "shop", 15.527, 59.167, "rapportor"),
    DemoPlace("Garphyttans skola", "school", 14.943, 59.281, "rapportor-skola"),
    DemoPlace("Kilsmo, badplatsen", "park", 15.642, 59.107, "rapportor"),
]

REPORT_TEXTS = {
    "vandalism": [
        "Sönderslagen belysningsarmatur vid entrén.",
        "Uppbrutet förrådsutrymme, dörren skadad.",
        "Sönderslagen glasruta i busskuren.",
        "Papperskorg sparkad av och brandskadad.",
    ],
    "vandalism.graffiti": [
        "Nytt klotter (taggar) på fasaden, ca 3 m².",
        "Klotter på el-skåpet och på skylten.",
        "Taggar i trapphuset på plan 2 och 3.",
        "Klotter på gångtunnelns väggar, delvis kränkande text.",
    ],
    "littering": [
        "Mycket skräp och engångsgrillar efter helgen.",
        "Dumpade möbler och säckar vid miljöstugan.",
        "Glaskross och burkar på gräsytan.",
    ],
    "unsafe_place": [
        "Trasig belysning, helt mörkt efter kl. 20.",
        "Igenvuxna buskage gör gångvägen skymd och otrygg.",
        "Boende säger att de undviker platsen kvällstid.",
    ],
    "gathering": [
        "Grupp ungdomar samlas sent, höga ljud och mopedkörning.",
        "Samling med alkohol vid bänkarna, boende känner sig otrygga.",
        "Stökigt vid skolgården efter skoltid, smällare.",
    ],
}
FEEDBACK_TEXTS = {
    "vandalism": "Tack! Fastighetsskötseln har fått ärendet och lagar det inom en vecka.",
    "vandalism.graffiti": "Tack! Klottret saneras inom 24 timmar enligt vår rutin.",
    "littering": "Tack! Extra städning är beställd och vi ser över sophämtningen.",
    "unsafe_place": "Tack! Kommunen har beställt ny belysning och röjning av buskage.",
    "gathering": "Tack! Fältassistenterna och kommunpolisen är på plats fredagskvällar.",
}


def demo_reports() -> list[tuple[str, str, IncidentRow, bool]]:
    """(external id, reporter, row, with feedback) of the demo reports: seeded, so fixed."""
    from samverkan.incidents.ingest import IncidentRow
    from samverkan.incidents.models import Category

    ids = dict(Category.objects.filter(code__in=REPORT_TEXTS).values_list("code", "id"))
    rng = random.Random(1880)
    zone = ZoneInfo(settings.TIME_ZONE)
    out = []
    codes = list(REPORT_TEXTS)
    for i in range(1, N_REPORTS + 1):
        month = rng.choices([5, 6, 7, 8], weights=[2, 2, 3, 5])[0]
        day = rng.randint(1, 30)
        hour = rng.choice([7, 8, 15, 16, 17, 19, 20, 21, 22, 23])
        occurred = datetime(2026, month, day, hour, rng.randrange(0, 60, 5), tzinfo=zone)
        place = rng.choice(PLACES)
        if i <= len(PLACES):
            # Each place once first: every demo district then has reports of its own.
            place = PLACES[i - 1]
        code = rng.choices(codes, weights=[3, 4, 2, 2, 2])[0]
        insecure = code in ("unsafe_place", "gathering")
        row = IncidentRow(
            source="",
            external_id=f"{REPORT_PREFIX}{i:03d}",
            occurred_from=occurred,
            reported_at=occurred + timedelta(hours=rng.randint(1, 20)),
            category_id=ids[code],
            description=rng.choice(REPORT_TEXTS[code]),
            lon=round(place.lon + rng.uniform(-0.0015, 0.0015), 6),
            lat=round(place.lat + rng.uniform(-0.0008, 0.0008), 6),
            place_name=place.name,
            place_type=place.place_type,
            perceived_insecurity=rng.randint(3, 5) if insecure else None,
        )
        out.append((row.external_id, place.reporter, row, i % 3 == 0))
    return out


def load_reports(users, log=print) -> None:
    """About 40 reports from the housing company's and the school's reporters."""
    from samverkan.incidents import workflow
    from samverkan.incidents.models import Incident
    from samverkan.incidents.services import (
        REPORT_SOURCE,
        give_feedback,
        report_incident,
        set_status,
    )

    coordinator = users["samordnare"]
    done = set(
        Incident.objects.filter(
            source=REPORT_SOURCE, external_id__startswith=REPORT_PREFIX
        ).values_list("external_id", flat=True)
    )
    created = 0
    for n, (external_id, reporter, row, feedback) in enumerate(demo_reports(), start=1):
        if external_id in done:
            continue
        incident = report_incident(users[reporter], row)
        if feedback:
            code = incident.category.code
            give_feedback(incident, FEEDBACK_TEXTS[code], coordinator)
            # Answered the day after the report, as a coordinator would, so that the
            # reporter's "Senaste återkoppling" reads newest first, not in loading order.
            Incident.objects.filter(pk=incident.pk).update(
                feedback_at=incident.occurred_from + timedelta(days=1, hours=n % 5)
            )
            if n % 2 == 0:
                set_status(incident, workflow.CLOSED, coordinator)
        created += 1
    log(f"  Rapporter från partner: {created} nya, {N_REPORTS - created} fanns redan")
