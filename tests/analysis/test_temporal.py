"""Temporal profiles; aoristic weights checked by hand (Ratcliffe 2002)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from samverkan.analysis.temporal import (
    aoristic_weekday_hour,
    month_profile,
    season_profile,
    weekday_hour,
)

STHLM = ZoneInfo("Europe/Stockholm")


def test_weekday_hour_from_epoch_matches_datetime_reference():
    """Reference: Python's own datetime.astimezone(...).weekday() / .hour per incident."""
    rng = np.random.default_rng(0)
    epoch = rng.integers(1_600_000_000, 1_700_000_000, 2000)
    got = weekday_hour(epoch, "Europe/Stockholm").estimate
    ref = np.zeros((7, 24))
    for t in epoch:
        d = datetime.fromtimestamp(int(t), STHLM)
        ref[d.weekday(), d.hour] += 1
    np.testing.assert_array_equal(got, ref)
    aware = [datetime.fromtimestamp(int(t), UTC) for t in epoch[:50]]
    ref50 = weekday_hour(epoch[:50], "Europe/Stockholm").estimate
    np.testing.assert_array_equal(weekday_hour(aware, "Europe/Stockholm").estimate, ref50)


def test_naive_datetimes_are_local_wall_time():
    r = weekday_hour([datetime(2024, 3, 4, 22, 30)])  # a Monday
    assert r.estimate[0, 22] == 1 and r.total == 1


def test_aoristic_three_full_hours_gives_a_third_each():
    """Ratcliffe (2002): a window of 13:00-16:00 gives 1/3 to hours 13, 14 and 15."""
    start = datetime(2024, 5, 8, 13, 0, tzinfo=STHLM)  # Wednesday
    r = aoristic_weekday_hour([start], [start + timedelta(hours=3)])
    expected = np.zeros((7, 24))
    expected[2, 13:16] = 1 / 3
    np.testing.assert_allclose(r.estimate, expected, atol=1e-12)


def test_aoristic_partial_hours_and_midnight():
    """22:30-01:30 overnight Sunday->Monday: 30, 60, 60, 30 minutes of 180."""
    start = datetime(2024, 5, 12, 22, 30, tzinfo=STHLM)  # Sunday
    r = aoristic_weekday_hour([start], [start + timedelta(hours=3)]).estimate
    assert r[6, 22] == pytest.approx(1 / 6)
    assert r[6, 23] == pytest.approx(1 / 3)
    assert r[0, 0] == pytest.approx(1 / 3)
    assert r[0, 1] == pytest.approx(1 / 6)


def test_aoristic_totals_equal_number_of_incidents_and_brute_force():
    """Brute force reference: walk each window minute by minute in local time."""
    rng = np.random.default_rng(1)
    s = rng.integers(1_700_000_000, 1_710_000_000, 60) // 60 * 60
    e = s + rng.integers(0, 30 * 60, 60) * 60
    r = aoristic_weekday_hour(s, e, "Europe/Stockholm")
    assert r.total == pytest.approx(60)
    ref = np.zeros((7, 24))
    for a, b in zip(s, e):
        minutes = max(1, (b - a) // 60)
        for m in range(minutes):
            d = datetime.fromtimestamp(int(a + 60 * m), STHLM)
            ref[d.weekday(), d.hour] += 1 / minutes
    np.testing.assert_allclose(r.estimate, ref, atol=1e-9)


def test_aoristic_across_dst_change_uses_elapsed_time():
    """2024-03-31 02:00 CET jumps to 03:00 CEST: 01:00-04:00 local is 2 real hours."""
    start = datetime(2024, 3, 31, 1, 0, tzinfo=STHLM)
    end = datetime(2024, 3, 31, 4, 0, tzinfo=STHLM)
    r = aoristic_weekday_hour([start], [end]).estimate
    assert r[6, 1] == pytest.approx(0.5) and r[6, 3] == pytest.approx(0.5)
    assert r[6, 2] == 0


def test_month_and_season_profiles():
    times = [datetime(2023, m, 15, 12, tzinfo=STHLM) for m in (1, 2, 3, 6, 12, 12)]
    months = month_profile(times).estimate
    assert months.tolist() == [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 2]
    seasons = season_profile(times)
    assert seasons.estimate.tolist() == [4, 1, 1, 0]
    assert seasons.labels == ["winter", "spring", "summer", "autumn"]
    # 2023-12-31 23:30 UTC is already January in Stockholm.
    assert month_profile([datetime(2023, 12, 31, 23, 30, tzinfo=UTC)]).estimate[0] == 1
