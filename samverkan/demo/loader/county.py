"""The county network of the demo: the county board's next network meeting, a draft
network digest (nätverksbrev) for the demo month, and the coordinator's subscription, so
that the digest page has something to show and send."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from samverkan.core.models import Area
from samverkan.county import services as county
from samverkan.county.models import Digest, NetworkMeeting
from samverkan.demo.loader.world import DEMO_MONTH

MEETING_TOPIC = "Nätverksträff: lägesbilder och trygghetsvandringar i länet"
DIGEST_INTRO = (
    "Välkomna till månadens nätverksbrev. Här är de lägesbilder och erfarenheter som "
    "kommunerna i länet har delat, och nästa nätverksträff."
)


def load_county(county_code: str, users, log=print) -> None:
    """The board's meeting and draft digest for the county, and one subscription; once only."""
    board, coordinator = users["lansstyrelsen"], users["samordnare"]
    area = Area.objects.get(country="SE", level="county", code=county_code)
    if Digest.objects.filter(county=area).exists():
        log("  Länsnätverk: finns redan")
        return
    # Three weeks ahead of the day the demo is loaded, so that it is always coming up.
    day = timezone.localdate() + timedelta(days=21)
    county.save_meeting(
        board,
        NetworkMeeting(
            county=area,
            starts_at=timezone.make_aware(datetime.combine(day, time(9, 30))),
            topic=MEETING_TOPIC,
            place="Länsstyrelsen, Örebro",
            link="https://meet.example.invalid/lansnatverk",
        ),
    )
    county.create_digest(board, area, "month", DEMO_MONTH, intro=DIGEST_INTRO)
    county.subscribe(coordinator, area)
    log(f"  Länsnätverk: en nätverksträff, ett utkast till nätverksbrev för {DEMO_MONTH}")
