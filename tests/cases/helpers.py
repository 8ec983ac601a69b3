"""Test helpers: valid identity numbers for a wanted age, users with case roles."""

from __future__ import annotations

from datetime import date

from samverkan.core.personal_numbers import luhn_ok


def personnummer(birth: date, serial: str = "123", *, coordination: bool = False) -> str:
    """A valid Swedish personnummer (or samordningsnummer) for ``birth``."""
    day = birth.day + (60 if coordination else 0)
    body = f"{birth:%y%m}{day:02d}{serial}"
    check = next(str(c) for c in range(10) if luhn_ok(body + str(c)))
    return f"{birth.year:04d}{birth:%m}{day:02d}-{serial}{check}"


def birth_for_age(age: int, today: date | None = None) -> date:
    """A birth date about half a year from a birthday that makes the person ``age`` today."""
    today = today or date.today()
    month = (today.month + 5) % 12 + 1
    passed = (month, 15) <= (today.month, today.day)
    return date(today.year - age - (0 if passed else 1), month, 15)


def pnr_for_age(age: int, serial: str = "123") -> str:
    return personnummer(birth_for_age(age), serial)


def make_user(username, organisation, role):
    from django.contrib.auth import get_user_model

    from samverkan.core.models import Membership

    user = get_user_model().objects.create_user(username, password="pw-" + username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user
