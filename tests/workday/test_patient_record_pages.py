from datetime import date, timedelta

import pytest
from django.utils import timezone

from patients.models import Patient
from scheduling.models import Appointment
from tests.factories import AppointmentFactory, PatientFactory

NEW_PATIENT = {
    "first_name": "Inès",
    "last_name": "Dupont",
    "date_of_birth": "1985-04-12",
    "sex": "female",
    "phone": "06 11 22 33 44",
    "email": "ines.dupont@example.org",
    "address": "3 rue Oberkampf, 75011 Paris",
}


def test_front_desk_registers_a_patient_with_contact_details_only(client, charlie):
    client.force_login(charlie)
    form_page = client.get("/patients/new/").content.decode()
    assert 'name="first_name"' in form_page
    assert 'name="allergies"' not in form_page

    response = client.post("/patients/new/", {**NEW_PATIENT, "allergies": "Lidocaine"})

    patient = Patient.objects.get(last_name="Dupont")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/"
    assert patient.allergies == ""  # the front desk cannot write clinical fields
    assert patient.registered_by == charlie
    assert "Inès Dupont is registered." in client.get(response["Location"]).content.decode()


def test_dermatologist_records_the_clinical_profile(client, derek):
    client.force_login(derek)
    response = client.post(
        "/patients/new/",
        {
            **NEW_PATIENT,
            "skin_type": "3",
            "allergies": "Lidocaine",
            "current_medications": "Apixaban",
        },
    )
    assert response.status_code == 302
    patient = Patient.objects.get(last_name="Dupont")
    assert patient.allergies == "Lidocaine"
    assert patient.skin_type == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", str(date.today() + timedelta(days=2)), "The date of birth cannot be in the future."),
        ("date_of_birth", "12/31/1985", "Enter a valid date."),
        ("email", "ines.dupont@", "Enter a valid email address."),
        ("phone", "call me maybe", "Enter a phone number"),
        ("first_name", "   ", "This field is required."),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_keeps_what_was_typed(client, charlie, field, value, message):
    client.force_login(charlie)
    response = client.post("/patients/new/", {**NEW_PATIENT, field: value})
    assert response.status_code == 200
    assert not Patient.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'value="ines.dupont@example.org"' in page or field == "email"
    assert 'value="3 rue Oberkampf' not in page  # the address is a textarea
    assert "3 rue Oberkampf, 75011 Paris</textarea>" in page


def test_rejected_edit_changes_nothing_already_saved(client, derek, alice):
    client.force_login(derek)
    response = client.post(
        f"/patients/{alice.pk}/edit/",
        {
            "first_name": "Alicia",
            "last_name": "Archer",
            "date_of_birth": "2999-01-01",
            "sex": "female",
            "allergies": "",
        },
    )
    assert response.status_code == 200
    assert "Edit Alice Archer" in response.content.decode()
    alice.refresh_from_db()
    assert alice.first_name == "Alice"
    assert alice.allergies == "Lidocaine"


