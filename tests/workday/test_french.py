"""The chart in French, and a patient's preferred language reaching their portal account.
(English: the other modules.)"""

import html

from django.utils import timezone

from clinic.models import User
from patients.models import Patient
from tests.factories import PatientFactory
from tests.treatments.test_aftercare import course, done

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def contact_details(patient: Patient, **changes) -> dict:
    return {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": str(patient.date_of_birth),
        "sex": patient.sex,
        "phone": patient.phone,
        "email": patient.email,
        "address": patient.address,
        "preferred_language": patient.preferred_language,
        **changes,
    }


def test_a_patient_who_now_reads_french_gets_a_french_portal(client, charlie, alice):
    client.force_login(charlie)
    response = client.post(f"/patients/{alice.pk}/edit/", contact_details(alice, preferred_language="fr"))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.preferred_language == "fr"
    assert alice.portal_user.language == "fr"
    client.force_login(alice.portal_user)
    portal = text_of(client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="fr">' in portal
    assert "Se déconnecter" in portal


def test_editing_other_details_keeps_the_language_the_patient_chose_in_the_portal(client, charlie, alice):
    """Alice's documents are in English, but she switched her portal to French herself."""
    User.objects.filter(pk=alice.portal_user_id).update(language="fr")
    client.force_login(charlie)
    client.post(f"/patients/{alice.pk}/edit/", contact_details(alice, phone="07 00 00 00 01"))
    alice.refresh_from_db()
    assert alice.phone == "07 00 00 00 01"
    assert alice.portal_user.language == "fr"


def test_a_patient_without_a_portal_account_changes_language_alone(client, charlie):
    patient = PatientFactory()
    client.force_login(charlie)
    client.post(f"/patients/{patient.pk}/edit/", contact_details(patient, preferred_language="fr"))
    patient.refresh_from_db()
    assert patient.preferred_language == "fr"
    assert patient.portal_user is None
    assert not User.objects.filter(language="fr").exists()


def test_registering_and_editing_say_so_in_french(client, charlie, alice):
    client.force_login(charlie)
    details = {"first_name": "Inès", "last_name": "Dupont", "date_of_birth": "1985-04-12", "sex": "female"}
    registered = text_of(client.post("/patients/new/", details, follow=True, **FRENCH))
    assert "Inès Dupont est enregistré." in registered
    edited = client.post(
        f"/patients/{alice.pk}/edit/", contact_details(alice, phone="07 00 00 00 01"), follow=True, **FRENCH
    )
    assert "Modifications enregistrées." in text_of(edited)


def test_the_history_names_changes_and_fields_in_french(client, derek, alice):
    client.force_login(derek)
    client.post(
        f"/patients/{alice.pk}/edit/", {**contact_details(alice, phone="07 00 00 00 01"), "allergies": "Lidocaine"}
    )
    page = text_of(client.get(f"/patients/{alice.pk}/history/", **FRENCH))
    assert "Dossier patient (modification)" in page
    assert "Téléphone:" in page


def test_the_history_shows_values_as_the_language_writes_them(client, derek, alice):
    session = done(course(alice, derek).sessions.get(number=1), derek)
    client.force_login(derek)

    page = text_of(client.get(f"/patients/{alice.pk}/history/", **FRENCH))

    assert "Statut: « Prévue » → « Faite »" in page
    assert f"« — » → « {timezone.localtime(session.done_at):%d/%m/%Y %H:%M} »" in page
    assert "None" not in page and "« planned »" not in page
