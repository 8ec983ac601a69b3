"""One preventive case about a fictitious person."""

from __future__ import annotations

from datetime import date

from samverkan.core.models import Organisation
from samverkan.demo.loader.world import TEST_PERSON_NUMBER


def load_case(users, log=print) -> None:
    """One preventive case about a fictitious person, assigned to the demo case officer."""
    from samverkan.cases import services as cases
    from samverkan.cases.models import CaseType

    if cases.find_by_number(TEST_PERSON_NUMBER).exists():
        return
    purpose = "Demodata: exempelärende för utbildning"
    officer = users["handlaggare"]
    case = cases.create_case(
        officer,
        organisation=Organisation.objects.get(name="Lokalpolisområde Örebro"),
        case_type=CaseType.LEAVING_GROUP,
        person_name="Testperson Demosson (fiktiv)",
        person_number=TEST_PERSON_NUMBER,
        background="FIKTIVT DEMOÄRENDE. Personen och personnumret är påhittade testdata.",
        partners=[Organisation.objects.get(name="Örebro kommun")],
        purpose=purpose,
    )
    cases.add_measure(
        case,
        "Motiverande samtal och kontakt med arbetsförmedlingen",
        officer,
        due_on=date(2026, 12, 15),
        purpose=purpose,
    )
    log(f"  Förebyggande ärende {case.reference} (fiktiv person) för handlaggare")
