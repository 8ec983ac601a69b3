"""The suite's own guards: a hung test fails with its stack instead of using up CI's time."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_suite_sets_a_time_limit_per_test(pytestconfig):
    assert 0 < float(pytestconfig.getini("timeout")) <= 600
    assert (
        0
        < float(pytestconfig.getini("faulthandler_timeout"))
        < float(pytestconfig.getini("timeout"))
    )


def test_a_hung_test_fails_and_the_next_one_still_runs(tmp_path):
    (tmp_path / "test_hang.py").write_text(
        textwrap.dedent(
            """
            import time

            def test_hangs():
                time.sleep(60)

            def test_after():
                pass
            """
        )
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:django",
            "-o",
            "timeout=2",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert out.returncode == 1, out.stdout
    assert "Timeout" in out.stdout and "time.sleep(60)" in out.stdout
    assert "1 failed, 1 passed" in out.stdout