def test_front_desk_edits_contacts_without_seeing_or_touching_clinical_fields(client, charlie, alice):
    client.force_login(charlie)
    chart = client.get(f"/patients/{alice.pk}/").content.decode()
    assert "Lidocaine" not in chart
    assert "Clinical profile" not in chart
    edit_page = client.get(f"/patients/{alice.pk}/edit/").content.decode()
    assert "Lidocaine" not in edit_page

    response = client.post(
        f"/patients/{alice.pk}/edit/",
        {
            "first_name": "Alice",
            "last_name": "Archer",
            "date_of_birth": str(alice.date_of_birth),
            "sex": "female",
            "phone": "07 00 00 00 01",
            "email": "alice@example.org",
            "allergies": "",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.phone == "07 00 00 00 01"
    assert alice.allergies == "Lidocaine"


def test_dermatologist_sees_the_clinical_profile_on_the_chart(client, derek, alice):
    client.force_login(derek)
    chart = client.get(f"/patients/{alice.pk}/").content.decode()
    assert "Clinical profile" in chart
    assert "Lidocaine" in chart


def test_likely_duplicate_is_flagged_until_confirmed(client, charlie):
    existing = PatientFactory(first_name="Inès", last_name="Dupont", date_of_birth=date(1985, 4, 12))
    client.force_login(charlie)

    response = client.post("/patients/new/", {**NEW_PATIENT, "first_name": "inès ", "last_name": "DUPONT"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "already registered" in page
    assert f'href="/patients/{existing.pk}/"' in page
    assert Patient.objects.count() == 1

    response = client.post("/patients/new/", {**NEW_PATIENT, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_unknown_patient_ids_answer_404(client, derek):
    client.force_login(derek)
    assert client.get("/patients/8f0c3a5e-1111-4c2b-9d7e-000000000000/").status_code == 404
    assert client.get("/patients/8f0c3a5e-1111-4c2b-9d7e-000000000000/edit/").status_code == 404
    assert client.post("/patients/8f0c3a5e-1111-4c2b-9d7e-000000000000/archive/").status_code == 404
    assert client.get("/patients/not-a-uuid/").status_code == 404


def test_archiving_hides_from_the_list_and_keeps_the_chart(client, charlie, alice, bob):
    client.force_login(charlie)
    chart = client.post(f"/patients/{alice.pk}/archive/", follow=True)
    assert chart.redirect_chain == [(f"/patients/{alice.pk}/", 302)]
    assert "Archived on" in chart.content.decode()

    assert list(client.get("/patients/").context["patients"]) == [bob]
    assert list(client.get("/patients/", {"q": "Archer"}).context["patients"]) == []
    assert list(client.get("/patients/", {"show": "archived"}).context["patients"]) == [alice]

    client.post(f"/patients/{alice.pk}/restore/", follow=True)
    assert list(client.get("/patients/").context["patients"]) == [alice, bob]


def test_patient_portal_shows_only_the_patients_own_record(client, alice, bob):
    client.force_login(alice.portal_user)
    page = client.get("/portal/").content.decode()
    assert "Alice Archer" in page
    assert "Baker" not in page
    assert "Lidocaine" not in page  # clinical notes stay in the clinic


@pytest.mark.parametrize(("first_name", "last_name"), [("ÉLOÏSE", "DUPRÉ"), ("eloise", "dupre"), (" Éloïse ", "Dupré")])
def test_duplicate_warning_ignores_case_accents_and_spaces(client, charlie, first_name, last_name):
    PatientFactory(first_name="Éloïse", last_name="Dupré", date_of_birth=date(1980, 1, 1))
    client.force_login(charlie)
    response = client.post(
        "/patients/new/",
        {**NEW_PATIENT, "first_name": first_name, "last_name": last_name, "date_of_birth": "1980-01-01"},
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Patient.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": "\u200b"}, "first_name", "This field is required."),
        ({"last_name": "---"}, "last_name", "Enter a name with at least one letter."),
        ({"address": "x" * 501}, "address", "Ensure this value has at most 500 characters"),
    ],
)
def test_implausible_records_are_refused(client, derek, changes, field, message):
    client.force_login(derek)
    response = client.post("/patients/new/", {**NEW_PATIENT, **changes})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Patient.objects.exists()


def test_chart_lists_the_next_appointments_and_books_another_for_this_patient(client, charlie, alice):
    now = timezone.localtime()
    next_one = AppointmentFactory(patient=alice, start=now + timedelta(days=2), end=now + timedelta(days=2, minutes=30))
    AppointmentFactory(patient=alice, start=now - timedelta(days=2), end=now - timedelta(days=2, minutes=-30))
    AppointmentFactory(
        patient=alice,
        start=now + timedelta(days=3),
        end=now + timedelta(days=3, minutes=30),
        status=Appointment.Status.CANCELLED,
    )
    client.force_login(charlie)

    response = client.get(f"/patients/{alice.pk}/")

    assert list(response.context["upcoming"]) == [next_one]
    assert f'href="/appointments/new/?patient={alice.pk}"' in response.content.decode()


def test_chart_queries_do_not_grow_with_appointments(client, charlie, alice, django_assert_num_queries):
    client.force_login(charlie)
    client.get(f"/patients/{alice.pk}/")
    now = timezone.localtime()
    for day in range(1, 6):
        start = now + timedelta(days=day)
        AppointmentFactory(patient=alice, start=start, end=start + timedelta(minutes=30))
    # session, user, groups, patient, appointments, courses; the consents: the next session
    # booked, the course under way, signatures, forms with their protocols and versions;
    # the messages sent to the patient (its channel choices come with the patient).
    with django_assert_num_queries(13):
        client.get(f"/patients/{alice.pk}/")
