"""A CSV field beyond the csv module's limit is a clear error naming row and column (issue 13).

``csv.field_size_limit()`` is 131,072 characters; a longer field raised a bare csv.Error:
a 500 from the upload views and a traceback from ``import_indicator``.
"""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from samverkan.core.models import Area
from samverkan.followup import importers
from samverkan.followup.models import ExperienceEntry, IndicatorValue

LONG = "x" * (csv.field_size_limit() + 1)
BRA_HEADER = "Period_start,Period_slut,Kommun,Brott,Brott_ID,Antal\n"
BRA_ROW = "2026-08-01,2026-08-31,Norrby,Totalt antal brott,13192,{n}\n"


def _bra(long_row: int, quoted: bool = True, delimiter: str = ",") -> str:
    rows = [BRA_ROW.format(n=i) for i in range(1, 5)]
    field = f'"{LONG}"' if quoted else LONG
    rows[long_row - 2] = f"2026-08-01,2026-08-31,Norrby,{field},13192,9\n"
    return (BRA_HEADER + "".join(rows)).replace(",", delimiter)


@pytest.mark.parametrize("long_row", [2, 3, 5])
@pytest.mark.parametrize("quoted", [True, False])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_parser_names_row_and_column(world, long_row, quoted, delimiter):
    with pytest.raises(importers.ImportFileError) as caught:
        importers.parse_bra(_bra(long_row, quoted, delimiter))
    assert str(caught.value).startswith(f"Rad {long_row}, kolumn Brott: fältet är längre än")


def test_a_long_field_spanning_lines_is_named_too(world):
    field = '"' + "rad\n" * 40_000 + '"'
    text = BRA_HEADER + BRA_ROW.format(n=1) + f"2026-08-01,2026-08-31,Norrby,x,{field},9\n"
    with pytest.raises(importers.ImportFileError, match="^Rad 3, kolumn Brott_ID: "):
        importers.parse_bra(text)


def test_a_long_header_is_named_as_row_1(world):
    text = f"Period_start,{LONG}\n" + BRA_ROW.format(n=1)
    with pytest.raises(importers.ImportFileError, match="^Rad 1, kolumn nr 2: "):
        importers.parse_bra(text)


@pytest.mark.parametrize(
    "fmt, header, row",
    [
        ("ssb", "navn,komnr,år,alt\n", '"{long}",3101,2024,5\n'),
        ("survey", "område,period,fråga,andel,antal_svarande\n", '9901,2025,"{long}",34,200\n'),
    ],
)
def test_every_format_names_row_and_column(world, fmt, header, row):
    text = header + row.format(long=LONG)
    with pytest.raises(importers.ImportFileError, match="^Rad 2, kolumn "):
        importers.parse(fmt, text)


def test_upload_view_shows_the_error_on_the_form(world, client):
    client.raise_request_exception = False
    client.force_login(world.users["coordinator"])
    upload = importers.io.BytesIO(_bra(3).encode())
    upload.name = "bra.csv"
    response = client.post(
        reverse("followup-import", args=[world.p1.pk]), {"format": "bra", "file": upload}
    )
    assert response.status_code == 200
    assert "Rad 3, kolumn Brott: fältet är längre än 131 072 tecken" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_bank_import_view_shows_the_error_on_the_form(world, client):
    client.raise_request_exception = False
    client.force_login(world.users["coordinator"])
    text = "rubrik,problemtyp\nBelysning i gångtunneln,otrygghet\n" + f'"{LONG}",otrygghet\n'
    upload = importers.io.BytesIO(text.encode())
    upload.name = "bank.csv"
    response = client.post(reverse("followup-bank-import"), {"file": upload})
    assert response.status_code == 200
    assert "Rad 3, kolumn rubrik: fältet är längre än 131 072 tecken" in response.content.decode()
    assert not ExperienceEntry.objects.exists()


def test_command_stops_with_the_message(world, tmp_path):
    Area.objects.filter(pk=world.m1.pk).update(country="SE")
    path = tmp_path / "bra.csv"
    path.write_text(_bra(4), encoding="utf-8")
    with pytest.raises(CommandError, match="^Rad 4, kolumn Brott: fältet är längre än"):
        call_command("import_indicator", str(path), format="bra", partnership=str(world.p1.pk))
    assert not IndicatorValue.objects.exists()
