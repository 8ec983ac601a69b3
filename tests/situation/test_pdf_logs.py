"""Logs stay readable: rendering a lägesbild PDF does not flood them with WeasyPrint's
warnings about CSS it ignores (docs/operations.md, Faults)."""

from __future__ import annotations

import logging

from django.urls import reverse

from samverkan.core import periods
from samverkan.situation import services
from tests.situation.conftest import local


def test_a_lagesbild_pdf_logs_fewer_than_five_lines(world, make, client_for, caplog):
    make("vandalism", local(2025, 3, 5, 12), n=6, organisation_id=world.kommun.pk)
    report = services.create_report(
        world.m1, periods.parse("2025-03"), world.p1, world.users["coordinator"]
    )
    client = client_for(world.users["coordinator"])
    url = reverse("situation-export", args=[report.pk]) + "?format=pdf"
    # The levels of the project's LOGGING setting, as in production: caplog only listens.
    caplog.set_level(logging.NOTSET)
    logging.getLogger().setLevel(logging.INFO)
    caplog.clear()
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    lines = [f"{r.name}: {r.getMessage()}" for r in caplog.records]
    assert len(lines) < 5, lines
