"""What is masked and how identity numbers are validated: the kinds, their tokens, the result.

Identity numbers are only masked when their check digits and date part are valid.

References
----------
Skatteverket, "Personnummer", SKV 704 (structure, Luhn check digit, "+" for 100+ years);
Skatteverket, "Samordningsnummer", SKV 707 (day of birth plus 60).
Skatteetaten, "Fødselsnummer" and "D-nummer" (two modulus-11 check digits, day plus 40);
H-numbers (month plus 40) follow the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from samverkan.core.personal_numbers import fnr_checksum_ok

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
