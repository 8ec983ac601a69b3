"""The load benchmark runs: a few seconds, four users, SQLite (issue 15, item 8).

The benchmark itself (40 users, 3 minutes, PostgreSQL and SQLite) is run on demand and
writes docs/benchmarks.md; this keeps its client, its server start and its accounting of
lost and doubled reports working.
"""

from __future__ import annotations

import json

from benchmarks import bench_load


def test_bench_load_smoke(tmp_path):
    out = tmp_path / "result.json"
    rc = bench_load.main(
        [
            "--backend=sqlite",
            "--users=4",
            "--duration=5",
            "--think=0.5",
            "--workers=2",
            "--small",
            "--no-write",
            f"--json={out}",
        ]
    )
    assert rc == 0
    (result,) = json.loads(out.read_text())
    assert result["mix"] == [2, 1, 1]
    assert result["errors"] == {}, result["error_examples"]
    assert result["acknowledged"] > 0
    assert result["lost"] == 0 and result["doubled"] == 0
    # Every kind of request was made and answered.
    assert {"report post", "lägesbild build", "lägesbild PDF"} <= set(result["p95"])
    assert {"incident list", "incident map", "lägesbild list"} & set(result["p95"])


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert bench_load.percentile(values, 50) == 50
    assert bench_load.percentile(values, 95) == 95
    assert bench_load.percentile(values, 99) == 99
    assert bench_load.percentile([7.0], 99) == 7.0
    assert bench_load.split(40) == (24, 12, 4)
