"""The report page's tables come from the frozen figures alone (situation.presentation):
labels in the reader's language, click-through links, the most significant hot cells."""

from __future__ import annotations

from samverkan.situation.presentation import HOT_CELLS_SHOWN, report_tables


def _figures(n_cells: int) -> dict:
    return {
        "by_category": [
            {"code": "skadegorelse", "label": "Skadegörelse", "labels": {"en": "Vandalism"}},
            {"code": "stold", "label": "Stöld", "labels": {}},
        ],
        "by_child_area": [{"code": "vivalla", "name": "Vivalla"}],
        "hotspots": {
            "cells": [{"cell": f"c{i}", "z": float(i), "hot": i % 2 == 0} for i in range(n_cells)]
        },
        "coverage": {"by_organisation": [{"kind": "public_source", "name": "Polisen"}]},
        "notable": [{"date": "2026-08-03T21:15:00+02:00", "type": "Skottlossning"}],
    }


def test_labels_follow_the_language_and_fall_back_to_swedish():
    tables = report_tables(_figures(0), None, "en")
    assert [c["display_label"] for c in tables["categories"]] == ["Vandalism", "Stöld"]
    assert all(c["incidents_url"] is None for c in tables["categories"])
    assert tables["coverage"][0]["kind_label"] == "Öppen källa"
    assert tables["notable"][0]["when"].hour == 21


def test_links_are_attached_where_the_reader_may_follow_them():
    links = {"categories": {"stold": "/handelser/?kategori=stold"}, "children": {"vivalla": "/v"}}
    tables = report_tables(_figures(0), links, "sv")
    assert [c["incidents_url"] for c in tables["categories"]] == [
        None,
        links["categories"]["stold"],
    ]
    assert tables["child_areas"][0]["incidents_url"] == "/v"


def test_only_significant_cells_are_listed_most_significant_first_and_capped():
    cells = report_tables(_figures(2 * HOT_CELLS_SHOWN + 10), None, "sv")["hot_cells"]
    assert len(cells) == HOT_CELLS_SHOWN
    assert all(c["hot"] for c in cells)
    z = [c["z"] for c in cells]
    assert z == sorted(z, reverse=True) and z[0] == 2 * HOT_CELLS_SHOWN + 8
