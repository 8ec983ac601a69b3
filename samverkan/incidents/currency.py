"""How far each source's data reaches ("data t.o.m."), and which periods it fully covers.

A *source* is the police feed (``polisen``), each import source, and each organisation's
own reporting (``rapport`` of that organisation); an organisation's imported register is
a source of its own. The rule (``docs/situation.md``, Data currency):

* imported sources and feeds: their data runs through the local day of their latest
  incident (``occurred_from``), over all areas: a feed is read whole, so a quiet district
  is not missing data;
* an organisation's reporting: reports come when something happens, and silence is often
  nothing to report, so a report vouches for the :data:`REPORTING_ACTIVE_DAYS` days after
  it: the data runs through the day of the latest report (``reported_at``) plus that many
  days, but never beyond yesterday (today is not over). An organisation that reported in
  the last month is current; one that stopped long ago leaves its later periods incomplete.

A period is *complete* when every source that had begun by its last day (its earliest
incident falls on or before that day) has data through that day. Reports come when
something happens, so a source is taken to exist from its first incident on: one with no
incident up to the end of a baseline period is *new* there, and a change test compares only
sources present in both periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from samverkan.core import periods
from samverkan.incidents.models import Incident

REPORT_SOURCE = "rapport"
# Days after a report for which an organisation is taken to be reporting still.
REPORTING_ACTIVE_DAYS = 31


@dataclass(frozen=True)
class Source:
    organisation_id: int | None
    source: str
    first_day: date
    data_through: date

    def reaches(self, last_day: date) -> bool:
        """Whether the data runs through ``last_day`` (began earlier or not)."""
        return self.data_through >= last_day

    def began_by(self, day: date) -> bool:
        return self.first_day <= day


def _day(moment: datetime) -> date:
    return moment.astimezone(periods.local_zone()).date()


def sources(keys, now: datetime | None = None) -> list[Source]:
    """The currency of each ``(organisation_id, source)`` in ``keys``.

    Parameters
    ----------
    keys : iterable of (int or None, str)
        Sources as found on the incidents of a picture or an indicator.
    now : datetime, optional
        Time of building: nothing runs beyond it.
    """
    now = now or timezone.now()
    today = _day(now)
    out = []
    for oid, name in sorted(set(keys), key=lambda k: (k[0] or 0, k[1])):
        rows = Incident.objects.filter(organisation_id=oid, source=name)
        # Separate ordered look-ups: each is one probe of the incident_source_currency
        # index, where one query with several aggregates reads the source's whole range.
        times = rows.order_by("occurred_from").values_list("occurred_from", flat=True)
        first = times.first()
        if first is None:
            continue
        last = times.order_by("-occurred_from").first()
        through = _day(last)
        if oid is not None and name == REPORT_SOURCE:
            # Today is not over: an active organisation covers up to yesterday.
            reported = rows.aggregate(reported=Max("reported_at"))["reported"]
            vouched = _day(reported) + timedelta(days=REPORTING_ACTIVE_DAYS)
            through = max(through, min(vouched, today - timedelta(days=1)))
        out.append(Source(oid, name, _day(first), min(through, today)))
    return out
