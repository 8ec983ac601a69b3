"""Outcome statistics (Wilson interval, small-count suppression, no personal data) and
retention: closed cases are anonymised after CASES_RETENTION_MONTHS, tested with frozen
time, and anonymisation leaves the aggregates exactly as they were."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from samverkan.cases import services, stats, workflow
from samverkan.cases.models import PreventiveCase
from samverkan.cases.tasks import anonymise_closed_cases
from tests.cases.helpers import pnr_for_age

P = "Handläggning"


@pytest.mark.parametrize(
    "x, n, low, high",
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3
        # (score interval without continuity correction = Wilson 1927).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998(x, n, low, high):
    lo, hi = stats.wilson_interval(x, n)
    assert round(lo, 4) == low and round(hi, 4) == high


def test_wilson_interval_edges():
    assert stats.wilson_interval(20, 20)[1] == 1.0
    with pytest.raises(ValueError):
        stats.wilson_interval(1, 0)
    with pytest.raises(ValueError):
        stats.wilson_interval(3, 2)


def make_cases(cw, outcomes, *, case_type="rri", opened=date(2025, 3, 1), months=6):
    """One case per outcome code: 'c' ceased, 'x' continued, 'u' unknown."""
    answers = {"c": ("no", "no", "no"), "x": ("yes", "no", "no"), "u": ("no", "unknown", "no")}
    made = []
    for i, code in enumerate(outcomes):
        case = services.create_case(
            cw.users["officer"],
            organisation=cw.polis,
            case_type=case_type,
            person_name=f"Person {i}",
            person_number=pnr_for_age(19, f"{i:03d}"),
            purpose=P,
        )
        PreventiveCase.objects.filter(pk=case.pk).update(opened_on=opened)
        t, v, c = answers[code]
        services.record_outcome(
            case,
            months,
            threats=t,
            violence=v,
            crime=c,
            source="police_records",
            user=cw.users["officer"],
            purpose=P,
        )
        made.append(case)
    return made


def test_outcome_table_shares_and_suppression(cw):
    make_cases(cw, "ccccccxxxu")  # RRI 2025: 6 ceased, 3 continued, 1 unknown
    make_cases(cw, "cx", case_type="repeat_victim")  # 1 and 1: both suppressed
    table = stats.outcome_table(PreventiveCase.objects.all(), months=6)
    rri, victim = table["rows"]
    assert (rri.label, rri.period) == ("Riskreducerande insatser (RRI)", 2025)
    assert (rri.ceased, rri.continued) == (6, 3)
    assert rri.share == pytest.approx(6 / 9)
    assert (rri.low, rri.high) == pytest.approx(stats.wilson_interval(6, 9))
    assert rri.total == 9 and rri.unknown == "<3"
    assert victim.ceased == "<3" and victim.continued == "<3" and victim.share is None
    # "<3" for the total too would pin both cells to 1: the total is shown as "..".
    assert victim.total == ".." and victim.unknown == 0


def test_a_lone_small_cell_takes_its_partner_with_it(cw):
    make_cases(cw, "ccccx")  # 4 ceased, 1 continued: 4 would reveal the 1 via the total
    (row,) = stats.outcome_table(PreventiveCase.objects.all(), months=6)["rows"]
    # The 4 is hidden as "..", never "<3"; with the total 5 it would lie in [3, 4], so the
    # total is hidden too.
    assert (row.ceased, row.continued, row.total, row.share) == ("..", "<3", "..", None)


def test_statistics_page_has_no_personal_data(cw, client):
    make_cases(cw, "cccxxx")
    client.force_login(cw.users["coordinator"])
    page = client.get(reverse("case-stats"), {"months": 6}).content.decode()
    assert "50 %" in page
    for case in PreventiveCase.objects.all():
        assert case.reference not in page and case.person_name not in page
    csv = client.get(reverse("case-stats-export"), {"months": 6}).content.decode("utf-8-sig")
    assert "Riskreducerande insatser (RRI);2025;3;3;0;6;0.5;" in csv


def test_other_partnerships_cases_are_not_counted(cw, client):
    make_cases(cw, "cccxxx")
    client.force_login(cw.users["other_coordinator"])  # Söderby: not a partner of the police
    page = client.get(reverse("case-stats")).content.decode()
    assert "Inga uppföljningar ännu." in page


def close_at(case, when):
    services.set_status(case, workflow.CLOSED, case.officers.first(), purpose=P, now=when)


def test_retention_with_frozen_time(cw, settings):
    settings.CASES_RETENTION_MONTHS = 36
    case = cw.case
    services.plan_conversation(
        case,
        "person",
        datetime(2023, 1, 5, 10, tzinfo=UTC),
        cw.users["officer"],
        notes="Samtal om hot",
        purpose=P,
    )
    close_at(case, datetime(2023, 1, 31, 12, tzinfo=UTC))
    # 36 months later, minus a day: kept (Feb has no 31st: the cut-off clamps to the 28th).
    assert services.anonymise_due(now=datetime(2026, 1, 30, 12, tzinfo=UTC)) == []
    assert anonymise_closed_cases.call("2026-01-31T11:59:00+00:00") == []
    assert anonymise_closed_cases.call("2026-01-31T12:00:00+00:00") == [case.pk]
    case.refresh_from_db()
    assert case.anonymised_at == datetime(2026, 1, 31, 12, tzinfo=UTC)
    assert case.person_name == "" and case.person_number == "" and case.person_number_index == ""
    assert case.background == "" and case.conversations.get().notes == ""
    assert case.status == workflow.CLOSED and case.case_type == "rri"
    # Nothing identifying is left, and the blind index no longer finds the person.
    assert not services.find_by_number(cw.pnr).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT person_name, person_number FROM cases_preventivecase")
        assert cursor.fetchall() == [("", "")]
    # An anonymised case cannot be changed any more.
    with pytest.raises(services.CaseError):
        services.set_status(case, workflow.ACTIVE, cw.users["officer"], purpose=P)


def test_open_cases_are_never_anonymised(cw):
    assert services.anonymise_due(now=datetime(2099, 1, 1, tzinfo=UTC)) == []


def test_anonymisation_leaves_aggregates_intact(cw):
    cases = make_cases(cw, "ccccxxxu")
    make_cases(cw, "ccx", case_type="leaving_group", opened=date(2024, 5, 1))
    before = stats.outcome_table(PreventiveCase.objects.all(), months=6)
    for case in cases[:5]:
        close_at(case, datetime(2022, 6, 1, tzinfo=UTC))
    done = services.anonymise_due(now=datetime(2026, 1, 1, tzinfo=UTC))
    assert sorted(done) == sorted(c.pk for c in cases[:5])
    after = stats.outcome_table(PreventiveCase.objects.all(), months=6)
    assert after == before


def test_command_runs_the_task(cw, settings, capsys, monkeypatch):
    from django.utils import timezone

    settings.CASES_RETENTION_MONTHS = 1
    close_at(cw.case, datetime(2020, 1, 1, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", lambda: datetime(2020, 3, 1, tzinfo=UTC))
    call_command("anonymise_cases")
    assert "1 ärenden avidentifierades." in capsys.readouterr().out
    cw.case.refresh_from_db()
    assert cw.case.anonymised_at == datetime(2020, 3, 1, tzinfo=UTC)


def test_command_can_enqueue(cw, capsys):
    from django_tasks_db.models import DBTaskResult

    call_command("anonymise_cases", "--enqueue")
    assert "kön" in capsys.readouterr().out
    assert DBTaskResult.objects.filter(task_path__endswith="anonymise_closed_cases").exists()
