"""Demo safety-walk observations: residents' reports near Vivalla, three accepted (one
hexagon on the public map, with what is being done) and two waiting in the queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from samverkan.citizens import services as citizens
from samverkan.citizens.models import Observation

PREFIX = "demo-safety-walk-"
# Accepted observations become incidents of source "allmänheten" (demo counts).
N_ACCEPTED = 3
NOTE = "Belysningen längs gångvägen byts under våren."
# The walk took place on an evening of the demo's month (August 2026, like the rest of the
# demo), the accepted observations decided the next morning; dated at load time, they
# would head the incident list months after everything else.
WALK = datetime(2026, 8, 25, 19, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
DECIDED = WALK + timedelta(hours=14)
# (lon, lat, concern index in the default list, text); the first three are accepted.
OBSERVATIONS = [
    (15.1762, 59.2931, 0, "Gångvägen mot centrum är helt mörk på kvällen."),
    (15.1768, 59.2934, 0, "Flera lampor är trasiga vid gångtunneln."),
    (15.1757, 59.2928, 1, "Höga buskar skymmer sikten vid busshållplatsen."),
    (15.2451, 59.2683, 2, "Stora grupper samlas vid torget sent på kvällen."),
    (15.2140, 59.2745, 3, "Mycket klotter och krossat glas i parken."),
]


def load_safety_walk(area, coordinator, log=print) -> None:
    """Five observations for ``area``, three accepted by ``coordinator``; once only."""
    if Observation.objects.filter(challenge__startswith=PREFIX).exists():
        log("  Trygghetsvandring: finns redan")
        return
    concerns = list(citizens.concerns_for(area))
    for i, (lon, lat, concern, text) in enumerate(OBSERVATIONS):
        obs = citizens.submit(
            citizens.Submission(
                municipality=area,
                district=None,
                lon=lon,
                lat=lat,
                concerns=[concerns[concern]],
                text=text,
                photo=None,
                email="",
                challenge=f"{PREFIX}{i}",
                ip=f"{PREFIX}{i}",
                device=f"{PREFIX}{i}",
            )
        )
        obs.submitted_at = WALK + timedelta(minutes=9 * i)
        Observation.objects.filter(pk=obs.pk).update(submitted_at=obs.submitted_at)
        if i < N_ACCEPTED:
            citizens.accept(obs, coordinator, note=NOTE)
            Observation.objects.filter(pk=obs.pk).update(decided_at=DECIDED)
    log(f"  Trygghetsvandring: {len(OBSERVATIONS)} observationer, {N_ACCEPTED} godtagna")
