"""Swedish and Norwegian personal identity numbers: validation, birth date, age, masking.

Swedish numbers (Skatteverket, SKV 704): ``YYYYMMDD-NNNC`` or ``YYMMDD-NNNC`` (``+`` instead
of ``-`` for a person aged 100 or more), Luhn check digit over the ten digits. A
samordningsnummer (coordination number) adds 60 to the day.

Norwegian numbers (Skatteetaten): fødselsnummer ``DDMMYYIIIKK`` with two modulus-11 check
digits; the century follows from the individual number ``III``. A D-number adds 40 to the
day, an H-number (assistance number) adds 40 to the month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from samverkan.core.personal_numbers import fnr_checksum_ok, luhn_ok


class InvalidIdentityNumber(ValueError):
    """Not a valid personnummer, samordningsnummer, fødselsnummer or D-number."""


@dataclass(frozen=True)
class IdentityNumber:
    country: str  # "SE" or "NO"
    normalised: str  # SE: 12 digits YYYYMMDDNNNC; NO: 11 digits
    birth_date: date
    kind: str  # personnummer, samordningsnummer, fodselsnummer, d-nummer, h-nummer

    @property
    def masked(self) -> str:
        """Birth part shown, serial hidden: ``19850312-****`` or ``120385*****``."""
        if self.country == "SE":
            return f"{self.normalised[:8]}-****"
        return f"{self.normalised[:6]}*****"

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidIdentityNumber("Datumdelen är inget giltigt datum.") from exc


def _swedish(text: str, today: date) -> IdentityNumber:
    m = re.fullmatch(r"(\d{2})?(\d{6})([-+]?)(\d{4})", text)
    if not m:
        raise InvalidIdentityNumber("Ange personnumret som ÅÅÅÅMMDD-NNNN.")
    century, body, sep, serial = m.groups()
    if not luhn_ok(body + serial):
        raise InvalidIdentityNumber("Kontrollsiffran stämmer inte.")
    yy, mm, dd = int(body[:2]), int(body[2:4]), int(body[4:6])
    kind = "personnummer"
    if dd > 60:
        dd -= 60
        kind = "samordningsnummer"
    if century:
        year = int(century) * 100 + yy
    else:
        year = (today.year // 100) * 100 + yy
        if year > today.year:
            year -= 100
        if sep == "+":
            year -= 100
    birth = _date(year, mm, dd)
    if birth > today:
        raise InvalidIdentityNumber("Födelsedatumet ligger i framtiden.")
    return IdentityNumber("SE", f"{year:04d}{body[2:]}{serial}", birth, kind)


def _norwegian_year(yy: int, individual: int) -> int:
    if individual <= 499:
        return 1900 + yy
    if individual <= 749 and yy >= 54:
        return 1800 + yy
    if yy <= 39:
        return 2000 + yy
    if individual >= 900:
        return 1900 + yy
    raise InvalidIdentityNumber("Individnumret passar inte till årtalet.")


def _norwegian(digits: str, today: date) -> IdentityNumber:
    if not fnr_checksum_ok(digits):
        raise InvalidIdentityNumber("Kontrollsifrene stemmer ikke.")
    dd, mm, yy, individual = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6:9])
    kind = "fodselsnummer"
    if dd > 40:
        dd -= 40
        kind = "d-nummer"
    elif mm > 40:
        mm -= 40
        kind = "h-nummer"
    birth = _date(_norwegian_year(yy, individual), mm, dd)
    if birth > today:
        raise InvalidIdentityNumber("Fødselsdatoen ligger i fremtiden.")
    return IdentityNumber("NO", digits, birth, kind)


def parse(text: str, *, today: date | None = None) -> IdentityNumber:
    """Parse a Swedish or Norwegian identity number.

    Eleven digits (with an optional space or hyphen after the sixth) are Norwegian; ten
    or twelve digits with an optional ``-`` or ``+`` before the last four are Swedish.

    Raises
    ------
    InvalidIdentityNumber
        With a message that says what is wrong.
    """
    today = today or date.today()
    cleaned = re.sub(r"\s", "", text or "")
    if re.fullmatch(r"\d{6}-?\d{5}", cleaned) and not re.fullmatch(r"\d{6}-\d{4}", cleaned):
        return _norwegian(cleaned.replace("-", ""), today)
    return _swedish(cleaned, today)
