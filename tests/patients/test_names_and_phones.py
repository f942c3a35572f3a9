"""Names stay on one line; a phone is 6 to 15 digits and not a date; a patient's copy of a
clinic cocktail gets a name that fits, however long the patient's name."""

import re

import pytest

from tests.factories import FormulationFactory, PatientFactory
from treatments import plans
from treatments.models import Formulation


def registration(**changes) -> dict:
    return {
        "first_name": "Inès",
        "last_name": "Moreau",
        "date_of_birth": "1990-04-12",
        "sex": "female",
        "phone": "06 12 34 56 78",
        **changes,
    }


def error_of(page: str, field: str) -> str:
    match = re.search(rf'id="error_\d+_id_{field}"[^>]*>(.*?)</', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


@pytest.mark.parametrize("name", ["Moreau\r\nInjected,=cell", "Mor\teau", "Mo\x0breau"])
def test_a_name_with_a_line_break_tab_or_nul_is_refused_next_to_the_field(client, charlie, name):
    client.force_login(charlie)
    response = client.post("/patients/new/", registration(last_name=name))
    assert response.status_code == 200
    assert "without tabs or line breaks" in error_of(response.content.decode(), "last_name")


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("0001-01-01", "looks like a date"),
        ("31.01.2026", "looks like a date"),
        ("12 34-5", "6 to 15 digits (this one has 5)"),
        ("+33612345678901234", "6 to 15 digits (this one has 17)"),
    ],
)
def test_a_phone_must_have_six_to_fifteen_digits_and_not_be_a_date(client, charlie, phone, message):
    client.force_login(charlie)
    response = client.post("/patients/new/", registration(phone=phone))
    assert response.status_code == 200
    assert message in error_of(response.content.decode(), "phone")


def test_a_good_phone_registers(client, charlie):
    client.force_login(charlie)
    assert client.post("/patients/new/", registration(phone="+33 6 12 34 56 78")).status_code == 302


def test_a_very_long_patient_name_still_gets_a_copy_of_a_clinic_cocktail(derek):
    patient = PatientFactory(first_name="Marie-Charlotte-Éléonore", last_name="de La Tour d'Auvergne-Lauraguais" * 2)
    template = FormulationFactory(patient=None, created_by=derek, ingredients=["Zinc"], name="Rejuvenation " * 5)
    copy = plans.patients_copy_of(template, patient=patient, created_by=derek)
    limit = Formulation._meta.get_field("name").max_length
    assert len(copy.name) == limit
    assert copy.name.endswith("…")
    assert plans.patients_copy_of(template, patient=patient, created_by=derek) == copy  # found again, not duplicated
