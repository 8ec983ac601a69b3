"""The load benchmark runs: a few seconds, four users, SQLite (issue 15, item 8).

The benchmark itself (40 users, 3 minutes, PostgreSQL and SQLite) is run on demand and
writes docs/benchmarks.md; this keeps its client, its server start and its accounting of
lost and doubled reports working.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import bench_load

ROOT = Path(__file__).resolve().parents[2]


def test_bench_load_smoke(tmp_path):
    # A process of its own: the browser tests leave an event loop running in this one, and
    # the benchmark's client runs its own with asyncio.run().
    out = tmp_path / "result.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_load",
            "--backend=sqlite",
            "--users=4",
            "--duration=5",
            "--think=0.5",
            "--workers=2",
            "--small",
            "--no-write",
            f"--json={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (result,) = json.loads(out.read_text())
    assert result["mix"] == [2, 1, 1]
    assert result["errors"] == {}, result["error_examples"]
    assert result["acknowledged"] > 0
    assert result["lost"] == 0 and result["doubled"] == 0
    # Every kind of request was made and answered.
    assert {"report post", "lägesbild build", "lägesbild PDF"} <= set(result["p95"])
    assert {"incident list", "incident map", "lägesbild list"} & set(result["p95"])
    # The client's own wake-up delay was watched, so a figure can be read for what it is.
    assert result["lag_p95"] >= -1.0
    assert result["setup_seconds"] > 0


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert bench_load.percentile(values, 50) == 50
    assert bench_load.percentile(values, 95) == 95
    assert bench_load.percentile(values, 99) == 99
    assert bench_load.percentile([7.0], 99) == 7.0
    assert bench_load.split(40) == (24, 12, 4)
