"""The dermatologist records a patient's contraindications on the chart; the front desk
never sees them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from patients.models import Contraindication, PatientCondition
from tests.factories import PatientConditionFactory
from tests.treatments.cocktail_forms import VITAMIN_B1, ingredient

PREGNANCY = "Pregnancy or breastfeeding"
ISOTRETINOIN = "Oral isotretinoin"


def contraindication_id(name: str) -> str:
    return str(Contraindication.objects.get(name=name).pk)


def test_dermatologist_records_a_condition(client, derek, alice):
    client.force_login(derek)

    response = client.post(
        f"/patients/{alice.pk}/conditions/",
        {
            "contraindication": contraindication_id(PREGNANCY),
            "started_on": "2025-01-10",
            "ended_on": "",
            "notes": "Due in June",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/patients/{alice.pk}/"
    condition = PatientCondition.objects.get()
    assert (condition.patient, condition.contraindication.name) == (alice, PREGNANCY)
    assert (condition.started_on, condition.ended_on, condition.notes) == (date(2025, 1, 10), None, "Due in June")
    assert condition.recorded_by == derek
    chart = client.get(response["Location"]).content.decode()
    assert "Recorded: Pregnancy or breastfeeding." in chart
    assert "Blocked:</strong> Pregnancy or breastfeeding since 10 January 2025 (Due in June)." in chart
    assert "from 10/01/2025" in chart
    assert "Mark ended" in chart


def test_dermatologist_records_a_condition_that_already_ended(client, derek, alice):
    ended = timezone.localdate() - timedelta(days=30)
    client.force_login(derek)

    client.post(
        f"/patients/{alice.pk}/conditions/",
        {"contraindication": contraindication_id(ISOTRETINOIN), "started_on": "", "ended_on": str(ended)},
    )

    condition = PatientCondition.objects.get()
    assert (condition.started_on, condition.ended_on) == (None, ended)
    chart = client.get(f"/patients/{alice.pk}/").content.decode()
    waiting_ends = ended + timedelta(days=180)
    assert f"waiting period until {waiting_ends:%d/%m/%Y}" in chart
    assert f"the waiting period ends on {waiting_ends.day} {waiting_ends:%B %Y}." in chart


def test_dermatologist_ends_a_condition(client, derek, alice):
    condition = PatientConditionFactory(patient=alice, named=PREGNANCY, started_on=date(2024, 6, 1))
    ended = timezone.localdate() - timedelta(days=1)
    client.force_login(derek)

    response = client.post(f"/patients/{alice.pk}/conditions/{condition.pk}/end/", {"ended_on": str(ended)})

    assert response.status_code == 302
    assert response["Location"] == f"/patients/{alice.pk}/"
    condition.refresh_from_db()
    assert condition.ended_on == ended
    chart = client.get(response["Location"]).content.decode()
    assert f"Pregnancy or breastfeeding: ended on {ended:%d/%m/%Y}." in chart
    assert "No contraindication applies whatever the cocktail." in chart  # no waiting period
    assert "Mark ended" not in chart


@pytest.mark.parametrize(
    ("started_on", "ended_on", "message"),
    [
        (1, "", "The start date cannot be in the future."),
        (-10, 1, "The end date cannot be in the future."),
        (-10, -20, "The end date cannot be before the start date."),
    ],
)
def test_condition_with_impossible_dates_is_refused(client, derek, alice, started_on, ended_on, message):
    today = timezone.localdate()
    client.force_login(derek)

    response = client.post(
        f"/patients/{alice.pk}/conditions/",
        {
            "contraindication": contraindication_id(PREGNANCY),
            "started_on": str(today + timedelta(days=started_on)),
            "ended_on": str(today + timedelta(days=ended_on)) if ended_on else "",
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PatientCondition.objects.exists()


@pytest.mark.parametrize("field", ["started_on", "ended_on"])
def test_a_condition_dated_before_the_patients_birth_is_refused_by_its_field(client, derek, alice, field):
    client.force_login(derek)
    before_birth = alice.date_of_birth - timedelta(days=1)

    response = client.post(
        f"/patients/{alice.pk}/conditions/",
        {"contraindication": contraindication_id(PREGNANCY), field: str(before_birth)},
    )

    assert response.status_code == 200
    assert "This is before the patient was born." in response.content.decode()
    assert not PatientCondition.objects.exists()


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [
        (1, "The end date cannot be in the future."),
        (-500, "The end date cannot be before the start date."),
        (None, "enter the date it ended."),
    ],
)
def test_ending_a_condition_with_an_impossible_date_is_refused(client, derek, alice, ended_on, message):
    condition = PatientConditionFactory(
        patient=alice, named=PREGNANCY, started_on=timezone.localdate() - timedelta(days=60)
    )
    client.force_login(derek)
    data = {"ended_on": str(timezone.localdate() + timedelta(days=ended_on))} if ended_on else {}

    response = client.post(f"/patients/{alice.pk}/conditions/{condition.pk}/end/", data, follow=True)

    assert message in response.content.decode()
    condition.refresh_from_db()
    assert condition.ended_on is None


def test_automatic_contraindications_cannot_be_recorded_by_hand(client, derek, alice):
    client.force_login(derek)
    response = client.post(
        f"/patients/{alice.pk}/conditions/",
        {"contraindication": contraindication_id("Age under 18"), "started_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not PatientCondition.objects.exists()


def test_condition_of_another_patient_cannot_be_ended_through_this_chart(client, derek, alice, bob):
    bobs = PatientConditionFactory(patient=bob, named=PREGNANCY)
    client.force_login(derek)
    response = client.post(f"/patients/{alice.pk}/conditions/{bobs.pk}/end/", {"ended_on": str(timezone.localdate())})
    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.ended_on is None


@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_front_desk_and_patients_cannot_record_or_end_conditions(client, charlie, alice, who):
    condition = PatientConditionFactory(patient=alice, named=PREGNANCY)
    client.force_login(charlie if who == "charlie" else alice.portal_user)

    added = client.post(
        f"/patients/{alice.pk}/conditions/",
        {"contraindication": contraindication_id(ISOTRETINOIN), "started_on": "2025-01-01"},
    )
    ended = client.post(f"/patients/{alice.pk}/conditions/{condition.pk}/end/", {"ended_on": "2025-02-01"})

    assert (added.status_code, ended.status_code) == (403, 403)
    assert list(PatientCondition.objects.all()) == [condition]
    condition.refresh_from_db()
    assert condition.ended_on is None


def test_condition_pages_take_only_post(client, derek, alice):
    condition = PatientConditionFactory(patient=alice, named=PREGNANCY)
    client.force_login(derek)
    assert client.get(f"/patients/{alice.pk}/conditions/").status_code == 405
    assert client.get(f"/patients/{alice.pk}/conditions/{condition.pk}/end/").status_code == 405


def test_front_desk_chart_shows_no_contraindication_or_ingredient_allergy(client, charlie, derek, alice):
    alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
    PatientConditionFactory(patient=alice, named=PREGNANCY, notes="Due in June")

    client.force_login(derek)
    dermatologist_chart = client.get(f"/patients/{alice.pk}/").content.decode()
    client.force_login(charlie)
    front_desk_chart = client.get(f"/patients/{alice.pk}/").content.decode()

    for clinical in ["Before any cocktail", "Vitamin B1 (thiamine)", "Pregnancy or breastfeeding", "Due in June"]:
        assert clinical in dermatologist_chart
        assert clinical not in front_desk_chart
    assert "Alice Archer" in front_desk_chart
