"""The new-cocktail page and its side panel, which checks the cocktail for the patient as
the dermatologist composes it (htmx posts the form to /formulations/preview/)."""

import re

import pytest

from tests.factories import FormulationFactory
from tests.treatments.cocktail_forms import TRANEXAMIC_ACID, VITAMIN_B1, VITAMIN_C, ZINC, cocktail_form, ingredient
from treatments.models import Formulation


def selected_ingredients(page: str) -> list[str]:
    """Names of the ingredients picked in the line rows, in order."""
    rows = page.split('<tbody id="line-rows">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<option value="\d+"[^>]*\bselected\b[^>]*>([^<]+)</option>', rows)


@pytest.fixture
def scalp_template(derek):
    return FormulationFactory(
        name="Scalp", indication="hair_loss", total_volume_ml="4", created_by=derek, ingredients=[VITAMIN_B1, ZINC]
    )


def test_starting_from_a_template_prefills_its_lines_for_the_patient(client, derek, alice, scalp_template):
    client.force_login(derek)

    response = client.get("/formulations/new/", {"from": scalp_template.pk, "patient": alice.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "New cocktail for Alice Archer" in page
    assert 'value="Scalp — Alice Archer"' in page
    assert selected_ingredients(page) == [VITAMIN_B1, ZINC]
    assert 'name="lines-TOTAL_FORMS" value="2"' in page
    assert 'name="lines-0-amount" value="1"' in page
    assert f'name="patient" value="{alice.pk}"' in page
    assert "No allergy or contraindication found for this patient." in page


def test_composition_panel_shows_the_block_for_an_allergic_patient(client, derek, alice, scalp_template):
    alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
    client.force_login(derek)

    page = client.get("/formulations/new/", {"from": scalp_template.pk, "patient": alice.pk}).content.decode()

    panel = page.split('id="composition-summary"', 1)[1]
    assert "Blocked:</strong> Allergic to Vitamin B1 (thiamine)." in panel
    assert "Leave it out of the cocktail." in panel
    assert "Allergies: <strong" in page  # the patient's allergies above the form
    assert not Formulation.objects.filter(patient=alice).exists()  # a GET saves nothing


def test_starting_from_a_template_without_a_patient_makes_a_copy(client, derek, scalp_template):
    client.force_login(derek)
    page = client.get("/formulations/new/", {"from": scalp_template.pk}).content.decode()
    assert "New clinic template" in page
    assert 'value="Scalp (copy)"' in page
    assert selected_ingredients(page) == [VITAMIN_B1, ZINC]
    assert "for this patient" not in page


def test_preview_returns_the_panel_with_the_block(client, derek, alice):
    alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
    client.force_login(derek)

    response = client.post(
        "/formulations/preview/",
        cocktail_form((ZINC, "1", "mg"), (VITAMIN_B1, "5", "mg"), patient=alice),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="composition-summary"')
    assert "Blocked:</strong> Allergic to Vitamin B1 (thiamine)." in fragment
    assert not Formulation.objects.exists()


def test_preview_without_the_allergen_shows_no_block(client, derek, alice):
    alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
    client.force_login(derek)

    fragment = client.post(
        "/formulations/preview/", cocktail_form((ZINC, "1", "mg"), (VITAMIN_C, "2", "%"), patient=alice)
    ).content.decode()

    assert "Blocked" not in fragment
    assert "No allergy or contraindication found for this patient." in fragment


def test_preview_leaves_out_a_removed_line(client, derek, alice):
    alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
    client.force_login(derek)

    fragment = client.post(
        "/formulations/preview/", cocktail_form((ZINC, "1", "mg"), (VITAMIN_B1, "5", "mg", True), patient=alice)
    ).content.decode()

    assert "Blocked" not in fragment


def test_preview_checks_the_ingredient_even_before_its_amount_is_valid(client, derek, alice):
    alice.allergens.add(ingredient(TRANEXAMIC_ACID).own_allergen)
    client.force_login(derek)

    fragment = client.post(
        "/formulations/preview/", cocktail_form((TRANEXAMIC_ACID, "20", "%"), patient=alice)
    ).content.decode()

    assert "Line 1: Tranexamic acid: 20 % is above the maximum per mL (50 mg/mL)." in fragment
    assert "Blocked:</strong> Allergic to Tranexamic acid." in fragment


def test_preview_of_a_template_lists_problems_without_a_safety_check(client, derek):
    client.force_login(derek)

    fragment = client.post(
        "/formulations/preview/", cocktail_form((VITAMIN_C, "1", "%"), (VITAMIN_C, "2", "%"))
    ).content.decode()

    assert "Vitamin C (ascorbic acid) appears on 2 lines; put it on one line." in fragment
    assert "No allergy or contraindication found" not in fragment
