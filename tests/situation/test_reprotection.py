"""Pictures shared under an older protection rule are audited again from what they publish.

The old pictures are made the way the first releases protected them: small counts labelled
``"<3"``, nothing else hidden. The independent attack of ``tests.lp_attack`` (the one that
checks every new picture) works the hidden counts out of them; after
``reprotect_pictures`` it recovers nothing, from the stored snapshot alone.
"""

from __future__ import annotations

import copy
import io

import pytest
from django.core.management import call_command

from samverkan.core.models import AuditEvent
from samverkan.situation import disclosure, reprotection
from samverkan.situation.build import build_for_period
from samverkan.situation.disclosure import PROTECTION
from samverkan.situation.models import FrozenError, SituationReport
from samverkan.situation.summary import summarise
from tests.situation.test_disclosure_attack import (  # noqa: F401
    MARCH,
    attack_picture,
    small_world,
)

K = 3


def _label_small(container, key) -> None:
    value = container[key]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < K:
        container[key] = f"<{K}"


def primary_only(figures: dict, k: int) -> list[dict]:
    """The first releases' protection: small counts labelled, no secondary suppression."""
    for field in disclosure.totals_fields():
        if field in figures["totals"]:
            _label_small(figures["totals"], field)
    for row in figures["by_category"]:
        for field in disclosure.totals_fields():
            _label_small(row, field)
    for row in figures["by_child_area"]:
        _label_small(row, "count")
        _label_small(row, "previous")
    for point in figures["trend"]:
        if point.get("count") is not None:
            _label_small(point, "count")
    for row in figures["weekday_hour"]:
        for hour in range(len(row)):
            _label_small(row, hour)
    for row in figures["coverage"]["by_kind"] + figures["coverage"]["by_organisation"]:
        _label_small(row, "count")
    disclosure._drop_derived(figures)
    return []


def stored(area, figures, *, partnership=None, audience="shared", status="shared"):
    """A picture of March with ``figures`` as its snapshot."""
    return SituationReport.objects.create(
        area=area,
        partnership=partnership,
        period_type="month",
        period_start=MARCH.start,
        period_end=MARCH.end,
        period_label=MARCH.label,
        audience=audience,
        status=status,
        snapshot=figures,
    )


@pytest.fixture
def old_picture(small_world, monkeypatch):  # noqa: F811
    """A picture of March shared before the LP audit, stored and frozen."""
    w = small_world
    with monkeypatch.context() as m:
        m.setattr("samverkan.situation.build.assembly.protect_figures", primary_only)
        figures = build_for_period(w.m1, MARCH, partnership=w.p1, audience="shared")
    assert "protection" not in figures
    return stored(w.m1, figures, partnership=w.p1)


def test_the_old_protection_gives_hidden_counts_back(old_picture):
    # The premise: without the audit a reader works hidden counts out.
    assert attack_picture(old_picture.snapshot).breaches() != []


def test_reprotecting_leaves_nothing_to_recover(old_picture):
    before = copy.deepcopy(old_picture.snapshot)
    result = reprotection.reprotect_pictures()
    assert result.read == 1 and old_picture.pk in result.changed
    old_picture.refresh_from_db()
    f = old_picture.snapshot
    assert attack_picture(f).breaches() == []
    assert f["protection"] == PROTECTION
    # Only more is hidden: a published number stays or becomes a label, never another number.
    for was, now in zip(before["by_category"], f["by_category"], strict=True):
        for field in disclosure.totals_fields():
            assert now[field] in (was[field], "..") or (was[field], now[field]) == ("<3", "..")
    # A total readers may hold from a county digest stays as it was published.
    for field in disclosure.totals_fields():
        if isinstance(before["totals"][field], int) and before["totals"][field] >= K:
            assert f["totals"][field] == before["totals"][field]
    newly = [e for e in f["suppressed"] if e["reason"].endswith(f"protection {PROTECTION}")]
    assert len(newly) == result.changed[old_picture.pk] > 0
    # The stored summary speaks of the figures as published now.
    assert f["summary"] == summarise(f, f["summary_language"])
    event = AuditEvent.objects.get(action="situation.reprotect")
    assert event.object_id == str(old_picture.pk)
    assert event.details["hidden"] == len(newly)


def test_a_second_run_reads_nothing_and_the_picture_stays_frozen(old_picture):
    reprotection.reprotect_pictures()
    assert reprotection.reprotect_pictures().read == 0
    assert AuditEvent.objects.filter(action="situation.reprotect").count() == 1
    old_picture.refresh_from_db()
    old_picture.snapshot["totals"]["count"] = 1
    with pytest.raises(FrozenError):
        old_picture.save()


def test_a_dry_run_writes_nothing(old_picture):
    out = io.StringIO()
    call_command("reprotect_pictures", "--dry-run", stdout=out, stderr=io.StringIO())
    assert "1 lägesbilder granskade; 1 skulle få" in out.getvalue()
    old_picture.refresh_from_db()
    assert "protection" not in old_picture.snapshot
    assert not AuditEvent.objects.filter(action="situation.reprotect").exists()


