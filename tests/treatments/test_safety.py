"""Is this cocktail safe for this patient on this day? One kind of finding per test."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from patients.models import Contraindication, Patient
from tests.factories import FormulationFactory, PatientConditionFactory, PatientFactory
from tests.treatments.cocktail_forms import GLUTATHIONE, TRANEXAMIC_ACID, VITAMIN_B1, VITAMIN_C, ZINC, ingredient
from treatments.safety import (
    acknowledge_finding,
    check_formulation_for_patient,
    check_ingredients_for_patient,
    check_patient,
)

CLOTTING = (
    "Thromboembolism, stroke, clotting disorder, ischaemic heart disease, severe renal failure, seizures or "
    "colour-vision disturbance"
)
CONTRACEPTION = "Hormonal contraception or smoking"
PREGNANCY = "Pregnancy or breastfeeding"
ISOTRETINOIN = "Oral isotretinoin"
CHEMOTHERAPY = "Cancer, chemotherapy or radiotherapy"


def spelled_out(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def findings_for(patient, *names, on_date=None):
    return check_ingredients_for_patient(
        patient=patient,
        ingredients=[ingredient(name) for name in names],
        on_date=on_date or timezone.localdate(),
    )


def summary(findings):
    return [(finding.level, finding.reason) for finding in findings]


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Inès", last_name="Dupont", date_of_birth=date(1985, 4, 12))


def test_no_finding_for_a_patient_with_nothing_on_record(patient):
    assert findings_for(patient, VITAMIN_B1, VITAMIN_C, TRANEXAMIC_ACID) == []


def test_allergy_to_an_ingredient_blocks_a_cocktail_containing_it(patient):
    patient.allergens.add(ingredient(VITAMIN_B1).own_allergen)

    findings = findings_for(patient, ZINC, VITAMIN_B1)

    assert summary(findings) == [("block", "Allergic to Vitamin B1 (thiamine).")]
    assert findings[0].is_block
    assert findings_for(patient, ZINC, VITAMIN_C) == []
    assert check_patient(patient=patient, on_date=timezone.localdate()) == []  # not on the chart's list


def test_clotting_disorder_blocks_only_cocktails_with_tranexamic_acid(patient):
    PatientConditionFactory(patient=patient, named=CLOTTING, started_on=date(2020, 3, 1))

    assert summary(findings_for(patient, VITAMIN_C, TRANEXAMIC_ACID)) == [
        ("block", f"{CLOTTING} (with Tranexamic acid) since 1 March 2020.")
    ]
    assert findings_for(patient, VITAMIN_C, GLUTATHIONE) == []
    assert check_patient(patient=patient, on_date=timezone.localdate()) == []


def test_hormonal_contraception_warns_only_with_tranexamic_acid(patient):
    PatientConditionFactory(patient=patient, named=CONTRACEPTION, started_on=None, notes="combined pill")

    assert summary(findings_for(patient, TRANEXAMIC_ACID)) == [
        ("warn", "Hormonal contraception or smoking (with Tranexamic acid) (combined pill).")
    ]
    assert findings_for(patient, VITAMIN_C) == []


def test_pregnancy_blocks_any_cocktail(patient):
    PatientConditionFactory(patient=patient, named=PREGNANCY, started_on=date(2025, 1, 10))

    expected = [("block", "Pregnancy or breastfeeding since 10 January 2025.")]
    assert summary(findings_for(patient, ZINC)) == expected
    assert summary(findings_for(patient, VITAMIN_C, TRANEXAMIC_ACID)) == expected
    assert summary(check_patient(patient=patient, on_date=timezone.localdate())) == expected


def test_blocks_come_before_warnings(patient):
    PatientConditionFactory(patient=patient, named=CONTRACEPTION)
    PatientConditionFactory(patient=patient, named=PREGNANCY)
    patient.allergens.add(ingredient(VITAMIN_C).own_allergen)

    levels = [finding.level for finding in findings_for(patient, VITAMIN_C, TRANEXAMIC_ACID)]

    assert levels == ["block", "block", "warn"]


def test_ended_condition_warns_until_its_waiting_period_ends(patient):
    today = timezone.localdate()
    ended = today - timedelta(days=30)
    PatientConditionFactory(patient=patient, named=ISOTRETINOIN, started_on=ended - timedelta(days=120), ended_on=ended)

    findings = findings_for(patient, ZINC)

    assert summary(findings) == [
        (
            "warn",
            f"Oral isotretinoin: ended {spelled_out(ended)}; the waiting period ends on "
            f"{spelled_out(ended + timedelta(days=180))}.",
        )
    ]
    assert findings[0].key.endswith(":waiting")
    assert findings_for(patient, ZINC, on_date=ended + timedelta(days=180)) == []


def test_condition_whose_waiting_period_is_over_does_not_count(patient):
    ended = timezone.localdate() - timedelta(days=200)
    PatientConditionFactory(patient=patient, named=ISOTRETINOIN, started_on=ended - timedelta(days=120), ended_on=ended)
    assert findings_for(patient, ZINC) == []


def test_condition_counts_in_full_on_the_day_it_ends(patient):
    today = timezone.localdate()
    PatientConditionFactory(patient=patient, named=PREGNANCY, started_on=date(2024, 6, 1), ended_on=today)
    assert summary(findings_for(patient, ZINC, on_date=today)) == [
        ("block", "Pregnancy or breastfeeding since 1 June 2024.")
    ]
    assert findings_for(patient, ZINC, on_date=today + timedelta(days=1)) == []  # no waiting period


def test_condition_starting_after_the_day_checked_does_not_count(patient):
    today = timezone.localdate()
    PatientConditionFactory(patient=patient, named=PREGNANCY, started_on=today)

    assert findings_for(patient, ZINC, on_date=today - timedelta(days=1)) == []
    assert len(findings_for(patient, ZINC, on_date=today)) == 1


def test_inactive_contraindication_is_not_checked(patient):
    PatientConditionFactory(patient=patient, named=PREGNANCY)
    Contraindication.objects.filter(name=PREGNANCY).update(active=False)
    assert findings_for(patient, ZINC) == []


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2007, 6, 16), [("block", "Age under 18.")]),  # 18 tomorrow
        (date(2007, 6, 15), []),  # 18 today
    ],
)
def test_patient_under_18_is_blocked_automatically(db, born, expected):
    minor = PatientFactory(date_of_birth=born)
    assert summary(findings_for(minor, ZINC, on_date=date(2025, 6, 15))) == expected


@pytest.mark.parametrize(
    ("skin_type", "expected"),
    [
        (Patient.SkinType.III, []),
        (Patient.SkinType.IV, [("warn", "Fitzpatrick skin type IV to VI.")]),
        (Patient.SkinType.VI, [("warn", "Fitzpatrick skin type IV to VI.")]),
        (None, []),
    ],
)
def test_dark_skin_type_warns_automatically(db, skin_type, expected):
    patient = PatientFactory(skin_type=skin_type)
    assert summary(findings_for(patient, ZINC)) == expected
    assert summary(check_patient(patient=patient, on_date=timezone.localdate())) == expected


def test_formulation_check_reads_the_saved_lines(patient, derek):
    patient.allergens.add(ingredient(VITAMIN_B1).own_allergen)
    with_b1 = FormulationFactory(patient=patient, created_by=derek, ingredients=[ZINC, VITAMIN_B1])
    without = FormulationFactory(patient=patient, created_by=derek, ingredients=[ZINC])

    on_date = timezone.localdate()
    assert summary(check_formulation_for_patient(patient=patient, formulation=with_b1, on_date=on_date)) == [
        ("block", "Allergic to Vitamin B1 (thiamine).")
    ]
    assert check_formulation_for_patient(patient=patient, formulation=without, on_date=on_date) == []


class TestOnThePages:
    def test_general_contraindication_shows_on_the_chart_before_any_cocktail(self, client, derek, patient):
        PatientConditionFactory(patient=patient, named=PREGNANCY, started_on=date(2025, 1, 10))
        client.force_login(derek)

        chart = client.get(f"/patients/{patient.pk}/").content.decode()

        assert "Before any cocktail" in chart
        assert "Blocked:</strong> Pregnancy or breastfeeding since 10 January 2025." in chart
        assert "No mesotherapy until breastfeeding has ended." in chart  # the advice

    def test_ingredient_rule_shows_on_the_cocktail_not_on_the_chart(self, client, derek, patient):
        PatientConditionFactory(patient=patient, named=CLOTTING)
        cocktail = FormulationFactory(patient=patient, created_by=derek, ingredients=[TRANEXAMIC_ACID])
        client.force_login(derek)

        chart = client.get(f"/patients/{patient.pk}/").content.decode()
        assert "No contraindication applies whatever the cocktail." in chart
        page = client.get(f"/formulations/{cocktail.pk}/").content.decode()
        assert f"Blocked:</strong> {CLOTTING} (with Tranexamic acid)" in page
        assert "Tranexamic acid is contraindicated: choose a cocktail without it." in page
        assert "A block cannot be overridden" in page
        assert "Acknowledge this warning" not in page

    def test_waiting_period_shows_on_the_cocktail_page_with_its_end_date(self, client, derek, patient):
        ended = timezone.localdate() - timedelta(days=30)
        PatientConditionFactory(patient=patient, named=ISOTRETINOIN, started_on=None, ended_on=ended)
        cocktail = FormulationFactory(patient=patient, created_by=derek, ingredients=[ZINC])
        client.force_login(derek)

        page = client.get(f"/formulations/{cocktail.pk}/").content.decode()

        assert f"the waiting period ends on {spelled_out(ended + timedelta(days=180))}." in page
        assert "Acknowledge this warning" in page


def test_ended_block_keeps_blocking_until_its_waiting_period_ends(patient):
    """Ending chemotherapy twenty days ago must not turn its block into a warning that "ok" answers."""
    today = timezone.localdate()
    ended = today - timedelta(days=20)
    PatientConditionFactory(patient=patient, named=CHEMOTHERAPY, started_on=ended - timedelta(days=90), ended_on=ended)

    findings = findings_for(patient, ZINC)

    assert [finding.level for finding in findings] == ["block"]
    assert findings[0].reason.startswith(f"{CHEMOTHERAPY}: ended {spelled_out(ended)}; the waiting period ends on")


def test_editing_a_condition_asks_again_for_its_acknowledgement(patient, derek):
    condition = PatientConditionFactory(patient=patient, named=ISOTRETINOIN, started_on=date(2026, 1, 5))
    cocktail = FormulationFactory(patient=patient, created_by=derek, ingredients=[ZINC])
    [finding] = check_formulation_for_patient(patient=patient, formulation=cocktail, on_date=timezone.localdate())
    acknowledge_finding(
        patient=patient,
        formulation=cocktail,
        finding_key=finding.key,
        reason="Isotretinoin stopped, dermatologist agrees.",
        acknowledged_by=derek,
    )
    [acknowledged] = check_formulation_for_patient(patient=patient, formulation=cocktail, on_date=timezone.localdate())
    assert acknowledged.acknowledgement is not None

    condition.notes = "Dose doubled in March"
    condition.save()

    [asked_again] = check_formulation_for_patient(patient=patient, formulation=cocktail, on_date=timezone.localdate())
    assert asked_again.acknowledgement is None
    assert "Dose doubled in March" in asked_again.reason
