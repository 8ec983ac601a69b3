"""The shapes of identity numbers, phone numbers and e-mail addresses, and the checks that
decide whether a candidate of such a shape is one.

References
----------
Post- och telestyrelsen, "Svensk nummerplan för telefoni" (trunk prefix 0, area codes of
1-3 digits, mobile series 07x with 10 digits in national form); Nkom, "Nummerplan for
E.164" (Norwegian 8-digit numbers, mobiles in the 4 and 9 series).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from samverkan.core.masking.rules import _fnr_ok, _swedish_date_ok
from samverkan.core.personal_numbers import luhn_ok

# Shared edges for identity numbers. A number glued to a letter, a "+" (phone prefix) or to
# another number by punctuation ("5000-8112289874", "1.2345678901") is part of some other
# code, so it is left alone; a comma is not in the list because lists like "a,b" are common.
_ID_BEFORE = r"(?<![\w+])(?<![0-9][.:/-])"
_ID_AFTER = r"(?!\w)(?![.:/-][0-9])"

_PNR_BODY = r"(?P<cent>19|20)?(?P<date>[0-9]{6})(?P<sep>[-+\u2013]?)(?P<serial>[0-9]{4})"
_PNR_FULL = re.compile(_PNR_BODY)
_FNR_BODY = r"(?P<fdate>[0-9]{6})[ \u2013-]?(?P<fserial>[0-9]{5})"
_FNR_FULL = re.compile(_FNR_BODY)
# One scan for both: the digit counts differ, so at most one branch fits a given number.
_IDS = re.compile(_ID_BEFORE + "(?:" + _PNR_BODY + "|" + _FNR_BODY + ")" + _ID_AFTER)

# The local part may start right after a dot ("a@b.se.c@d.se") but not inside a word.
_EMAIL = re.compile(r"(?<![\w+-])[\w.+-]+@(?:[\w-]+\.)+[^\W0-9_]{2,}(?![\w-])")

# Separators people put inside phone numbers: spaces (also no-break), hyphens, en dashes.
_GAP = r"[ \u00a0]"
_GROUPS = r"[0-9]+(?:(?:[ \u00a0]|[ \u00a0]?[-\u2013][ \u00a0]?)[0-9]+){0,5}"

# Swedish national form: trunk 0, then area code and subscriber number in any grouping.
# The digit count and the mobile rule are checked in Python (_se_digits_ok). A number right
# after "digit space" is the tail of a longer grouped number (an IBAN, an account number).
_SE_NATIONAL = re.compile(
    # The first digit comes before the lookbehinds (which then include it) so that the
    # regex engine can skip quickly to candidate digits instead of testing every position.
    r"(?P<num>0(?<![\w+]0)(?<![0-9][.:-]0)(?<![0-9][ \u00a0]0)[1-9]"
    r"(?:[0-9]|(?:[ \u00a0]|[ \u00a0]?[-\u2013][ \u00a0]?)(?=[0-9])){0,22}"
    r")(?![0-9])(?![.:][0-9])"
)

# International form with "+" or "00"; "(0)" is the trunk prefix people keep by habit.
_INTL = re.compile(
    r"(?<![\w+])(?P<prefix>\+|00)[ \u00a0]?(?P<cc>46|47|[1-9][0-9]{0,2})"
    r"(?:[ \u00a0-]?\(0\))?[ \u00a0]?[-\u2013]?[ \u00a0]?"
    r"(?P<num>" + _GROUPS + r")(?![0-9])(?![.:][0-9])"
)

# Norwegian national form: eight digits, in the groupings actually used. Bare or 3-2-3
# runs are accepted only in the mobile series (4, 9); the 2-2-2-2 grouping is distinctive
# enough to accept landlines too. Preceding "digit space" means the run is the tail of a
# larger grouped number such as an amount.
_NO_NATIONAL = re.compile(
    r"(?P<num>[2-9](?<![\w+].)(?<![0-9][.:,/-].)(?<![0-9][ \u00a0].)"
    r"(?:(?<=[49])[0-9]{7}"
    r"|(?<=[49])[0-9][0-9]" + _GAP + r"[0-9][0-9]" + _GAP + r"[0-9]{3}"
    r"|[0-9](?:" + _GAP + r"[0-9][0-9]){3}"
    r"))(?![\w])(?![.:,/-]?[0-9])(?!" + _GAP + r"[0-9])"
)

# An amount, a quantity or a measure right after the number means it is not a phone number.
_UNIT_AFTER = re.compile(
    r"[ \u00a0]?(?:kr\b|kronor|kroner|sek\b|nok\b|eur\b|:-|,-|%|st\b|stk\b|m2|m²|kvm)",
    re.IGNORECASE,
)

# Reference numbers are often introduced by their name ("fakturanr", "org. nr", "saksnr."),
# phone numbers rarely are.
_REF_WORD = re.compile(
    r"(?:faktura|order|ordre|kund|kunde|ärende|arende|diarie|d|saks|sak|ref|referens|ocr|kid"
    r"|konto|org|organisations|organisasjons|objekt|objekts|lgh|anmälnings|anmeldelses|id"
    r"|beställnings|bestillings|kvitto|kvitterings)(?:[-.]?(?:nr|nummer|no))?\.?",
    re.IGNORECASE,
)
_NUMBER_WORDS = frozenset({"nr", "nr.", "nummer", "no", "no."})

# Opening hours written without colons ("kl 0800-1600") have the shape of a phone number.
_TIME_RANGE = re.compile(
    r"(?:[01][0-9]|2[0-4])[0-5][0-9][ \u00a0]?[-\u2013][ \u00a0]?(?:[01][0-9]|2[0-4])[0-5][0-9]"
)
_DATE_SHAPE = re.compile(r"(?:0[1-9]|[12][0-9]|3[01])[ -](?:0[1-9]|1[0-2])[ -](?:19|20)[0-9][0-9]")
_DIGIT = re.compile(r"[0-9]")
_NON_DIGIT = re.compile(r"[^0-9]+")
_SPLIT_GROUPS = re.compile(r"[0-9]+")


def _pnr_match_ok(m: re.Match[str]) -> bool:
    cent, date_part, serial = m.group("cent"), m.group("date"), m.group("serial")
    plus = m.group("sep") == "+"
    if not luhn_ok(date_part + serial):
        return False
    yy, mm, dd = int(date_part[0:2]), int(date_part[2:4]), int(date_part[4:6])
    return _swedish_date_ok(int(cent) if cent else None, yy, mm, dd, plus)


def _se_digits_ok(digits: str) -> bool:
    """National Swedish number (with trunk 0): 8-10 digits, mobiles (07x) exactly 10."""
    n = len(digits)
    if digits[1] == "7":
        return n == 10
    return 8 <= n <= 10


def _trim_to_valid(text: str, start: int, end: int, ok: Callable[[str], bool]) -> int | None:
    """Drop trailing digit groups until ``ok(digits)`` holds; return the new end.

    A greedy pattern can swallow a neighbouring number ("070-123 45 67 12 st"); trimming
    keeps the phone number and leaves the rest as text.
    """
    span = text[start:end]
    groups = list(_SPLIT_GROUPS.finditer(span))
    while groups:
        last = groups[-1].end()
        digits = _NON_DIGIT.sub("", span[:last])
        if ok(digits):
            return start + last
        groups.pop()
    return None


def _followed_by_unit(text: str, end: int) -> bool:
    return _UNIT_AFTER.match(text, end) is not None


def _preceded_by_reference(text: str, start: int) -> bool:
    words = text[max(0, start - 40) : start].rstrip(" \u00a0:#").split()
    if not words:
        return False
    last = words[-1]
    if last.lower() in _NUMBER_WORDS and len(words) > 1:
        last = words[-2]  # "org nr", "kvitto nr."
    return _REF_WORD.fullmatch(last.lstrip("([")) is not None


def is_personnummer(text: str) -> bool:
    """Return whether ``text`` is a valid Swedish personnummer or samordningsnummer.

    Accepts ``YYMMDD-NNNC``, ``YYMMDD+NNNC``, ``YYMMDDNNNC`` and the 12-digit forms with
    century 19 or 20, with or without the separator (an en dash, as word processors turn
    the hyphen into, counts as a hyphen). The Luhn check covers the last ten
    digits and the date part must be a real date (day plus 60 for samordningsnummer),
    which is what rules out organisation numbers: their "month" is 20 or more.

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
    """
    m = _PNR_FULL.fullmatch(text)
    return m is not None and _pnr_match_ok(m)


def is_fodselsnummer(text: str) -> bool:
    """Return whether ``text`` is a valid Norwegian fødselsnummer, D-number or H-number.

    Parameters
    ----------
    text : str
        11 digits, optionally with a space, hyphen or en dash after the date part.

    Returns
    -------
    bool
    """
    m = _FNR_FULL.fullmatch(text)
    return m is not None and _fnr_ok(m["fdate"] + m["fserial"])
