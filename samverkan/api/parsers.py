"""The API's JSON parser, with a limit on nesting.

A body of 100,000 nested lists made Python's decoder raise RecursionError, which DRF's
parser does not catch: a 500 for anyone who can send a POST. No request of this API needs
more than a few levels, so anything deeper than :data:`MAX_DEPTH` is a 400.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def depth(value) -> int:
    """Nesting depth of decoded JSON (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            level += 1
            deepest = max(deepest, level)
            stack.extend((child, level) for child in item)
    return deepest


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON är nästlad för djupt (högst {MAX_DEPTH} nivåer).") from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON är nästlad för djupt (högst {MAX_DEPTH} nivåer).")
        return data
