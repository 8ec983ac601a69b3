"""A gunicorn web process loads the views and renderers at start and freezes them.

Without the freeze, each of Python's full garbage collections walked the ~280,000 objects
of a loaded process (140-150 ms) and the triage map set one off every few answers
(samverkan/core/web_process.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import samverkan.wsgi
frozen = gc.get_freeze_count()
walked_at_start = len(gc.get_objects())
# What a map answer builds: thousands of small containers.
points = [{"geometry": {"coordinates": [i, i]}, "properties": {}} for i in range(20000)]
print(json.dumps({
    "frozen": frozen,
    "walked_at_start": walked_at_start,
    "walked_with_points": len(gc.get_objects()),
    "modules": [m for m in ("weasyprint", "samverkan.incidents.views",
                            "samverkan.situation.views", "samverkan.core.charts")
                if m in sys.modules],
}))
"""


def test_wsgi_application_freezes_what_the_start_loaded(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        "SAMVERKAN_DATA": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    probe = json.loads(run.stdout.strip().splitlines()[-1])
    # The views and both document renderers are loaded before the first request.
    assert probe["modules"] == [
        "weasyprint",
        "samverkan.incidents.views",
        "samverkan.situation.views",
        "samverkan.core.charts",
    ]
    # The start's objects are frozen; a full collection walks only what came after.
    assert probe["frozen"] > 100_000
    assert probe["walked_at_start"] < 1_000
    # ...while the objects a request builds are collected as usual.
    assert probe["walked_with_points"] - probe["walked_at_start"] >= 60_000
