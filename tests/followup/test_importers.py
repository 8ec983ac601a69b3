"""External series as they are downloaded: Brå's export, SSB's table, a safety survey."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from samverkan.core.models import Area, Partnership
from samverkan.followup import importers, services
from samverkan.followup.models import Indicator, IndicatorValue


@pytest.fixture
def boden(world):
    area = Area.objects.create(
        code="2582", name="Boden", level="municipality", country="SE", population=28055
    )
    p = Partnership.objects.create(name="Samverkan Boden")
    p.areas.set([area])
    return p


@pytest.fixture
def halden(world):
    halden = Area.objects.create(code="3101", name="Halden", level="municipality", country="NO")
    oslo = Area.objects.create(
        code="0301", name="Oslo", level="municipality", country="NO", population=717710
    )
    p = Partnership.objects.create(name="Samarbeid Halden")
    p.areas.set([halden, oslo])
    return p


def test_bra_excerpt(shared_data, boden):
    data = (shared_data / "se-bra-reported-crime-excerpt.csv").read_bytes()
    parsed = importers.parse_bra(data)
    assert len(parsed.rows) == 5
    report = services.import_series(parsed, boden, "bra")
    assert report.indicators_created == 5 and report.values_created == 5
    total = Indicator.objects.get(partnership=boden, series_key="13192")
    assert total.name == "Totalt antal brott – Boden"
    v = total.values.get()
    assert (v.period_start, v.months, v.value, v.preliminary) == (date(2026, 8, 1), 1, 225, True)
    # Rate per 100,000 from the area's population (SCB, 28,055): 225 / 28055 * 1e5.
    assert v.rate == pytest.approx(225 / 28055 * 100_000)
    assert v.rate == pytest.approx(802.0, abs=0.05)
    # Re-running the same file adds nothing.
    again = services.import_series(importers.parse_bra(data), boden, "bra")
    assert (again.indicators_created, again.values_created, again.unchanged) == (0, 0, 5)


def test_bra_rate_falls_back_to_bra_figure_without_population(shared_data, boden):
    Area.objects.filter(code="2582").update(population=None)
    data = (shared_data / "se-bra-reported-crime-excerpt.csv").read_bytes()
    services.import_series(importers.parse_bra(data), boden, "bra", series=["13192"])
    assert IndicatorValue.objects.get().rate == 786.0


def test_ssb_file(shared_data, halden):
    data = (shared_data / "no-ssb-reported-offences-by-municipality.csv").read_bytes()
    parsed = importers.parse_ssb(data)
    report = services.import_series(parsed, halden, "ssb", series=["eiendomstyveri"])
    assert report.indicators_created == 2
    ind = Indicator.objects.get(area__code="3101")
    values = list(ind.values.order_by("period_start"))
    # Halden's two-year averages of property theft, as in SSB's table.
    assert [(v.period_start.year, v.months) for v in values] == [
        (2020, 24),
        (2021, 24),
        (2022, 24),
        (2023, 24),
    ]
    assert values[0].value == 369.0  # the row "Halden",3101,"2020-2021",... eiendomstyveri
    assert values[0].label == "2020–2021"
    # Oslo's komnr 301 is matched to kommunenummer 0301; its rate uses the population.
    oslo = Indicator.objects.get(area__code="0301").values.order_by("period_start").first()
    assert oslo.value == 22254.0
    assert oslo.rate == pytest.approx(22254 / 717710 * 100_000)
    assert "0 Norge" in parsed.unknown_areas  # the national total is no municipality


def test_ssb_na_gives_no_value(halden):
    text = (
        '"navn","komnr","år","gjerningssted","g_komnr","alt","eiendomstyveri"\n'
        '"Halden",3101,"2020-2021","3001 Halden (2020-2023)",3001,3116,NA\n'
    )
    parsed = importers.parse_ssb(text)
    assert parsed.suppressed == 1
    assert [(r.series_key, r.value) for r in parsed.rows] == [("alt", 3116.0)]


def test_survey(world):
    csv = (
        "område;period;fråga;andel;antal_svarande\n"
        "9901;2024;Känner sig trygg utomhus på kvällen;61,5;812\n"
        "Norrby;2025;Känner sig trygg utomhus på kvällen;66,0;790\n"
    )
    parsed = importers.parse_survey(csv)
    report = services.import_series(parsed, world.p1, "survey")
    ind = Indicator.objects.get(pk=report.indicator_ids[0])
    assert ind.value_type == Indicator.ValueType.SHARE
    assert [(v.value, v.sample_size, v.months, v.rate) for v in ind.values.all()] == [
        (61.5, 812, 12, None),
        (66.0, 790, 12, None),
    ]


def test_survey_proportions_become_percent(world):
    csv = "area,period,question,share,n\n9901,2025-T1,Trygg,0.42,300\n"
    assert importers.parse_survey(csv).rows[0].value == pytest.approx(42.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("område;period;fråga;andel;antal_svarande\n9901;2025;Q;abc;10\n", "Rad 2, kolumn andel"),
        ("område;period;fråga;andel;antal_svarande\n9901;2025-X;Q;50;10\n", "Rad 2, kolumn period"),
        ("område;period;fråga;andel;antal_svarande\n9901;2025;Q;50;0\n", "antal_svarande"),
        ("område;period;andel\n9901;2025;50\n", "saknas"),
    ],
)
def test_survey_errors_name_row_and_column(world, text, message):
    with pytest.raises(importers.ImportFileError, match=message):
        importers.parse_survey(text)


def test_bad_row_writes_nothing(shared_data, boden):
    text = (shared_data / "se-bra-reported-crime-excerpt.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[3] = lines[3].replace(",225.0,", ",tvåhundra,")
    with pytest.raises(importers.ImportFileError, match="Rad 4, kolumn Antal"):
        importers.parse_bra("\n".join(lines))
    assert not Indicator.objects.filter(partnership=boden).exists()


def test_nothing_for_the_partnership(shared_data, world):
    data = (shared_data / "se-bra-reported-crime-excerpt.csv").read_bytes()
    Area.objects.create(code="2582", name="Boden", level="municipality", country="SE")
    with pytest.raises(importers.ImportFileError, match="samverkans områden"):
        services.import_series(importers.parse_bra(data), world.p1, "bra")


def test_import_command(shared_data, boden, capsys):
    path = shared_data / "se-bra-reported-crime-excerpt.csv"
    call_command(
        "import_indicator", str(path), format="bra", partnership=str(boden.pk), series=["13192"]
    )
    assert "1 nya värden" in capsys.readouterr().out
    call_command("import_indicator", str(path), format="bra", partnership="Samverkan Boden")
    assert "4 nya värden, 0 ändrade, 1 oförändrade" in capsys.readouterr().out
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_indicator", "/nonexistent.csv", format="bra", partnership="1")
