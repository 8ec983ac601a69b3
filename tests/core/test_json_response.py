"""The maps' JSON writer (samverkan/core/json_response.py) against the standard library's.

Reference: Python's ``json`` module with Django's ``DjangoJSONEncoder``, which wrote these
answers before: every document must read back to the same value.
"""

import datetime
import json
import math
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy, override

from samverkan.core.json_response import JSONResponse, dumps


def test_same_document_as_the_standard_encoder():
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [15.1757, 59.2928]},
                "properties": {
                    "name": 'Klotter "väggen" <script>alert(1)</script> 2026-12-06 05:24',
                    "url": "/handelser/48481/",
                    "count": 3,
                    "share": 0.125,
                    "missing": None,
                    "flag": True,
                },
            }
        ],
    }
    written = dumps(data)
    assert isinstance(written, bytes)
    assert json.loads(written) == json.loads(json.dumps(data, cls=DjangoJSONEncoder)) == data
    # Compact UTF-8: Swedish letters as themselves, no spaces after separators.
    assert "väggen".encode() in written
    assert b'", "' not in written


def test_values_only_django_knows_are_written_as_django_wrote_them():
    with override("sv"):
        data = {
            "label": gettext_lazy("Område"),
            "amount": Decimal("12.50"),
            "span": datetime.timedelta(days=1, hours=2),
        }
        expected = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
        assert json.loads(dumps(data)) == expected
    assert expected["label"] == "Område"


def test_dates_read_back_as_the_same_moment():
    moment = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)
    data = {"at": moment, "day": datetime.date(2026, 12, 6)}
    read = json.loads(dumps(data))
    assert datetime.datetime.fromisoformat(read["at"]) == moment
    assert read["day"] == "2026-12-06"


def test_not_a_number_is_null_not_invalid_json():
    # The standard encoder writes NaN, which no strict JSON reader (a browser's JSON.parse)
    # accepts.
    assert json.loads(dumps({"x": math.nan, "y": math.inf})) == {"x": None, "y": None}


def test_unknown_values_are_refused_not_written_as_text():
    with pytest.raises(TypeError):
        dumps({"x": object()})


def test_response_is_json_with_status_and_headers():
    response = JSONResponse({"a": "å"}, status=201)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"a": "å"}
