"""Shared and public pictures attacked as the county board attacked them: nothing recovered.

Many small counts over categories, months, child areas, hours and organisations; then every
published figure (totals, trend, categories, child areas with their rates and populations,
the weekday x hour grid, coverage, hot-spot point counts, z values) goes into one linear
program (:mod:`tests.lp_attack`). No hidden figure may be narrowed below the rule.
"""

from __future__ import annotations

import math
import random

import pytest

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.situation.build import build_for_period
from samverkan.situation.exports import html
from tests.conftest import square
from tests.lp_attack import Attack
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")
CATEGORIES = ("vandalism", "fire", "drugs", "gathering", "littering", "violence", "theft.burglary")
# (code, lon0, lat0, lon1, lat1, population) of Norrby's districts: they cover it.
DISTRICTS = (
    ("990101", 15.0, 59.0, 15.5, 59.5, 4_321),
    ("990102", 15.5, 59.0, 16.0, 59.5, 7_654),
    ("990103", 15.0, 59.5, 16.0, 60.0, 8_025),
)


def _area(code, name, level, geom, parent, population):
    lons = [c[0] for c in geom["coordinates"][0]]
    lats = [c[1] for c in geom["coordinates"][0]]
    return Area.objects.create(
        code=code,
        name=name,
        level=level,
        geometry=geom,
        parent=parent,
        population=population,
        min_lon=min(lons),
        max_lon=max(lons),
        min_lat=min(lats),
        max_lat=max(lats),
    )


@pytest.fixture
def small_world(world, make):
    """Norrby with three districts and a year of small counts; Söderby with a few."""
    world.m1.population = 19_999
    world.m1.save(update_fields=["population"])
    world.m2.population = 3_210
    world.m2.save(update_fields=["population"])
    world.county.population = 23_209
    world.county.save(update_fields=["population"])
    districts = [
        (_area(code, f"Del {code}", "district", square(*box), world.m1, pop), box)
        for code, *box, pop in DISTRICTS
    ]
    rng = random.Random(13)
    orgs = [world.kommun.pk, world.polis.pk, world.bostad.pk]
    months = [(2024, m) for m in range(2, 13)] + [(2025, 1), (2025, 2), (2025, 3)]
    for year, month in months:
        for code in CATEGORIES:
            for _, (lon0, lat0, lon1, lat1) in districts:
                n = rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 6])
                for _ in range(n):
                    make(
                        code,
                        local(year, month, rng.randint(1, 28), rng.randint(0, 23)),
                        lon=rng.uniform(lon0 + 0.01, lon1 - 0.01),
                        lat=rng.uniform(lat0 + 0.01, lat1 - 0.01),
                        organisation_id=rng.choice(orgs),
                    )
        if rng.random() < 0.5:
            make(
                rng.choice(CATEGORIES),
                local(year, month, 14, 12),
                n=rng.choice([1, 2, 4]),
                lon=16.5,
                organisation_id=world.kommun.pk,
                visibility="public",
            )
    return world


def two_sample_z(a: Attack, count: str, base: str, m: int, z, digits: int = 3) -> None:
    """A published ``z = (sqrt(c) - sqrt(B / m)) / sqrt(1/4 + 1/(4 m))`` bounds the hidden one."""
    if z is None:
        return
    half, scale = 0.5 * 10**-digits, math.sqrt(0.25 + 0.25 / m)
    if count in a.known and base in a.hidden:
        c = math.sqrt(a.known[count])
        lo, hi = c - (z + half) * scale, c - (z - half) * scale
        a.between(base, m * max(lo, 0) ** 2 - 1e-9, m * max(hi, 0) ** 2 + 1e-9)
    elif base in a.known and count in a.hidden:
        b = math.sqrt(a.known[base] / m)
        lo, hi = b + (z - half) * scale, b + (z + half) * scale
        a.between(count, max(lo, 0) ** 2 - 1e-9, max(hi, 0) ** 2 + 1e-9)
    else:
        assert not (count in a.hidden and base in a.hidden), f"z of two hidden {count}, {base}"


