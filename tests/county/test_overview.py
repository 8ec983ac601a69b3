"""The county board's overview: status per municipality, shared figures only, exports."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from samverkan.core.models import Area, AuditEvent
from samverkan.plans import workflow as plan_workflow
from samverkan.plans.models import ActionPlan, CitizenPromise
from samverkan.situation import workflow
from samverkan.situation.models import Audience, SituationReport
from tests.conftest import square

# A standalone 1 or 2: not part of a date, a larger number or "<3".
SMALL = re.compile(r"(?<![\d.,:<\-/])[12](?![\d.,:\-/])")
# Figures only in pictures the municipality did not share: they must appear nowhere.
SECRET = ("4321", "9876")


def report(
    area,
    partnership,
    totals,
    *,
    status=workflow.SHARED,
    audience=Audience.SHARED,
    period_type="month",
    label="2026-08",
    approved=datetime(2026, 9, 2, tzinfo=UTC),
):
    return SituationReport.objects.create(
        area=area,
        partnership=partnership,
        period_type=period_type,
        period_start=datetime(2026, 8, 1, tzinfo=UTC),
        period_end=datetime(2026, 9, 1, tzinfo=UTC),
        period_label=label,
        audience=audience,
        status=status,
        snapshot={"period": {"name": f"Period {label}"}, "totals": totals},
        approved_at=approved if status in (workflow.APPROVED, workflow.SHARED) else None,
    )


@pytest.fixture
def county(world):
    w = world
    w.m1.population, w.m2.population = 50_000, 20_000
    w.m1.save(), w.m2.save()
    w.m3 = Area.objects.create(
        code="9903",
        name="Mellanby",
        level="municipality",
        parent=w.county,
        geometry=square(15, 58, 17, 59),
        population=10_000,
    )
    district = Area.objects.create(
        code="9901-1", name="Norrby centrum", level="district", parent=w.m1
    )
    # Norrby shared a monthly picture; its internal one and a draft hold figures never shared.
    report(w.m1, w.p1, {"count": 120, "previous": 100, "last_year": 90})
    report(
        w.m1,
        w.p1,
        {"count": 4321, "previous": 1, "last_year": 2},
        audience=Audience.INTERNAL,
        status=workflow.APPROVED,
        label="2026-09",
    )
    report(w.m1, w.p1, {"count": 9876}, status=workflow.DRAFT, label="2026-10")
    # Söderby's shared picture hides small counts; one small number slipped through unprotected.
    report(w.m2, w.p2, {"count": 2, "previous": "<3", "last_year": 1, "rate_per_100k": 10.0})
    # Mellanby shared nothing.
    ActionPlan.objects.create(
        partnership=w.p1,
        area=w.m1,
        title="Plan",
        start_year=2026,
        end_year=2027,
        status=plan_workflow.ADOPTED,
        adopted_by="KF",
        adopted_on=date(2026, 3, 4),
    )
    ActionPlan.objects.create(
        partnership=w.p2,
        area=w.m2,
        title="Utkast",
        start_year=2026,
        end_year=2027,
    )
    CitizenPromise.objects.create(
        partnership=w.p1,
        area=district,
        year=2026,
        title="Löfte",
        text="t",
        signatory_municipality="a",
        signatory_police="b",
        published=True,
        published_at=datetime(2026, 5, 6, tzinfo=UTC),
    )
    CitizenPromise.objects.create(
        partnership=w.p2,
        area=w.m2,
        year=2026,
        title="Opublicerat",
        text="t",
        signatory_municipality="a",
        signatory_police="b",
    )
    return w


def row_html(body: str, code: str) -> str:
    return re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', body, re.DOTALL).group(1)


def cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.DOTALL)
    ]


def test_page_shows_every_municipality_with_status_and_shared_figures(county, client_for):
    c = client_for(county.users["regional"])
    body = c.get(reverse("county-overview")).content.decode()
    norrby, soderby, mellanby = (
        cells(row_html(body, a.code)) for a in (county.m1, county.m2, county.m3)
    )
    assert norrby[:4] == [
        "Norrby",
        "Delad, fastställd 2026-09-02",
        "Antagen 2026-03-04",
        "Publicerade",
    ]
    # Then incidents per 1,000 (120 / 50,000) and resource hours (none shared: a dash).
    assert norrby[5:] == ["120", "100", "90", "240,0", "2,4", "–"]
    assert soderby[1:4] == ["Delad, fastställd 2026-09-02", "Ingen antagen", "Inga publicerade"]
    # The count is withheld, so its rate is too (the stored rate is not trusted either).
    assert soderby[5:] == ["&lt;3", "&lt;3", "&lt;3", "dold", "–", "–"]
    assert mellanby[1:4] == ["Ingen delad", "Ingen antagen", "Inga publicerade"]
    assert mellanby[5:] == ["–"] * 6
    for secret in SECRET:
        assert secret not in body
    for row in (norrby, soderby, mellanby):
        assert not SMALL.search(" ".join(row[4:])), row
    # The map: every municipality labelled, the legend, the hidden one hatched.
    assert "senaste delade lägesbilden per månad." in body
    svg = body[body.index('id="county-map"') :]
    for name in (
        "Norrby",
        "Söderby",
        "Mellanby",
        "Händelser per 100 000 invånare",
        "Dold (färre än 3)",
        "Ingen delad lägesbild",
    ):
        assert name in svg
    assert "hatch" in svg or "<pattern" in svg


def test_xlsx_holds_shared_figures_only_and_is_formula_escaped(county, client_for):
    county.m3.name = '=HYPERLINK("x")'
    county.m3.save()
    c = client_for(county.users["regional"])
    resp = c.get(reverse("county-export"), {"format": "xlsx"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["9901"][8:12] == (120, 100, 90, 240.0)
    assert rows["9902"][8:12] == ("<3", "<3", "<3", "dold")
    assert rows["9903"][0] == '\'=HYPERLINK("x")'
    values = [v for r in rows.values() for v in r]
    # No count below 3 (rates per 1 000 may be small: they are not counts).
    counts = [v for r in rows.values() for v in r[8:11]]
    assert not [v for v in counts if isinstance(v, int | float) and 0 < v < 3]
    # A hidden count hides its rates too.
    assert rows["9902"][11:13] == ("dold", None)
    assert not [v for v in values if str(v) in SECRET]
    event = AuditEvent.objects.get(action="county.export")
    assert event.details["format"] == "xlsx" and event.details["county"] == "99"


def test_pdf_text_has_no_small_or_unshared_figure(county, client_for, tmp_path):
    c = client_for(county.users["regional"])
    resp = c.get(reverse("county-export"), {"format": "pdf"})
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    path = tmp_path / "lan.pdf"
    path.write_bytes(resp.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    for name in ("Norrby", "Söderby", "Mellanby", "Länsöversikt Testlän"):
        assert name in text
    assert "senaste delade lägesbilden per månad." in " ".join(text.split())
    soderby = next(line for line in text.splitlines() if "Söderby" in line and "9902" in line)
    assert "<3" in soderby and not SMALL.search(soderby.split("9902", 1)[1])
    for secret in SECRET:
        assert secret not in text


def test_monthly_and_tertial_pictures_are_not_mixed(county, client_for):
    report(
        county.m3,
        None,
        {"count": 50, "previous": 40, "last_year": 30},
        period_type="tertial",
        label="2026-T2",
    )
    c = client_for(county.users["regional"])
    monthly = c.get(reverse("county-overview")).content.decode()
    assert cells(row_html(monthly, "9903"))[5:] == ["–"] * 6
    tertial = c.get(reverse("county-overview"), {"period": "tertial"}).content.decode()
    assert cells(row_html(tertial, "9903"))[5:] == ["50", "40", "30", "500,0", "5,0", "–"]
    assert cells(row_html(tertial, "9901"))[5:] == ["–"] * 6


def test_only_the_county_board_and_only_its_own_county(county, client_for, django_user_model):
    from samverkan.core.models import Membership, Organisation
    from samverkan.core.roles import Role

    for key in ("coordinator", "steering", "other_coordinator"):
        assert client_for(county.users[key]).get(reverse("county-overview")).status_code == 403
    # A superuser passes every permission (the menu offers "Länet") but reaches no county
    # as a county board: the page says so, and a county named in the address stays a 404.
    admin = client_for(county.users["sysadmin"])
    page = admin.get(reverse("county-overview"))
    assert page.status_code == 200 and 'id="no-county"' in page.content.decode()
    assert "Norrby" not in page.content.decode()
    assert admin.get(reverse("county-overview"), {"lan": "99"}).status_code == 404
    other_county = Area.objects.create(code="98", name="Annat län", level="county")
    u = django_user_model.objects.create_user("annat-lan", password="x")
    m = Membership.objects.create(
        user=u,
        organisation=Organisation.objects.get(name="Länsstyrelsen i Testlän"),
        role=Role.REGIONAL_VIEWER,
    )
    m.areas.add(other_county)
    c = client_for(u)
    assert c.get(reverse("county-overview"), {"lan": "99"}).status_code == 404
    body = c.get(reverse("county-overview")).content.decode()
    assert "Annat län" in body and "Norrby" not in body
