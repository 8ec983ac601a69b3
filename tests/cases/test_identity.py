"""Identity numbers: Swedish personnummer and samordningsnummer (day + 60), Norwegian
fødselsnummer and D-number (day + 40); check digits, century, age and masking."""

from datetime import date

import pytest

from samverkan.cases.identity import InvalidIdentityNumber, parse
from samverkan.core.personal_numbers import fnr_checksum_ok
from tests.cases.helpers import personnummer

TODAY = date(2026, 6, 1)


def fnr(day: int, month: int, yy: int, individual: int) -> str:
    """A Norwegian number with valid modulus-11 check digits (first individual that fits)."""
    for ind in range(individual, individual + 50):
        base = f"{day:02d}{month:02d}{yy:02d}{ind:03d}"
        for k1 in range(10):
            for k2 in range(10):
                if fnr_checksum_ok(f"{base}{k1}{k2}"):
                    return f"{base}{k1}{k2}"
    raise AssertionError("no valid number")


def test_swedish_personnummer_twelve_and_ten_digits():
    number = personnummer(date(1985, 3, 12), "238")
    n = parse(number, today=TODAY)
    assert n.country == "SE" and n.kind == "personnummer"
    assert n.birth_date == date(1985, 3, 12)
    assert n.masked == "19850312-****"
    assert n.age_on(TODAY) == 41
    assert parse(number[2:], today=TODAY).normalised == n.normalised
    assert parse(number[2:].replace("-", ""), today=TODAY).normalised == n.normalised


def test_plus_sign_means_a_hundred_years_or_older():
    number = personnummer(date(1923, 3, 12))
    short = number[2:8] + "+" + number[-4:]
    assert parse(short, today=TODAY).birth_date == date(1923, 3, 12)
    assert parse(number[2:], today=TODAY).birth_date == date(2023, 3, 12)


def test_samordningsnummer_adds_sixty_to_the_day():
    number = personnummer(date(2007, 9, 4), coordination=True)
    assert number[6:8] == "64"
    n = parse(number, today=TODAY)
    assert n.kind == "samordningsnummer"
    assert n.birth_date == date(2007, 9, 4)
    assert n.age_on(TODAY) == 18


def test_wrong_check_digit_and_impossible_dates_are_refused():
    good = personnummer(date(1985, 3, 12), "238")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(InvalidIdentityNumber, match="Kontrollsiffran"):
        parse(bad, today=TODAY)
    with pytest.raises(InvalidIdentityNumber):
        parse(personnummer(date(2026, 12, 1)), today=TODAY)  # born in the future
    with pytest.raises(InvalidIdentityNumber):
        parse("hej", today=TODAY)


def test_norwegian_fodselsnummer_and_century_from_individual_number():
    n = parse(fnr(12, 3, 85, 123), today=TODAY)
    assert n.country == "NO" and n.kind == "fodselsnummer"
    assert n.birth_date == date(1985, 3, 12)
    assert n.masked.endswith("*****") and n.masked.startswith("120385")
    young = parse(fnr(1, 2, 8, 500), today=TODAY)  # individual 500-999, year 00-39: 2000s
    assert young.birth_date == date(2008, 2, 1)
    assert young.age_on(TODAY) == 18


def test_norwegian_d_number_adds_forty_to_the_day():
    n = parse(fnr(12 + 40, 3, 5, 510), today=TODAY)
    assert n.kind == "d-nummer"
    assert n.birth_date == date(2005, 3, 12)
    assert n.age_on(TODAY) == 21


def test_norwegian_check_digits_are_checked():
    good = fnr(12, 3, 85, 123)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(InvalidIdentityNumber):
        parse(bad, today=TODAY)
