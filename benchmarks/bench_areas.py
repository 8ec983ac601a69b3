"""Area import benchmark: all 290 Swedish municipalities and 21 counties (target < 5 s).

The reference is parsing and validating the same GeoJSON with shapely alone (no database),
measured in the same run, so the ratio shows what the database work adds.

Run: ``python -m benchmarks.bench_areas``.
"""

from __future__ import annotations

import os
import tempfile
import time


def main() -> None:
    os.environ["SAMVERKAN_DATA"] = tempfile.mkdtemp(prefix="samverkan-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from shapely.geometry import shape

    from benchmarks._report import write_section
    from samverkan import demo_data
    from samverkan.core.area_import import import_areas
    from samverkan.core.models import Area

    call_command("migrate", verbosity=0)
    counties = demo_data.path(demo_data.SE_COUNTIES)
    municipalities = demo_data.path(demo_data.SE_MUNICIPALITIES)

    t0 = time.perf_counter()
    for name in (counties, municipalities):
        for f in demo_data.read_geojson(name)["features"]:
            shape(f["geometry"]).is_valid  # noqa: B018 - the work being timed
    reference = time.perf_counter() - t0

    t0 = time.perf_counter()
    import_areas(counties, level="county", code_field="code", name_field="name")
    import_areas(
        municipalities,
        level="municipality",
        code_field="code",
        name_field="name",
        parent_level="county",
        parent_field="county_code",
    )
    first = time.perf_counter() - t0
    assert Area.objects.count() == 311

    t0 = time.perf_counter()
    import_areas(counties, level="county", code_field="code", name_field="name")
    import_areas(
        municipalities,
        level="municipality",
        code_field="code",
        name_field="name",
        parent_level="county",
        parent_field="county_code",
    )
    rerun = time.perf_counter() - t0

    shared = demo_data.DATA_DIR.parents[1].parent / "shared" / "data" / "se-municipalities.geojson"
    shared_line = ""
    if shared.exists():
        t0 = time.perf_counter()
        import_areas(shared, level="district", code_field="id", name_field="kom_namn", code_width=4)
        full = time.perf_counter() - t0
        shared_line = (
            f"| the unsimplified shared file ({shared.stat().st_size // 1024} kB) | "
            f"{full:.2f} | {full / reference:.1f}x |\n"
        )
    verdict = "met" if first < 5 else "MISSED"
    write_section(
        "areas",
        "## Area import (290 municipalities + 21 counties, SQLite)\n\n"
        "| run | seconds | ratio to parse-and-validate only |\n|---|---|---|\n"
        f"| first import | {first:.2f} | {first / reference:.1f}x |\n"
        f"| re-run (nothing changes) | {rerun:.2f} | {rerun / reference:.1f}x |\n"
        f"{shared_line}"
        f"| reference: shapely parse + validate | {reference:.2f} | 1.0x |\n\n"
        f"Target under 5 s: {verdict}.",
    )
    print(f"first {first:.2f} s, rerun {rerun:.2f} s, reference {reference:.2f} s")


if __name__ == "__main__":
    main()
