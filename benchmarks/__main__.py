"""Run every benchmark in turn (``make bench``); each writes its section of docs/benchmarks.md."""

import pkgutil
import subprocess
import sys
from pathlib import Path

names = sorted(
    m.name
    for m in pkgutil.iter_modules([str(Path(__file__).parent)])
    if m.name.startswith("bench_")
)
failed = []
for name in names:
    print(f"== {name}", flush=True)
    # Each in its own process: some set up Django with their own temporary database.
    if subprocess.call([sys.executable, "-m", f"benchmarks.{name}"]) != 0:
        failed.append(name)
if failed:
    sys.exit(f"failed: {', '.join(failed)}")
