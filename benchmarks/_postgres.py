"""The PostgreSQL server a benchmark runs against when none is named.

A throw-away local server (``tools.run_tests.temporary_postgres``, fsync off: the
benchmarks measure the application, not the disk) configured as docs/operations.md
("PostgreSQL settings") tells a dedicated server to be: ``shared_buffers`` a quarter of
the memory, ``effective_cache_size`` three quarters, WAL room for a bulk import, and the
cost of a random read near that of a sequential one (``random_page_cost``). The
server's stock 128 MB of buffers held less than the indexes of a million incidents, so an
import measured on it measured the eviction of index pages rather than the import.
"""

from __future__ import annotations

import os


def production_settings() -> dict[str, str]:
    """The server settings of docs/operations.md for this machine's memory."""
    mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return {
        "shared_buffers": f"{mib // 4}MB",
        "effective_cache_size": f"{mib * 3 // 4}MB",
        "max_wal_size": "8GB",
        "random_page_cost": "1.1",
    }


def temporary_server():
    """A context manager giving the URL of a temporary server, or None without binaries."""
    from tools.run_tests import pg_bindir, temporary_postgres

    bindir = pg_bindir()
    if bindir is None:
        return None
    return temporary_postgres(bindir, production_settings())
