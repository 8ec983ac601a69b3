"""The county board's start-page panel: what the county shared, the digest, the next meeting."""

from __future__ import annotations

import re

from django.urls import reverse

from samverkan.county import services
from tests.county.test_digest import network_world  # noqa: F401 (fixture)


def _panel(client_for, user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    found = re.findall(
        r'<section class="card" data-panel="county.overview">.*?</section>', page, re.DOTALL
    )
    return " ".join(re.sub(r"\s+", " ", f) for f in found)


def test_the_board_sees_its_county_at_a_glance(network_world, client_for):  # noqa: F811
    w = network_world
    panel = _panel(client_for, w.board)
    assert "Testlän" in panel and "Annatlän" not in panel
    # Both municipalities shared August; a draft or internal picture is not sharing.
    assert "2 av 2 kommuner har delat en lägesbild med länet." in panel
    assert "augusti 2026" in panel
    assert "Inget nätverksbrev ännu." in panel
    # The next meeting of this county, not a past one and not another county's.
    assert "Nätverksträff" in panel and "Förra" not in panel and "Deras" not in panel
    # No figure of any picture reaches the start page.
    for secret in ("120", "4321", "7777", "9876", "5555"):
        assert secret not in panel

    services.create_digest(w.board, w.county, "month", "2026-08", "Hej!")
    panel = _panel(client_for, w.board)
    assert "Nätverksbrev under arbete: <a" in panel and "augusti 2026</a>" in panel


def test_only_the_county_board_gets_the_panel(network_world, client_for):  # noqa: F811
    w = network_world
    for key in ("coordinator", "steering", "reporter"):
        assert _panel(client_for, w.users[key]) == "", key


def test_a_board_reaching_many_counties_gets_one_line_each(
    network_world,  # noqa: F811
    client_for,
    monkeypatch,
):
    from samverkan.core.models import Membership
    from samverkan.county import panels

    w = network_world
    # Without areas the regional role reaches every county of the country.
    Membership.objects.get(user=w.board).areas.clear()
    monkeypatch.setattr(panels, "MAX_CARDS", 1)
    panel = _panel(client_for, w.board)
    assert "Länen" in panel
    rows = dict(
        re.findall(r"<th scope=\"row\"><a [^>]*>([^<]+)</a></th><td [^>]*>([^<]+)</td>", panel)
    )
    assert rows == {"Annatlän": "1 av 1", "Testlän": "2 av 2"}
    # One line per county: no digest, meeting or figure of any of them.
    assert "Nätverksträff" not in panel and "4321" not in panel
