"""Mask personal data in incident free text before it is stored.

Incident reports describe places and events, not people (DESIGN.md, section 4), yet the
people who write them (caretakers, school staff, patrolling guards) often paste in a phone
number, an e-mail address, an identity number or a name. This module replaces those with
the tokens ``[personnummer]``, ``[telefon]``, ``[e-post]`` and ``[namn]``.

Identity numbers are only masked when their check digits and date part are valid. That
keeps false positives (dates, case numbers, organisation numbers, amounts) rare without a
list of exceptions: a random ten-digit number passes the Luhn check one time in ten and is
a plausible date a few times in a hundred. Phone numbers carry no check digit, so they are
recognised by their national numbering plans and typical written groupings instead.

Names have no check digit either. A name is a first name from a list of the common first
names in Sweden and Norway (``data/first_names.txt``), optionally followed by further
capitalised words (middle names, surnames): "Kalle Svensson", "Per-Olof Ek", "Ebba von
Sydow", "Kalles". Place and organisation names built from a person's name are left alone
when a place or organisation word follows ("Olof Palmes gata", "Karl Johans gate", "Maria
Magdalena kyrka", "Eva Lundgren AB"). A first name that is also an ordinary word ("Per",
"Hans", "Stig") is masked on its own only where its capital letter says it is a name, not
at the start of a sentence. A surname alone, a rare first name and names in capitals are
not recognised: precision and recall are measured on the labelled corpus of the tests and
reported in docs/anvandarguide.md.

The module is pure Python (no Django) so that it can run in bulk imports and notebooks.

References
----------
Skatteverket, "Personnummer", SKV 704 (structure, Luhn check digit, "+" for 100+ years);
Skatteverket, "Samordningsnummer", SKV 707 (day of birth plus 60).
Skatteetaten, "Fødselsnummer" and "D-nummer" (two modulus-11 check digits, day plus 40);
H-numbers (month plus 40) follow the same rules.
Post- och telestyrelsen, "Svensk nummerplan för telefoni" (trunk prefix 0, area codes of
1-3 digits, mobile series 07x with 10 digits in national form); Nkom, "Nummerplan for
E.164" (Norwegian 8-digit numbers, mobiles in the 4 and 9 series).
Statistiska centralbyrån (SCB), "Namn och namnsdagar"; Statistisk sentralbyrå (SSB),
"Navn" (the most common first names, from which the name list is compiled).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from samverkan.core.personal_numbers import fnr_checksum_ok, luhn_ok

__all__ = [
    "KINDS",
    "TOKENS",
    "MaskResult",
    "first_names",
    "is_fodselsnummer",
    "is_personnummer",
    "likely_names",
    "mask",
    "mask_text",
]

PERSONNUMMER = "personnummer"
TELEFON = "telefon"
EPOST = "e-post"
NAMN = "namn"

KINDS = (PERSONNUMMER, TELEFON, EPOST, NAMN)
TOKENS = {kind: f"[{kind}]" for kind in KINDS}

# Lower number wins when two candidates overlap: an e-mail address may contain digits that
# look like a phone number, and a checksum-valid identity number is stronger evidence than
# the mere shape of a phone number.
_PRIORITY = {EPOST: 0, PERSONNUMMER: 1, TELEFON: 2, NAMN: 3}


@dataclass(frozen=True)
class MaskResult:
    """Outcome of :func:`mask`.

    Attributes
    ----------
    text : str
        The input with every item replaced by its token.
    found : list of tuple
        ``(kind, start, end)`` for each masked item, as offsets into the *input* text,
        in order of appearance.
    counts : dict
        Number of masked items per kind (only kinds that occurred).
    """

    text: str
    found: list[tuple[str, int, int]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _swedish_date_ok(century: int | None, yy: int, mm: int, dd: int, plus: bool) -> bool:
    if dd > 60:
        dd -= 60  # samordningsnummer
    if not (1 <= mm <= 12 and 1 <= dd <= 31):
        return False
    if century is not None:
        return _valid_date(century * 100 + yy, mm, dd)
    # Ten digits leave the century open; only 29 February depends on it, so any century
    # the number could belong to will do ("+" means at least a hundred years old).
    centuries = (18, 19) if plus else (19, 20)
    return any(_valid_date(c * 100 + yy, mm, dd) for c in centuries)


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


def _fnr_ok(digits: str) -> bool:
    if not fnr_checksum_ok(digits):
        return False
    dd, mm, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    individ = int(digits[6:9])
    if dd > 40:
        dd -= 40  # D-number
    if mm > 40:
        mm -= 40  # H-number
    # The individual number fixes the century (Skatteetaten's allocation table), which
    # matters only for 29 February.
    if individ < 500:
        year = 1900 + yy
    elif individ < 750 and yy >= 54:
        year = 1800 + yy
    elif yy < 40:
        year = 2000 + yy
    elif individ >= 900:
        year = 1900 + yy
    else:
        return False
    return _valid_date(year, mm, dd)


# --- patterns -------------------------------------------------------------------------------

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


# --- validation of candidates -------------------------------------------------------------


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


# --- names ----------------------------------------------------------------------------------

_NAMES_FILE = Path(__file__).with_name("data") / "first_names.txt"

_UPPER = "A-ZÅÄÖÆØÉÜ"
_LOWER = "a-zåäöæøéèüáß"
# A capitalised word, hyphenated parts capitalised too ("Per-Olof", "Svensson-Berg"); a
# word glued to a hyphen and a lower-case part ("Palme-skolan") is a compound, not a name.
_CAP_WORD = re.compile(
    # The capital comes before the lookbehind (which then includes it) so that the engine
    # skips quickly to capitals instead of testing every position.
    rf"[{_UPPER}](?<![\w-].)[{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)*(?![\w-])(?!\.[{_LOWER}])"
)
_QUICK_WORD = re.compile(rf"[{_UPPER}][{_LOWER}]+")
# Between the parts of one name: a single space, or a nobiliary particle.
_NAME_GAP = re.compile(r"[ \u00a0](?:(?:af|av|von|van|der|de|la|di|da|el|al|bin|ibn)[ \u00a0])?")
# Words after a name that make it the name of a place or an organisation. After a genitive
# ("Olof Palmes gata") any of them; after a bare name only those that cannot be a verb or
# an everyday word after a person ("Eva bad om hjälp": bad = asked, not a bath house).
_INSTITUTION_WORDS = frozenset(
    [
        "gata",
        "gatan",
        "gate",
        "gaten",
        "väg",
        "vägen",
        "vei",
        "veien",
        "veg",
        "vegen",
        "torg",
        "torget",
        "plats",
        "platsen",
        "plass",
        "plassen",
        "park",
        "parken",
        "skola",
        "skolan",
        "skole",
        "skolen",
        "förskola",
        "förskolan",
        "barnehage",
        "barnehagen",
        "gymnasium",
        "gymnasiet",
        "allé",
        "allén",
        "kyrka",
        "kyrkan",
        "kirke",
        "kirken",
        "kapell",
        "sjukhus",
        "sjukhuset",
        "sykehus",
        "församling",
        "menighet",
        "stiftelse",
        "stiftelsen",
        "institut",
        "institutet",
        "bibliotek",
        "biblioteket",
        "teater",
        "teatern",
        "museum",
        "museet",
        "centrum",
        "senter",
        "stadion",
        "kvarter",
        "kvarteret",
    ]
)
_PLACE_WORDS = _INSTITUTION_WORDS | frozenset(
    [
        "gt",
        "stig",
        "stigen",
        "gränd",
        "gränden",
        "backe",
        "backen",
        "bakke",
        "bakken",
        "bro",
        "bron",
        "brua",
        "brygga",
        "bryggan",
        "brygge",
        "bryggen",
        "minne",
        "plan",
        "planen",
        "gård",
        "gården",
        "hage",
        "hagen",
        "holme",
        "holmen",
        "udde",
        "udden",
        "hall",
        "hallen",
        "center",
        "bad",
        "badet",
        "kaj",
        "kajen",
        "strand",
        "stranden",
        "höjd",
        "höjden",
        "äng",
        "ängen",
        "lund",
        "lunden",
    ]
)
_ORG_AFTER = re.compile(r"[ \u00a0]+(?:AB|AS|ASA|HB|KB|SA|Aktiebolag|& ?Co)\b")
_NEXT_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+)")
_NEXT_COMPOUND = re.compile(r"[ \u00a0]+([^\W\d_]+-[^\W\d_]+)")
# Street and place names written as one word with a person's name in front ("Lars
# Kaggsgatan"): the last part of the name ends in one of these.
_STREET_SUFFIXES = (
    "gatan",
    "gata",
    "vägen",
    "väg",
    "gränd",
    "gränden",
    "allén",
    "allé",
    "torget",
    "torg",
    "platsen",
    "plan",
    "backen",
    "parken",
    "skolan",
    "gården",
    "stigen",
    "bron",
    "kyrkan",
    "gate",
    "gaten",
    "veien",
    "vegen",
    "plass",
    "plassen",
    "skolen",
    "kirke",
    "kirken",
    "parken",
    "torget",
    "hallen",
    "huset",
    "senteret",
)
_SENTENCE_END = ".!?\n\r\u2022"


@cache
def first_names() -> tuple[frozenset[str], frozenset[str]]:
    """The first-name list: ``(all names, names that are also ordinary words)``."""
    names: set[str] = set()
    ambiguous: set[str] = set()
    for line in _NAMES_FILE.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        name = entry.removesuffix("*").strip()
        names.add(name)
        if entry.endswith("*"):
            ambiguous.add(name)
    return frozenset(names), frozenset(ambiguous)


def _first_name(word: str, names: frozenset[str]) -> bool:
    """A listed first name, a hyphenated one ("Per-Olof") or its genitive ("Kalles")."""
    head = word.split("-", 1)[0]
    return head in names or (word.endswith("s") and word[:-1] in names)


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\u00a0\"'«»“”‘’(-–")
    return not before or before[-1] in _SENTENCE_END


def _ends_in_place_word(word: str) -> bool:
    """A compound such as "Kaggsgatan", "Dahlbergsallén" or "Anka-parken"."""
    word = word.lower()
    if not word.endswith(_STREET_SUFFIXES):
        return False
    return any(word.endswith(end) and len(word) > len(end) + 2 for end in _STREET_SUFFIXES)


def _place_or_organisation_follows(text: str, end: int, genitive: bool) -> bool:
    if _ORG_AFTER.match(text, end):
        return True
    m = _NEXT_COMPOUND.match(text, end)
    if m is not None and _ends_in_place_word(m.group(1)):
        return True
    m = _NEXT_WORD.match(text, end)
    words = _PLACE_WORDS if genitive else _INSTITUTION_WORDS
    return m is not None and m.group(1).lower() in words


def _find_names(text: str) -> list[tuple[int, int, int, str]]:
    """Spans of likely person names: a first name and the capitalised words after it."""
    names, ambiguous = first_names()
    # Cheap pre-check: most texts hold no listed first name at all.
    quick = _QUICK_WORD.findall(text)
    if names.isdisjoint(quick) and names.isdisjoint(w[:-1] for w in quick if w[-1] == "s"):
        return []
    words = list(_CAP_WORD.finditer(text))
    out: list[tuple[int, int, int, str]] = []
    k = 0
    while k < len(words):
        first = words[k]
        if not _first_name(first.group(), names):
            k += 1
            continue
        i = last = k
        # Middle names and surnames: capitalised words joined by a space or a particle.
        while last + 1 < len(words) and last - k < 3:
            gap = _NAME_GAP.fullmatch(text, words[last].end(), words[last + 1].start())
            if gap is None:
                break
            last += 1
        start, end = first.start(), words[last].end()
        k = last + 1
        if _ends_in_place_word(words[last].group()) and last > i:
            continue
        if _place_or_organisation_follows(text, end, text[end - 1] == "s"):
            continue
        # Alone, a name that is also a word is a name only where a capital is unusual.
        if last == i and first.group() in ambiguous and _at_sentence_start(text, start):
            continue
        out.append((_PRIORITY[NAMN], start, end, NAMN))
    return out


def likely_names(text: str) -> list[str]:
    """The names :func:`mask` would replace in ``text``, in order of appearance."""
    return [text[start:end] for kind, start, end in mask(text).found if kind == NAMN]


# --- finding --------------------------------------------------------------------------------


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
        # Only names are possible; they never overlap one another.
        names = [(start, end, kind) for _, start, end, kind in _find_names(text)]
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
