"""A dermatologist may go ahead despite a warning after recording why; never despite a block."""

import pytest

from patients.models import Contraindication, Patient
from tests.factories import FormulationFactory, PatientConditionFactory, UserFactory
from tests.treatments.cocktail_forms import VITAMIN_B1, VITAMIN_C, cocktail_form, ingredient
from treatments.models import SafetyAcknowledgement

DARK_SKIN_TYPE = "Fitzpatrick skin type IV to VI"


@pytest.fixture
def cocktail(alice, derek):
    """Alice's own cocktail; her skin type IV calls for a warning."""
    Patient.objects.filter(pk=alice.pk).update(skin_type=Patient.SkinType.IV)
    return FormulationFactory(name="Alice's glow", patient=alice, created_by=derek, ingredients=[VITAMIN_C])


def warning_key():
    return f"auto:{Contraindication.objects.get(name=DARK_SKIN_TYPE).pk}"


def test_acknowledging_a_warning_records_who_and_why(client, derek, alice, cocktail):
    client.force_login(derek)

    response = client.post(
        f"/formulations/{cocktail.pk}/acknowledge/",
        {"finding_key": warning_key(), "reason": "Test patch on 2 March, no pigmentation."},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/formulations/{cocktail.pk}/"
    acknowledgement = SafetyAcknowledgement.objects.get()
    assert acknowledgement.patient == alice
    assert acknowledgement.formulation == cocktail
    assert acknowledgement.acknowledged_by == derek
    assert acknowledgement.reason == "Test patch on 2 March, no pigmentation."
    assert acknowledgement.finding == "Fitzpatrick skin type IV to VI."
    page = client.get(response["Location"]).content.decode()
    assert "Warning acknowledged; your reason is on record." in page
    assert "Acknowledged:</strong> Fitzpatrick skin type IV to VI." in page
    assert "“Test patch on 2 March, no pigmentation.”" in page
    assert "Acknowledge this warning" not in page


def test_acknowledging_twice_keeps_the_first_reason(client, derek, cocktail):
    client.force_login(derek)
    url = f"/formulations/{cocktail.pk}/acknowledge/"
    client.post(url, {"finding_key": warning_key(), "reason": "Patch test on the forearm was clear."}, follow=True)
    client.force_login(UserFactory(username="dora", role="dermatologist"))
    page = client.post(
        url, {"finding_key": warning_key(), "reason": "Discussed again with the patient today."}, follow=True
    ).content.decode()

    assert list(SafetyAcknowledgement.objects.values_list("reason", "acknowledged_by")) == [
        ("Patch test on the forearm was clear.", derek.pk)
    ]
    assert f"{derek} already acknowledged this warning on" in page
    assert "your reason is on record" not in page


def test_editing_an_acknowledged_version_makes_the_next_version(client, derek, alice, cocktail):
    client.force_login(derek)
    client.post(
        f"/formulations/{cocktail.pk}/acknowledge/",
        {"finding_key": warning_key(), "reason": "Patch test was clear after a week."},
    )
    assert "Saving creates version 2" in client.get(f"/formulations/{cocktail.pk}/edit/").content.decode()

    response = client.post(
        f"/formulations/{cocktail.pk}/edit/",
        cocktail_form((VITAMIN_C, "2", "%"), name="Alice's glow", patient=alice),
    )

    revised = cocktail.versions()[-1]
    assert revised.version == 2
    assert response["Location"] == f"/formulations/{revised.pk}/"
    assert SafetyAcknowledgement.objects.get().formulation == cocktail
    assert [(line.ingredient.name, line.amount) for line in revised.lines.all()] == [(VITAMIN_C, 2)]
    assert revised.pk != cocktail.pk


def test_acknowledgement_holds_for_this_version_only(client, derek, alice, cocktail):
    other = FormulationFactory(patient=alice, created_by=derek, ingredients=[VITAMIN_C])
    client.force_login(derek)
    client.post(
        f"/formulations/{cocktail.pk}/acknowledge/",
        {"finding_key": warning_key(), "reason": "Patch test was clear after a week."},
    )

    page = client.get(f"/formulations/{other.pk}/").content.decode()

    assert "Acknowledge this warning" in page
    assert "Patch test was clear after a week." not in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_acknowledgement_without_a_reason_is_refused(client, derek, cocktail, reason):
    client.force_login(derek)

    response = client.post(
        f"/formulations/{cocktail.pk}/acknowledge/", {"finding_key": warning_key(), "reason": reason}, follow=True
    )

    assert not SafetyAcknowledgement.objects.exists()
    page = response.content.decode()
    assert "Say why it is safe to go ahead before acknowledging the warning." in page
    assert "Acknowledge this warning" in page


def test_block_cannot_be_acknowledged(client, derek, alice):
    b1 = ingredient(VITAMIN_B1)
    alice.allergens.add(b1.own_allergen)
    cocktail = FormulationFactory(patient=alice, created_by=derek, ingredients=[VITAMIN_B1])
    client.force_login(derek)

    response = client.post(
        f"/formulations/{cocktail.pk}/acknowledge/",
        {"finding_key": f"allergy:{b1.own_allergen.pk}:{b1.pk}", "reason": "She says it was mild."},
        follow=True,
    )

    assert not SafetyAcknowledgement.objects.exists()
    page = response.content.decode()
    assert "A block cannot be overridden in Mesoplan." in page
    assert "Blocked:</strong> Allergic to Vitamin B1 (thiamine)." in page


def test_warning_that_no_longer_applies_cannot_be_acknowledged(client, derek, alice, cocktail):
    condition = PatientConditionFactory(patient=alice, named="Oral isotretinoin")
    stale_key = f"condition:{condition.pk}"
    condition.delete()
    client.force_login(derek)

    response = client.post(
        f"/formulations/{cocktail.pk}/acknowledge/",
        {"finding_key": stale_key, "reason": "Stopped the treatment last month."},
        follow=True,
    )

    assert not SafetyAcknowledgement.objects.exists()
    assert "This warning no longer applies; reload the page." in response.content.decode()


def test_clinic_template_has_nothing_to_acknowledge(client, derek):
    template = FormulationFactory(created_by=derek, ingredients=[VITAMIN_C])
    client.force_login(derek)
    response = client.post(f"/formulations/{template.pk}/acknowledge/", {"finding_key": "auto:1", "reason": "x"})
    assert response.status_code == 404


def test_front_desk_cannot_acknowledge(client, charlie, cocktail):
    client.force_login(charlie)
    response = client.post(f"/formulations/{cocktail.pk}/acknowledge/", {"finding_key": warning_key(), "reason": "x"})
    assert response.status_code == 403
    assert not SafetyAcknowledgement.objects.exists()
