"""Case statistics with many small counts, attacked by linear programming: nothing recovered.

Each row publishes ceased, continued, their total (cases with a known outcome), unknown and,
when both counts are shown, the share and its Wilson interval. The attack uses all of them.
"""

from __future__ import annotations

import random
from datetime import date

from django.urls import reverse

from samverkan.cases import stats
from samverkan.cases.models import PreventiveCase
from tests.cases.test_stats_retention import make_cases
from tests.lp_attack import Attack

TYPES = ("rri", "leaving_group", "repeat_victim", "young_at_risk", "other")


def attack_row(r, k: int) -> Attack:
    a = Attack(k)
    ceased = a.figure("ceased", r.ceased)
    continued = a.figure("continued", r.continued)
    a.total(a.figure("known", r.total), [ceased, continued])
    a.figure("unknown", r.unknown)
    if r.share is not None:
        # A published share gives ceased = share x known: fine only if both are shown.
        assert isinstance(r.ceased, int) and isinstance(r.continued, int)
    return a


def test_lp_attack_on_case_statistics_recovers_nothing(cw):
    rng = random.Random(4)
    outcomes_of = {}
    for case_type in TYPES:
        for year in (2023, 2024, 2025):
            codes = "c" * rng.choice([0, 1, 2, 4, 7]) + "x" * rng.choice([0, 1, 2, 3, 9])
            codes += "u" * rng.choice([0, 1, 2, 5])
            if codes:
                make_cases(cw, codes, case_type=case_type, opened=date(year, 3, 1))
                outcomes_of[(case_type, year)] = codes
    table = stats.outcome_table(PreventiveCase.objects.all(), months=6)
    assert len(table["rows"]) == len(outcomes_of)
    hidden = 0
    for r in table["rows"]:
        codes = outcomes_of[(r.case_type, r.period)]
        truth = {"ceased": codes.count("c"), "continued": codes.count("x")}
        for name in ("ceased", "continued"):
            value = getattr(r, name)
            if value == "<3":
                assert 1 <= truth[name] <= 2
            elif isinstance(value, int):
                assert value == truth[name]
            hidden += isinstance(value, str)
        assert attack_row(r, table["k"]).breaches() == [], (r.case_type, r.period, r)
    assert hidden, "the scene must hide something"


def test_page_and_export_never_label_a_large_hidden_cell_small(cw, client):
    make_cases(cw, "ccccccccx")  # 8 ceased, 1 continued: the 8 is hidden as ".."
    client.force_login(cw.users["coordinator"])
    page = client.get(reverse("case-stats"), {"months": 6}).content.decode()
    assert '<td class="num">..</td>' in page
    csv = client.get(reverse("case-stats-export"), {"months": 6}).content.decode("utf-8-sig")
    line = csv.splitlines()[1].split(";")
    assert line[2:6] == ["..", "<3", "0", ".."]
