"""Treatments' own words in the reader's language: a French browser reads the safety blocks,
the refusals, the messages, the choices and the amounts in French (with its decimal comma);
an English one reads them as before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    FormulationFactory,
    IngredientFactory,
    TreatmentPlanFactory,
    record_visit_of,
)
from tests.treatments.cocktail_forms import VITAMIN_B1, ZINC, cocktail_form, ingredient
from tests.treatments.test_reactions import record_form
from treatments.models import Indication

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize(
    ("browser", "refusal"),
    [
        (FRENCH, "Ce cocktail ne peut pas être administré à ce patient: Allergique à Vitamin B1 (thiamine)."),
        (ENGLISH, "This cocktail cannot be given to this patient: Allergic to Vitamin B1 (thiamine)."),
    ],
)
def test_a_cocktails_safety_block_reads_in_the_browsers_language(client, derek, alice, browser, refusal):
    alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
    client.force_login(derek)

    response = client.post(
        "/formulations/new/", cocktail_form((VITAMIN_B1, "5", "mg"), (ZINC, "1", "mg"), patient=alice), **browser
    )

    assert response.status_code == 200
    assert refusal in response.context["form"].non_field_errors()


@pytest.mark.parametrize(
    ("browser", "problem"),
    [
        (FRENCH, "Copper peptide: 30 mg dans 2,5 mL (12 mg/mL) dépasse le maximum par mL (10 mg/mL)."),
        (ENGLISH, "Copper peptide: 30 mg in 2.5 mL (12 mg/mL) is above the maximum per mL (10 mg/mL)."),
    ],
)
def test_a_dose_above_the_maximum_writes_its_amounts_as_the_language_does(client, derek, browser, problem):
    IngredientFactory(name="Copper peptide", unit="mg", max_per_ml=10, max_per_session=100)
    client.force_login(derek)

    response = client.post(
        "/formulations/new/", cocktail_form(("Copper peptide", "30", "mg"), total_volume_ml="2.5"), **browser
    )

    assert response.status_code == 200
    assert problem in response.context["summary"]["problems"][0]


@pytest.mark.parametrize(
    ("browser", "saved"),
    [(FRENCH, "Melasma, spring est enregistré."), (ENGLISH, "Melasma, spring is saved.")],
)
def test_saving_a_cocktail_says_so_in_the_browsers_language(client, derek, browser, saved):
    client.force_login(derek)

    response = client.post("/formulations/new/", cocktail_form((ZINC, "1", "mg")), follow=True, **browser)

    assert [str(message) for message in response.context["messages"]] == [saved]


@pytest.mark.parametrize(
    ("browser", "label"), [(FRENCH, "Pigmentation / mélasma"), (ENGLISH, "Pigmentation / melasma")]
)
def test_a_cocktails_indication_shows_its_label_in_the_browsers_language(client, derek, browser, label):
    cocktail = FormulationFactory(indication=Indication.PIGMENTATION, ingredients=[ZINC])
    client.force_login(derek)

    response = client.get(f"/formulations/{cocktail.pk}/", **browser)

    assert label in response.content.decode()


@pytest.mark.parametrize(
    ("browser", "field", "message"),
    [
        (FRENCH, "reactions", "Enregistrez la réaction immédiate (ou aucune)."),
        (ENGLISH, "reactions", "Record the immediate reaction (or none)."),
    ],
)
def test_a_recording_without_its_reaction_is_refused_in_the_browsers_language(
    client, derek, alice, browser, field, message
):
    session = TreatmentPlanFactory(patient=alice, created_by=derek).sessions.get(number=1)
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", record_form(client, session, derek, reactions=[]), **browser)

    assert response.status_code == 200
    assert message in response.context["record"].errors[field]


@pytest.mark.parametrize(
    ("browser", "refusal"),
    [
        (FRENCH, "HA vial, lot LOT-1, périmé le {day}: ne l'utilisez pas."),
        (ENGLISH, "HA vial, lot LOT-1, expired on {day}: do not use it."),
    ],
)
def test_an_expired_lot_is_refused_beside_its_row_in_the_browsers_language(client, derek, alice, browser, refusal):
    session = TreatmentPlanFactory(patient=alice, created_by=derek).sessions.get(number=1)
    yesterday = timezone.localdate() - timedelta(days=1)
    client.force_login(derek)

    response = client.post(
        f"/sessions/{session.pk}/",
        record_form(client, session, derek, **{"lots-0-expiry_date": yesterday.strftime("%d/%m/%Y")}),
        **browser,
    )

    assert response.status_code == 200
    assert response.context["lots"].forms[0].errors["expiry_date"] == [refusal.format(day=f"{yesterday:%d/%m/%Y}")]
    session.refresh_from_db()
    assert not session.is_done


@pytest.mark.parametrize(("browser", "signs"), [(FRENCH, "Rougeur, Gonflement"), (ENGLISH, "Redness, Swelling")])
def test_the_signs_recorded_at_a_session_read_in_the_browsers_language(client, derek, alice, browser, signs):
    session = TreatmentPlanFactory(patient=alice, created_by=derek).sessions.get(number=1)
    record_visit_of(session, by=derek, reactions=["redness", "swelling"])
    client.force_login(derek)

    assert signs in client.get(f"/sessions/{session.pk}/", **browser).content.decode()
