"""Finding every candidate in a text, choosing among overlapping ones and rendering the tokens."""

from __future__ import annotations

import re

from samverkan.core.masking.names import _find_names
from samverkan.core.masking.patterns import (
    _DATE_SHAPE,
    _DIGIT,
    _EMAIL,
    _IDS,
    _INTL,
    _NO_NATIONAL,
    _SE_NATIONAL,
    _TIME_RANGE,
    _followed_by_unit,
    _pnr_match_ok,
    _preceded_by_reference,
    _se_digits_ok,
    _trim_to_valid,
)
from samverkan.core.masking.rules import (
    _PRIORITY,
    EPOST,
    NAMN,
    PERSONNUMMER,
    TELEFON,
    TOKENS,
    MaskResult,
    _fnr_ok,
)


def _find_candidates(text: str) -> list[tuple[int, int, int, str]]:
    """Return ``(priority, start, end, kind)`` for every valid item, overlapping or not."""
    out: list[tuple[int, int, int, str]] = []
    if "@" in text:
        for m in _EMAIL.finditer(text):
            out.append((_PRIORITY[EPOST], m.start(), m.end(), EPOST))

    for m in _IDS.finditer(text):
        if _pnr_match_ok(m) if m.group("date") else _fnr_ok(m["fdate"] + m["fserial"]):
            out.append((_PRIORITY[PERSONNUMMER], m.start(), m.end(), PERSONNUMMER))

    out.extend(_find_names(text))
    return _find_phones(text, out)


def _find_phones(
    text: str, out: list[tuple[int, int, int, str]]
) -> list[tuple[int, int, int, str]]:
    # Phone patterns are greedy and may swallow a following number; after trimming, the
    # search resumes where the accepted number ends so that the next one is still seen.
    pos = 0
    while ("+" in text or "00" in text) and (m := _INTL.search(text, pos)) is not None:
        span = _intl_span(text, m)
        if span:
            out.append((_PRIORITY[TELEFON], span[0], span[1], TELEFON))
        pos = span[1] if span else m.end()

    pos = 0
    while (m := _SE_NATIONAL.search(text, pos)) is not None:
        start = m.start()
        end = _trim_to_valid(text, start, m.end(), _se_digits_ok)
        pos = m.end() if end is None else end
        if end is None or _followed_by_unit(text, end):
            continue
        if _DATE_SHAPE.fullmatch(text, start, end) or _TIME_RANGE.fullmatch(text, start, end):
            continue
        if _preceded_by_reference(text, start):
            continue
        out.append((_PRIORITY[TELEFON], start, end, TELEFON))

    for m in _NO_NATIONAL.finditer(text):
        start, end = m.start(), m.end()
        if _followed_by_unit(text, end) or _preceded_by_reference(text, start):
            continue
        out.append((_PRIORITY[TELEFON], start, end, TELEFON))
    return out


def _intl_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    cc, prefix = m.group("cc"), m.group("prefix")
    num_start = m.start("num")

    if cc == "46":

        def ok(d: str) -> bool:
            # People keep the trunk 0 by habit ("+46 070-..."): it is not dialled.
            d = d.removeprefix("0")
            return (len(d) == 9) if d.startswith("7") else (7 <= len(d) <= 9)

    elif cc == "47":

        def ok(d: str) -> bool:
            return len(d) == 8

    elif prefix == "+":

        def ok(d: str) -> bool:
            return 8 <= len(cc) + len(d) <= 15 and len(d) >= 6

    else:
        return None  # "00" plus an unknown country code is too easily some other number.

    end = _trim_to_valid(text, num_start, m.end(), ok)
    if end is None or _followed_by_unit(text, end):
        return None
    return m.start(), end


def _choose(text: str) -> list[tuple[int, int, str]]:
    """Pick non-overlapping items: highest priority first, then the longest span."""
    candidates = _find_candidates(text)
    # "+47 912 34 567" must beat the "912 34 567" inside it.
    candidates.sort(key=lambda c: (c[0], c[1] - c[2], c[1]))
    chosen: list[tuple[int, int, str]] = []
    for _, start, end, kind in candidates:
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    return chosen


def _render(text: str, items: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Return the masked text and, per literal segment, ``(masked_start, original_start)``."""
    parts: list[str] = []
    segments: list[tuple[int, int]] = []
    pos = cur = 0
    for start, end, kind in items:
        segments.append((cur, pos))
        parts.append(text[pos:start])
        cur += start - pos
        token = TOKENS[kind]
        parts.append(token)
        cur += len(token)
        pos = end
    segments.append((cur, pos))
    parts.append(text[pos:])
    return "".join(parts), segments


def mask(text: str) -> MaskResult:
    """Replace personal data in ``text`` with tokens.

    Parameters
    ----------
    text : str
        Free text such as an incident description.

    Returns
    -------
    MaskResult
        The masked text, the items found (offsets into ``text``) and counts per kind.

    Notes
    -----
    A number glued to another number ("811228-9874 0701234567") is left alone as part of
    something larger, unless that neighbour itself turns out to be personal data. So the
    text is masked again until nothing changes (rarely more than one extra pass); this also
    makes masking idempotent. Tokens contain no digits, so masking never adds any.

    Examples
    --------
    >>> mask_text("Klotter i trapphus B, ring Kalle 070-123 45 67")
    'Klotter i trapphus B, ring Kalle [telefon]'
    """
    if "@" not in text and _DIGIT.search(text) is None:
        # Only names are possible; they never overlap one another, but they are found out
        # of order (first names before lone surnames: "Lindberg Anna"), and rendering reads
        # them from the start of the text.
        names = sorted((start, end, kind) for _, start, end, kind in _find_names(text))
        return _result(_render(text, names)[0], names) if names else MaskResult(text)
    items = _choose(text)
    if not items:
        return MaskResult(text)
    items.sort()
    current, segments = _render(text, items)
    if not any(_touches_text(text, start, end) for start, end, _ in items):
        return _result(current, items)
    while new := _choose(current):
        for start, end, kind in new:
            # New items never include a token ("[" is in no pattern), so each lies
            # inside one literal segment and maps back by that segment's shift.
            seg_start, orig_start = max(seg for seg in segments if seg[0] <= start)
            shift = orig_start - seg_start
            items.append((start + shift, end + shift, kind))
        items.sort()
        current, segments = _render(text, items)

    return _result(current, items)


def _touches_text(text: str, start: int, end: int) -> bool:
    """Whether a neighbour of the item could have been held back by it.

    Patterns refuse a number glued to another one (a digit up to two characters away) and
    an e-mail address glued to a word; only then can masking reveal a further item.
    """
    before, after = text[max(0, start - 3) : start], text[end : end + 3]
    if _DIGIT.search(before) or _DIGIT.search(after):
        return True
    return bool(before and _wordish(before[-1])) or bool(after and _wordish(after[0]))


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch in "._+@-"


def _result(masked: str, items: list[tuple[int, int, str]]) -> MaskResult:
    found = [(kind, start, end) for start, end, kind in items]
    counts: dict[str, int] = {}
    for kind, _, _ in found:
        counts[kind] = counts.get(kind, 0) + 1
    return MaskResult(masked, found, counts)


def mask_text(text: str) -> str:
    """Return ``text`` with personal data replaced by tokens (see :func:`mask`)."""
    return mask(text).text


def likely_names(text: str) -> list[str]:
    """The names :func:`mask` would replace in ``text``, in order of appearance."""
    return [text[start:end] for kind, start, end in mask(text).found if kind == NAMN]