def attack_picture(f: dict, *, children_cover: bool = True) -> Attack:
    """Every published figure of ``f`` and every relation a reader knows between them."""
    a = Attack(f["suppression_k"])
    totals = f["totals"]
    fields = ("count", "previous", "last_year", "baseline_total")
    t = {fld: a.figure(f"totals.{fld}", totals[fld]) for fld in fields}
    a.rate(t["count"], totals.get("rate_per_100k"), f["area"]["population"])
    m = f["baseline"]["n_periods"]
    two_sample_z(a, t["count"], t["baseline_total"], m, totals.get("z"))
    # The baseline mean is the pooled count over m periods.
    a.rate(t["baseline_total"], totals.get("baseline_mean"), 100_000 * m, digits=2)

    same_period = {
        f["period"]["label"]: t["count"],
        f["previous_period"]["label"]: t["previous"],
        f["last_year_period"]["label"]: t["last_year"],
    }
    base_labels = {p["label"] for p in f["baseline"]["periods"]}
    in_base = []
    for p in f["trend"]:
        name = a.figure(f"trend.{p['label']}", p["count"])
        if p["label"] in same_period:
            a.same(name, same_period[p["label"]])
        if p["label"] in base_labels and p["count"] is not None:
            in_base.append(name)
    # The pooled baseline is at least its published periods, equal when they are all of it.
    if in_base:
        if len(in_base) == len(base_labels):
            a.total(t["baseline_total"], in_base)
        else:
            a.at_most(in_base, t["baseline_total"])

    for fld in fields:
        cells = [a.figure(f"cat.{r['code']}.{fld}", r[fld]) for r in f["by_category"]]
        a.total(t[fld], cells)
    for r in f["by_category"]:
        # A category is listed only if it had an incident in one of its three periods.
        names = [f"cat.{r['code']}.{fld}" for fld in fields]
        a.at_least(names, 1)
    cat_in_base = [
        fld
        for fld, key in (("previous", "previous_period"), ("last_year", "last_year_period"))
        if f[key]["label"] in base_labels
    ]
    for r in f["by_category"]:
        code = r["code"]
        two_sample_z(a, f"cat.{code}.count", f"cat.{code}.baseline_total", m, r.get("z"))
        a.rate(f"cat.{code}.baseline_total", r.get("baseline_mean"), 100_000 * m, digits=2)
        parts = [f"cat.{code}.{fld}" for fld in cat_in_base]
        if parts and len(parts) == len(base_labels):
            a.total(f"cat.{code}.baseline_total", parts)
        elif parts:
            a.at_most(parts, f"cat.{code}.baseline_total")

    for fld in ("count", "previous"):
        cells = [a.figure(f"child.{r['code']}.{fld}", r[fld]) for r in f["by_child_area"]]
        if cells:
            (a.total(t[fld], cells) if children_cover else a.at_most(cells, t[fld]))
    for r in f["by_child_area"]:
        a.rate(f"child.{r['code']}.count", r.get("rate_per_100k"), r.get("population"))

    grid = [
        a.figure(f"grid.{d}.{h}", v)
        for d, row in enumerate(f["weekday_hour"])
        for h, v in enumerate(row)
    ]
    a.total(t["count"], grid)

    cov = f["coverage"]
    kinds = {r["kind"]: a.figure(f"kind.{r['kind']}", r["count"]) for r in cov["by_kind"]}
    parts: dict[str, list[str]] = {}
    for i, r in enumerate(cov["by_organisation"]):
        parts.setdefault(r["kind"], []).append(a.figure(f"org.{i}", r["count"]))
    for kind, names in parts.items():
        a.total(kinds[kind], names)
    a.total(t["count"], list(kinds.values()))
    a.at_most([a.figure("reporters", cov["reporters"])], t["count"])

    hot = f["hotspots"]
    if hot.get("n_points") is not None:
        n_points = a.figure("hot.n_points", hot["n_points"])
        a.at_most([n_points], t["count"])
        cells = [a.figure(f"hot.cell.{i}", c["count"]) for i, c in enumerate(hot["cells"])]
        if cells:
            a.at_most(cells, n_points)
        if "n_cells" in hot:
            a.at_most([a.figure("hot.n_cells", hot["n_cells"])], n_points)
    return a


def _hidden(f):
    yield from (v for v in f["totals"].values() if isinstance(v, str))
    for r in f["by_category"] + f["by_child_area"]:
        yield from (v for v in r.values() if v in ("<3", ".."))


