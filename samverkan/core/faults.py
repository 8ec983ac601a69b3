"""What users see when something breaks: a translated page, or JSON for API clients.

A database outage is a 503 "try again in a moment" with ``Retry-After``, not a 500:
nothing is wrong with the request and the app recovers by itself when the database is
back (``CONN_HEALTH_CHECKS`` replaces the broken connection). The pages are rendered
without context processors, which would query the database that is away.
See docs/operations.md, Faults.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("samverkan.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client is asked to wait: a database restart or failover takes about this long.
RETRY_AFTER = 30


# Paths whose clients are programs: the API and the health checks (core/health.py).
JSON_PATHS = ("/api/", "/healthz", "/halsa/")


def wants_json(request) -> bool:
    """True for API clients: the API's paths, or a request that accepts JSON but not HTML."""
    if request.path.startswith(JSON_PATHS):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def database_unavailable(request) -> HttpResponse:
    """The 503 answer to a request that met a database outage."""
    if wants_json(request):
        response = JsonResponse(
            {
                "detail": _("Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."),
                "code": "database_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(
            loader.render_to_string("503.html", {"retry_after": RETRY_AFTER}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER)
    # A proxy or browser must not keep the outage page in place of the real one.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers a database outage in a view with the 503 page instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error(
                "Databasen svarar inte: %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable(request)
        return None


def server_error(request):
    """handler500: the friendly error page, or JSON for API clients.

    Also reached by outages outside any view (sessions, sign-in middleware), which
    the middleware above cannot see; those get the 503 answer too.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request)
    if wants_json(request):
        return JsonResponse(
            {"detail": _("Ett oväntat fel inträffade. Felet är loggat."), "code": "server_error"},
            status=500,
        )
    return HttpResponse(loader.render_to_string("500.html"), status=500)
