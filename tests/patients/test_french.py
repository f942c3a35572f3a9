"""The registry in French, for a front desk whose browser asks for it: archiving and
restoring, the invitation, the record's errors and choices. (English: the other modules.)"""

import html

import pytest

from patients.models import Patient
from tests.factories import PatientFactory

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}
NEW_PATIENT = {
    "first_name": "Inès",
    "last_name": "Dupont",
    "date_of_birth": "1985-04-12",
    "sex": "female",
    "phone": "06 11 22 33 44",
}


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_archiving_and_restoring_say_so_in_french(client, charlie, alice):
    client.force_login(charlie)
    archived = text_of(client.post(f"/patients/{alice.pk}/archive/", follow=True, **FRENCH))
    assert "Alice Archer est archivé: retiré de la liste, dossier conservé." in archived
    restored = text_of(client.post(f"/patients/{alice.pk}/restore/", follow=True, **FRENCH))
    assert "Alice Archer est de retour dans la liste des patients." in restored


def test_an_invitation_is_announced_in_french(client, charlie):
    patient = PatientFactory(first_name="Zoé", last_name="Lambert", email="")
    client.force_login(charlie)
    page = text_of(client.post(f"/patients/{patient.pk}/invite/", follow=True, **FRENCH))
    assert "Invitation pour Zoé Lambert (identifiant zoelambert), valable trois jours; remettez-la au patient:" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "06 12", "Un numéro de téléphone compte de 6 à 15 chiffres (celui-ci en a 4)."),
        ("phone", "12/03/1985", "Ceci ressemble à une date; saisissez un numéro de téléphone."),
        ("date_of_birth", "2999-01-01", "La date de naissance ne peut pas être dans le futur."),
        ("first_name", "123", "Saisissez un nom comportant au moins une lettre."),
    ],
)
def test_the_records_errors_are_french(client, charlie, field, value, message):
    client.force_login(charlie)
    response = client.post("/patients/new/", {**NEW_PATIENT, field: value}, **FRENCH)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in text_of(response)
    assert not Patient.objects.exists()


def test_a_likely_duplicate_is_pointed_out_in_french(client, charlie):
    PatientFactory(first_name="Inès", last_name="Dupont", date_of_birth="1985-04-12")
    client.force_login(charlie)
    page = text_of(client.post("/patients/new/", NEW_PATIENT, **FRENCH))
    assert "Un patient avec ce nom et cette date de naissance est déjà enregistré:" in page
    assert "C'est une autre personne: l'enregistrer quand même" in page


def test_the_records_labels_and_choices_are_french(client, derek):
    client.force_login(derek)
    page = text_of(client.get("/patients/new/", **FRENCH))
    for words in ("Prénom", "Date de naissance", "Femme", "Préfère ne pas le dire", "Langue préférée", "Français"):
        assert words in page, words
    assert "III: brûle parfois, bronze uniformément" in page