def test_internal_pictures_and_pictures_of_the_current_rule_are_left_alone(
    small_world,  # noqa: F811
    old_picture,
):
    w = small_world
    # The old picture as an internal draft: internal pictures hide nothing.
    SituationReport.objects.filter(pk=old_picture.pk).update(status="draft")
    SituationReport.objects.filter(pk=old_picture.pk).update(audience="internal")
    fresh = build_for_period(w.m1, MARCH, partnership=w.p1, audience="public")
    assert fresh["protection"] == PROTECTION
    stored(w.m1, fresh, audience="public", status="draft")
    assert not reprotection.pending().exists()
    assert reprotection.reprotect_pictures().read == 0


def test_migrate_reprotects_the_pictures_shared_before(old_picture):
    out = io.StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    assert "dolde fler siffror i 1 delade eller offentliga lägesbilder" in out.getvalue()
    old_picture.refresh_from_db()
    assert attack_picture(old_picture.snapshot).breaches() == []


def test_flush_and_migrating_back_do_not_reprotect(old_picture):
    reprotection.reprotect_after_upgrade(using="default", plan=None)
    reprotection.reprotect_after_upgrade(using="default", plan=[(object(), True)])
    old_picture.refresh_from_db()
    assert "protection" not in old_picture.snapshot
    reprotection.reprotect_after_upgrade(using="default", plan=[])
    old_picture.refresh_from_db()
    assert old_picture.snapshot["protection"] == PROTECTION


def test_the_current_rule_passes_its_own_audit_from_the_published_figures(small_world):  # noqa: F811
    w = small_world
    f = build_for_period(w.m1, MARCH, partnership=w.p1, audience="shared")
    published = copy.deepcopy(f)
    assert disclosure.reprotect(published, K) == ([], True)
    assert published == f


@pytest.mark.parametrize(
    ("area", "period"),
    [("m1", "2025-W10"), ("m1", "2025-T1"), ("county", "2025-03")],
)
def test_old_pictures_of_other_periods_and_levels_are_protected_after(
    small_world,  # noqa: F811
    monkeypatch,
    area,
    period,
):
    from samverkan.core import periods

    w = small_world
    partnership = w.p1 if area == "m1" else None
    monkeypatch.setattr("samverkan.situation.build.assembly.protect_figures", primary_only)
    f = build_for_period(
        getattr(w, area), periods.parse(period), partnership=partnership, audience="shared"
    )
    assert disclosure.reprotect(f, K).protected
    assert attack_picture(f).breaches() == []


def test_a_picture_left_pinned_is_reported_not_passed_over(world):
    # One category under a total the county digest has printed: its ".." is the total, and
    # the total stays published, so nothing is left to hide.
    figures = {
        "suppression_k": K,
        "summary_language": "sv",
        "totals": {"count": 5, "previous": 4, "last_year": 3},
        "by_category": [{"code": "x", "count": "..", "previous": 4, "last_year": 3}],
    }
    report = stored(world.m1, figures)
    assert reprotection.reprotect_pictures(dry_run=True).unprotected == [report.pk]
    err = io.StringIO()
    call_command("reprotect_pictures", stdout=io.StringIO(), stderr=err)
    assert "Varning: 1 delade lägesbilder har kvar ett dolt antal" in err.getvalue()
    assert f"(id {report.pk})" in err.getvalue()


def test_a_snapshot_that_is_not_figures_is_named_and_does_not_stop_the_run(world, old_picture):
    broken = stored(world.m1, {"totals": "handredigerad"})
    later = stored(world.m1, copy.deepcopy(old_picture.snapshot), partnership=world.p1)
    err = io.StringIO()
    call_command("reprotect_pictures", stdout=io.StringIO(), stderr=err)
    assert f"1 delade lägesbilder kunde inte granskas (id {broken.pk})" in err.getvalue()
    broken.refresh_from_db()
    assert broken.snapshot == {"totals": "handredigerad"}
    # The run went on: the picture after it was audited.
    later.refresh_from_db()
    assert later.snapshot["protection"] == PROTECTION
    assert attack_picture(later.snapshot).breaches() == []


def test_a_figure_missing_from_an_old_snapshot_stays_missing(world):
    # A category row without last year's count: the reader knows nothing of it.
    figures = {
        "suppression_k": K,
        "totals": {"count": 9, "previous": 6, "last_year": 4},
        "by_category": [
            {"code": "x", "count": 7, "previous": "<3", "last_year": None},
            {"code": "y", "count": "<3", "previous": 4},
        ],
    }
    result = disclosure.reprotect(figures, K)
    assert result.protected
    assert figures["by_category"][0]["last_year"] is None
    assert "last_year" not in figures["by_category"][1]
    assert figures["by_category"][0]["count"] == ".."  # 9 - 7 gave the "<3" back
