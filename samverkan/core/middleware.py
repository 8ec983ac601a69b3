"""Requests that no view can use are refused before any view runs."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import reverse

from samverkan.core.params import BadParameter


class RejectNulMiddleware:
    """A NUL character in the path or a query parameter is a 400.

    PostgreSQL text cannot hold NUL, so ``?q=%00`` reached a filter and came back as a 500
    (SQLite stores it and hid the fault). Forms and the API's fields already refuse NUL in
    submitted values; the path and the query string are read by views directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = None
        if "\x00" in request.path:
            bad = "Adressen innehåller ett NUL-tecken."
        else:
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    name = key.replace("\x00", "")
                    bad = f"Parametern {name} innehåller ett NUL-tecken."
                    break
        if bad is None:
            return self.get_response(request)
        if request.path.startswith(reverse("api-root")):
            return JsonResponse({"detail": bad}, status=400)
        raise BadParameter(bad)
