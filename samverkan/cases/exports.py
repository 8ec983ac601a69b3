"""The CSV rows of the case list and of the outcome statistics, without personal data."""

from __future__ import annotations

from django.utils import timezone

from samverkan.cases import stats

CASES_HEADER = [
    "ärende",
    "typ",
    "organisation",
    "status",
    "öppnat",
    "avslutat",
    "risknivå",
    "samtal_genomförda",
    "utfall_3",
    "utfall_6",
    "utfall_12",
]

STATS_HEADER = [
    "ärendetyp",
    "år",
    "upphörde",
    "fortsatte",
    "okänt",
    "kända_utfall",
    "andel",
    "ki_låg",
    "ki_hög",
]


def case_row(case) -> list:
    """One case as a row of :data:`CASES_HEADER`; expects outcomes and conversations
    prefetched. An outcome is its class (ceased/continued), blank when not yet recorded."""
    outcomes = {o.months: o for o in case.outcomes.all()}

    def outcome(months):
        o = outcomes.get(months)
        return stats.classify(o.new_threats, o.new_violence, o.new_crime) if o else ""

    return [
        str(case),
        case.get_case_type_display(),
        case.organisation.name,
        case.get_status_display(),
        case.opened_on.isoformat(),
        timezone.localtime(case.closed_at).date().isoformat() if case.closed_at else "",
        case.get_risk_level_display(),
        sum(1 for c in case.conversations.all() if c.held_at),
        outcome(3),
        outcome(6),
        outcome(12),
    ]


def stats_row(r) -> list:
    """One row of :func:`samverkan.cases.stats.outcome_table` as a row of :data:`STATS_HEADER`."""

    def fmt(v):
        return round(v, 4) if v is not None else ""

    return [
        r.label,
        r.period,
        r.ceased,
        r.continued,
        r.unknown,
        r.total,
        fmt(r.share),
        fmt(r.low),
        fmt(r.high),
    ]
