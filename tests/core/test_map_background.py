"""The maps' background: a WMS when no tile URL is set, admitted by the CSP and no other."""

import json
import os
import subprocess
import sys

from django.urls import reverse

WMS = "https://wms.geonorge.no/skwms1/wms.topo"


def _csp_img_src(**env) -> list[str]:
    """img-src of the settings as a fresh process reads them from ``env``."""
    code = (
        "import json, samverkan.settings as s; "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MAP_")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_csp_admits_the_wms_host_only_when_set():
    assert "https://wms.geonorge.no" not in _csp_img_src()
    img = _csp_img_src(MAP_WMS_URL=WMS, MAP_WMS_LAYERS="topo")
    assert "https://wms.geonorge.no" in img
    assert not any("geonorge" in s and s != "https://wms.geonorge.no" for s in img)


def test_report_map_carries_the_wms_to_the_script(world, client_for, settings):
    settings.MAP_TILE_URL = ""
    settings.MAP_WMS_URL = WMS
    settings.MAP_WMS_LAYERS = "topo"
    page = client_for(world.users["reporter"]).get(reverse("incident-report")).content.decode()
    assert f'data-wms="{WMS}"' in page and 'data-wms-layers="topo"' in page
    assert 'id="locate"' in page