@pytest.mark.parametrize("audience", ["shared", "public"])
def test_lp_attack_on_a_municipal_picture_recovers_nothing(small_world, audience):
    w = small_world
    f = build_for_period(w.m1, MARCH, partnership=w.p1, audience=audience)
    assert any(True for _ in _hidden(f)), "the scene must hide something"
    attack = attack_picture(f)
    assert attack.breaches() == []


@pytest.mark.parametrize("period", ["2025-03", "2025-W10", "2025-T1"])
def test_lp_attack_on_other_periods_recovers_nothing(small_world, period):
    w = small_world
    f = build_for_period(w.m1, periods.parse(period), partnership=w.p1, audience="shared")
    assert attack_picture(f).breaches() == []


def test_lp_attack_on_a_county_picture_recovers_nothing(small_world):
    w = small_world
    f = build_for_period(w.county, MARCH, audience="shared")
    assert f["composed_from_children"]
    assert attack_picture(f).breaches() == []


def test_a_suppressed_total_takes_its_derived_figures_along(world, make):
    world.m1.population = 12_345
    world.m1.save(update_fields=["population"])
    make("vandalism", local(2025, 2, 5, 12), n=9, organisation_id=world.kommun.pk)
    make("vandalism", local(2025, 3, 5, 12), n=1, organisation_id=world.kommun.pk)
    f = build_for_period(world.m1, MARCH, partnership=world.p1, audience="shared")
    totals = f["totals"]
    assert totals["count"] == "<3"
    # Each of these gives the count back: the rate with the population, z with the 9.
    assert totals["rate_per_100k"] is None
    assert totals["z"] is None and totals["p"] is None and totals["flag"] is None
    assert f["trend"][-1]["count"] == "<3"
    assert f["hotspots"]["n_points"] in ("<3", "..")
    page = html.render_text(f)
    assert "1 händelser" not in page and "12345" not in page.replace("\u00a0", "")
    assert attack_picture(f).breaches() == []


def test_secondary_cells_are_never_labelled_small(small_world):
    w = small_world
    f = build_for_period(w.m1, MARCH, partnership=w.p1, audience="shared")
    truth = build_for_period(w.m1, MARCH, partnership=w.p1, audience="internal")
    by = {r["code"]: r for r in truth["by_category"]}
    for r in f["by_category"]:
        for fld in ("count", "previous", "last_year"):
            if r[fld] == "<3":
                assert 1 <= by[r["code"]][fld] <= 2


def test_shared_hot_spot_statistics_use_published_cells_only(world, make):
    """Gi* sums a cell's neighbours: with hidden cells in it, z would reveal them."""
    org = world.kommun.pk

    def hot_cells():
        f = build_for_period(world.m1, MARCH, partnership=world.p1, audience="shared")
        return {c["cell"]: (c["count"], c["z"], c["hot"]) for c in f["hotspots"]["cells"]}

    for i, (lon, lat, n) in enumerate([(15.30, 59.30, 6), (15.31, 59.30, 4), (15.6, 59.7, 3)]):
        make("vandalism", local(2025, 3, 3 + i, 12), n=n, lon=lon, lat=lat, organisation_id=org)
    make("vandalism", local(2025, 3, 20, 12), n=8, lon=15.4, lat=59.4, organisation_id=org)
    before = hot_cells()
    # Singletons next to the busy cells, hidden in the shared picture.
    for lon, lat in [(15.302, 59.301), (15.312, 59.302), (15.601, 59.701)]:
        make("vandalism", local(2025, 3, 25, 12), n=1, lon=lon, lat=lat, organisation_id=org)
    assert hot_cells() == before


def test_map_legend_does_not_call_a_hidden_area_small():
    from samverkan.situation.exports import charts

    box = square(15, 59, 16, 60)
    figures = {"by_child_area": [{"code": "a", "count": ".."}, {"code": "b", "count": "<3"}]}
    svg = charts.map_svg(figures, box, {"a": box, "b": box})
    assert "dolt (..)" in svg
    figures["by_child_area"][0]["count"] = 7
    assert "dolt" not in charts.map_svg(figures, box, {"a": box, "b": box})
