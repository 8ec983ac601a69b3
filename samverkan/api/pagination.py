"""Pagination of every API list: limit/offset, with a ceiling on both.

``?limit=1000000`` once returned the whole incident table (21.8 MB) and a limit beyond
64 bits reached the database as an integer it cannot hold (a 500). A whole-number limit is
clamped to 1..:data:`MAX_LIMIT`; anything else in ``limit`` or ``offset`` that is not a
whole number within 64 bits is a 400 naming the parameter.
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from samverkan.core.params import BadParameter, parse_int_param

MAX_LIMIT = 1000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT
    # A view may count its total another way than ``queryset.count()`` (the incidents
    # count their scope by arms, :func:`samverkan.incidents.permissions.count_visible`).
    count_source = None

    def get_count(self, queryset):
        if self.count_source is not None:
            return self.count_source()
        return super().get_count(queryset)

    def _param(self, request, name: str, default: int | None) -> int | None:
        try:
            return parse_int_param(request.query_params, name, default)
        except BadParameter as exc:
            raise ValidationError({name: [str(exc)]}) from None

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param, "").strip()
        if raw.isascii() and raw.isdigit():
            # Any whole number, however many digits, asks for "as many as you give"; int()
            # of a very long one is slow and not needed to know that it is above the cap.
            digits = raw.lstrip("0") or "0"
            if len(digits) > len(str(self.max_limit)):
                return self.max_limit
            return max(1, min(int(digits), self.max_limit))
        return self._param(request, self.limit_query_param, self.default_limit)

    def get_offset(self, request):
        return self._param(request, self.offset_query_param, 0)
