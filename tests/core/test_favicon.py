"""Every page names its icon, served from the app's own static files (no 404 for
/favicon.ico in the browser's console, nothing fetched from elsewhere)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from django.contrib.staticfiles import finders


def test_pages_link_the_icon_and_the_icon_is_an_svg(client):
    html = client.get("/konto/logga-in/").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert link and link.group(1).endswith("samverkan/favicon.svg")
    path = finders.find("samverkan/favicon.svg")
    assert path, "samverkan/static/samverkan/favicon.svg saknas"
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # No script and no outside reference in a file every page loads.
    text = Path(path).read_text(encoding="utf-8")
    assert "<script" not in text and "href" not in text
