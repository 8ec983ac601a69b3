"""Personal data of cases is encrypted at rest: the raw database columns never hold a
personnummer or a name in clear, and the search by personnummer goes through a keyed
blind index."""

from django.db import connection

from samverkan.cases import crypto, services
from samverkan.cases.models import PreventiveCase


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


def test_raw_columns_never_hold_the_number_or_the_name(cw):
    from samverkan.cases.models import InformationExchange

    case = cw.case
    services.plan_conversation(
        case,
        "person",
        "2026-01-10T10:00+01:00",
        cw.users["officer"],
        notes=f"Samtal om {cw.pnr}",
        purpose="Handläggning",
    )
    raw = raw_rows(PreventiveCase._meta.db_table) + raw_rows("cases_conversation")
    digits = cw.pnr.replace("-", "")
    for form in (cw.pnr, digits, digits[2:], cw.pnr[2:], digits[:8]):
        assert form not in raw, f"{form} i klartext i databasen"
    assert "Adam" not in raw and "Andersson" not in raw
    assert "lärare" not in raw  # the background is encrypted too
    assert raw.count(crypto.PREFIX) >= 4
    # Through the ORM the values come back decrypted.
    fresh = PreventiveCase.objects.get(pk=case.pk)
    assert fresh.person_name == "Adam Andersson"
    assert fresh.person_number == digits
    assert fresh.masked_number == digits[:8] + "-****"
    assert InformationExchange.objects.count() == 0


def test_the_same_number_encrypts_differently_but_indexes_the_same(cw):
    other = services.create_case(
        cw.users["officer"],
        organisation=cw.polis,
        case_type="other",
        person_name="Adam Andersson",
        person_number=cw.pnr[2:],  # ten-digit form of the same number
        purpose="Handläggning",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_number, person_number_index FROM cases_preventivecase ORDER BY id"
        )
        (enc1, idx1), (enc2, idx2) = cursor.fetchall()
    assert enc1 != enc2
    assert idx1 == idx2 and len(idx1) == 64
    found = services.find_by_number(cw.pnr)
    assert set(found) == {cw.case, other}


def test_the_blind_index_depends_on_the_key(db, settings):
    a = crypto.blind_index("198503122381")
    settings.CASES_ENCRYPTION_KEYS = ["another key entirely"]
    assert crypto.blind_index("198503122381") != a


def test_a_wrong_key_cannot_read_the_data(cw, settings):
    import pytest

    settings.CASES_ENCRYPTION_KEYS = ["stolen database, no key"]
    with pytest.raises(ValueError, match="nyckel"):
        PreventiveCase.objects.get(pk=cw.case.pk)
