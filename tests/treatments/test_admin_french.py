"""The treatments' admin in the manager's language: a French browser reads the catalogues'
field labels and the models' names in French; an English one reads them as before."""

import html
import re

import pytest

from tests.factories import IngredientFactory
from treatments.models import Protocol, TreatmentArea

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def field_labels(response) -> set[str]:
    """The labels of a change form's fields, as the manager reads them (without the colon)."""
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", response.content.decode())
    return {html.unescape(label).strip().removesuffix(":").strip() for label in labels}


@pytest.mark.parametrize(
    ("browser", "labels"),
    [
        (FRENCH, {"Nom", "Catégorie", "Unité", "Quantité habituelle", "Source des maximums", "Zones autorisées"}),
        (ENGLISH, {"Name", "Category", "Unit", "Typical amount", "Limits source", "Allowed areas"}),
    ],
)
def test_an_ingredients_change_form_reads_in_the_browsers_language(client, margaret, browser, labels):
    ingredient = IngredientFactory()
    client.force_login(margaret)

    response = client.get(f"/admin/treatments/ingredient/{ingredient.pk}/change/", **browser)

    assert response.status_code == 200
    assert labels <= field_labels(response)


def test_an_areas_change_form_reads_in_french(client, margaret):
    face = TreatmentArea.objects.get(name="Face")
    client.force_login(margaret)

    response = client.get(f"/admin/treatments/treatmentarea/{face.pk}/change/", **FRENCH)

    assert response.status_code == 200
    assert {
        "Nom",
        "Durée par défaut (minutes)",
        "Volume habituel par séance (mL)",
        "Technique",
        "Aiguille",
    } <= field_labels(response)


def test_a_protocols_change_form_reads_in_french(client, margaret):
    protocol = Protocol.objects.get(name="Skin rejuvenation")
    client.force_login(margaret)

    response = client.get(f"/admin/treatments/protocol/{protocol.pk}/change/", **FRENCH)

    assert response.status_code == 200
    assert {
        "Séances",
        "Intervalle (jours)",
        "Intervalle d'entretien (jours)",
        "Nombre de séances d'entretien",
        "Zones par défaut",
        "Formulation par défaut",
    } <= field_labels(response)


@pytest.mark.parametrize(
    ("browser", "models"),
    [
        (FRENCH, ["Allergènes", "Ingrédients", "Lots", "Produits", "Protocoles", "Cures", "Zones traitées"]),
        (ENGLISH, ["Allergens", "Ingredients", "Lots", "Products", "Protocols", "Treatment plans", "Treatment areas"]),
    ],
)
def test_the_admin_names_the_treatments_models_in_the_browsers_language(client, margaret, browser, models):
    client.force_login(margaret)

    response = client.get("/admin/treatments/", **browser)

    assert response.status_code == 200
    shown = [model["name"] for model in response.context["app_list"][0]["models"]]
    assert set(models) <= {str(name) for name in shown}


def test_an_ingredients_changelist_is_titled_in_french(client, margaret):
    client.force_login(margaret)

    response = client.get("/admin/treatments/ingredient/", **FRENCH)

    assert response.status_code == 200
    assert "ingrédient" in str(response.context["title"])
