"""The server-drawn timeline: one bar per measure, inside the plan's years, text escaped."""

from __future__ import annotations

from datetime import date

from samverkan.plans import timeline
from samverkan.plans.models import Measure


def test_bars_years_and_escaping(pw):
    Measure.objects.create(
        plan=pw.plan,
        title="<script>alert(1)</script>",
        target_side="offender",
        owner=pw.kommun,
        start=date(2026, 1, 1),
        end=date(2028, 6, 30),
        status="ongoing",
    )
    svg = timeline.svg(pw.plan, pw.plan.measures.all(), today=date(2026, 6, 1))
    assert svg.count("<rect") == 2
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    # The measure running past the plan's last year widens the axis to 2028.
    for year in (2025, 2026, 2027, 2028):
        assert f">{year}</text>" in svg
    assert 'stroke-dasharray="4 3"' in svg  # today's marker


def test_empty_plan_says_so(pw):
    pw.plan.measures.all().delete()
    svg = timeline.svg(pw.plan, [], today=date(2030, 1, 1))
    assert "Inga åtgärder ännu." in svg and "stroke-dasharray" not in svg
