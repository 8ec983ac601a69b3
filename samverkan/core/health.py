"""Health checks for load balancers and monitoring (docs/operations.md, Monitoring).

``/halsa/`` says whether this web server can answer: the process runs and reaches the
database. ``/healthz`` says whether the installation works: the database answers and a
background worker has written its heartbeat lately. Both answer 503 with JSON naming what
is down, so a monitor's alert says where to look.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger("samverkan.health")


def check_database() -> str | None:
    """None when the database answers ``SELECT 1``, else the error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return str(exc) or exc.__class__.__name__
    return None


def check_worker() -> str | None:
    """None when a background worker's heartbeat is younger than HEALTHY_WITHIN."""
    from samverkan.worker.runner import HEALTHY_WITHIN, worker_alive

    try:
        if worker_alive() is None:
            minutes = int(HEALTHY_WITHIN.total_seconds() // 60)
            return f"inget livstecken från bakgrundsarbetaren på {minutes} minuter"
    except DatabaseError as exc:
        return f"livstecknet kan inte läsas: {exc}"
    return None


def _answer(checks: dict) -> JsonResponse:
    failures = {name: error for name, error in checks.items() if error is not None}
    body = {
        "status": "fail" if failures else "ok",
        "checks": {name: ("fail" if error else "ok") for name, error in checks.items()},
    }
    if failures:
        body["errors"] = failures
        logger.warning("Hälsokontrollen misslyckades: %s", failures)
    response = JsonResponse(body, status=503 if failures else 200)
    response["Cache-Control"] = "no-store"
    return response


def web_health(request):
    """``/halsa/``: this web server and its database."""
    return _answer({"database": check_database()})


def healthz(request):
    """``/healthz``: the database and the background worker."""
    database = check_database()
    # Without the database the heartbeat cannot be read: report the cause only.
    worker = check_worker() if database is None else "okänt: databasen svarar inte"
    return _answer({"database": database, "worker": worker})


web_health.permission_required = "public"
healthz.permission_required = "public"
