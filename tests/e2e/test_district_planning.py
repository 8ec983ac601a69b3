"""Planning per district in the browser: a coordinator makes an indicator and an effect
goal for one of Örebro's (demo) districts, then evaluates a measure with a treated area, a
comparison area and a buffer zone chosen from the districts, is told clearly when the
buffer is the comparison area, and sees the three areas named on the evaluation's map."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.demo import districts as demo_districts
from samverkan.followup.models import EffectGoal, Evaluation, Indicator
from samverkan.incidents.models import Category
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _district(name: str) -> Area:
    return Area.objects.get(
        level="district", code__startswith=demo_districts.CODE_PREFIX, name__startswith=name
    )


def _option(area: Area) -> str:
    return f"{area.name} ({area.get_level_display()})"


def test_district_indicator_goal_and_evaluation_map(page, live_server, demo_world):
    from samverkan.plans.models import ActionPlan, Measure

    if not Category.objects.filter(code="vandalism").exists():
        # An earlier browser test flushed the taxonomy that the data migration loads.
        importlib.import_module("samverkan.incidents.migrations.0002_default_taxonomy").load(
            apps, None
        )
    demo_districts.load_districts("Samverkan Örebro", log=lambda *_: None)
    vivalla, varberga, vasthaga = (
        _district("Vivalla"),
        _district("Varberga"),
        _district("Västhaga"),
    )
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    plan = ActionPlan.objects.create(
        partnership=partnership, title="Trygg i Örebro", start_year=2025, end_year=2026
    )
    Measure.objects.create(
        plan=plan,
        title="Belysning vid Vivalla centrum",
        area=vivalla,
        target_side="place",
        owner=Organisation.objects.get(name="Örebro kommun"),
        start=date(2025, 5, 1),
        end=date(2025, 8, 31),
        status="ongoing",
    )

    user = demo_world["samordnare"]
    login(page, live_server, user.username, user.password)
    page.get_by_role("link", name="Uppföljning").first.click()
    page.get_by_role("link", name="Samverkan Örebro").click()

    # An indicator for the district of Vivalla, and an effect goal on it.
    page.get_by_role("link", name="Ny indikator").click()
    page.get_by_label("Namn", exact=True).fill("Skadegörelse i Vivalla")
    page.get_by_label("Område", exact=True).select_option(label=_option(vivalla))
    page.get_by_label("Kategorier", exact=True).select_option(label="Skadegörelse")
    page.get_by_role("button", name="Spara indikator").click()
    page.wait_for_selector("text=Indikatorn är skapad.")
    assert Indicator.objects.get(name="Skadegörelse i Vivalla").area == vivalla
    page.get_by_role("link", name="Nytt effektmål").click()
    page.get_by_label("Effektmål", exact=True).fill("Halverad skadegörelse i Vivalla")
    page.get_by_label("Basperiod", exact=True).fill("2024")
    page.get_by_label("Basvärde", exact=True).fill("40")
    page.get_by_label("Målvärde", exact=True).fill("20")
    page.get_by_label("Ska vara uppnått", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Spara effektmål").click()
    page.wait_for_selector("text=Effektmålet är sparat.")
    assert EffectGoal.objects.get().indicator.area == vivalla
    page.get_by_role("link", name="Samverkan Örebro").click()
    assert page.get_by_role("cell", name=vivalla.name, exact=False).count() >= 1

    # Evaluate the measure: treated Vivalla, compared with Varberga, buffer Västhaga.
    page.get_by_role("link", name="Utvärdera Belysning vid Vivalla centrum").click()
    assert page.get_by_label("Insatsområde", exact=True).input_value() == str(vivalla.pk)
    assert page.get_by_role("link", name="Rita ett eget område på kartan").count() == 1
    page.get_by_label("Upplägg", exact=True).select_option("buffer")
    page.get_by_label("Jämförelseområde", exact=True).select_option(label=_option(varberga))
    page.get_by_label("Buffertzon", exact=True).select_option(label=_option(varberga))
    page.get_by_label("Före: från", exact=True).fill("2024-05-01")
    page.get_by_label("Före: till och med", exact=True).fill("2024-08-31")
    page.get_by_label("Efter: från", exact=True).fill("2025-05-01")
    page.get_by_label("Efter: till och med", exact=True).fill("2025-08-31")
    page.get_by_role("button", name="Beräkna och spara").click()
    page.wait_for_selector("text=Buffertzonen måste vara en annan än jämförelseområdet.")
    assert not Evaluation.objects.exists()
    page.get_by_label("Buffertzon", exact=True).select_option(label=_option(vasthaga))
    page.get_by_role("button", name="Beräkna och spara").click()
    page.wait_for_selector("text=Utvärderingen är beräknad och sparad.")
    ev = Evaluation.objects.get()
    assert (ev.treated_area, ev.comparison_area, ev.buffer_area) == (vivalla, varberga, vasthaga)

    # The map names the three areas by their role, coloured as the legend says.
    page.wait_for_selector("#evaluation-map[data-styled]")
    assert page.locator("#evaluation-map").get_attribute("data-loaded") == "3"
    labels = page.locator("#evaluation-map .leaflet-tooltip.area-label").all_inner_texts()
    for role, area in (
        ("Insatsområde", vivalla),
        ("Jämförelseområde", varberga),
        ("Buffertzon", vasthaga),
    ):
        short = area.name.split(" (")[0]
        assert any(t.startswith(role) and short in t for t in labels), labels
    colours = page.locator("#evaluation-map path.leaflet-interactive").evaluate_all(
        "els => els.map(e => e.getAttribute('stroke'))"
    )
    assert sorted(colours) == sorted(["#1d4f91", "#57606a", "#9a6700"])
    # Under them, the municipality's other districts, outlined and named for orientation;
    # the three areas are not drawn twice.
    page.wait_for_selector("#evaluation-map[data-areas-loaded]")
    around = Area.objects.filter(parent=vivalla.parent).exclude(
        pk__in=[vivalla.pk, varberga.pk, vasthaga.pk]
    )
    loaded = page.locator("#evaluation-map").get_attribute("data-areas-loaded")
    assert loaded == str(around.count()) and around.count() > 5
    labels = page.locator("#evaluation-map .leaflet-tooltip.area-label").all_inner_texts()
    names = {a.name.split(" (")[0] for a in around}
    assert len([t for t in labels if t in names]) >= 3, labels
    assert not any(t == vivalla.name.split(" (")[0] for t in labels), labels
    screenshot(page, "evaluation-district-map")

    # The plans overview narrowed to Vivalla lists the measure done there.
    page.get_by_role("link", name="Problem och planer").first.click()
    page.get_by_label("Område", exact=True).select_option(label=_option(vivalla))
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_selector(f"text=Åtgärder i {vivalla.name}")
    assert page.get_by_role("cell", name="Belysning vid Vivalla centrum").count() == 1
    screenshot(page, "plans-district-filter")
