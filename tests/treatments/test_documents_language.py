"""Every document for a patient is in the patient's language, whoever prints it: the
aftercare sheet and the plan (PDF and preview), the day's batch, the calendar file and the
portal invitation. The PDFs are tagged PDF/UA-1 and named with an ASCII fallback."""

import io
import subprocess
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from icalendar import Calendar
from pypdf import PdfReader

from clinic.roles import Role
from patients.models import Patient
from scheduling import booking
from tests.factories import AppointmentFactory, PatientFactory, RoomFactory, UserFactory, WorkingHoursFactory
from tests.treatments.test_aftercare import course, done
from treatments.models import AftercareTopic, TreatmentArea, TreatmentSession

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_1_DECEMBER = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)


def pdftotext(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


@pytest.fixture
def camille(db):
    """A patient who reads French, as patient2.demo."""
    return PatientFactory(
        first_name="Camille",
        last_name="Lefèvre",
        preferred_language="fr",
        email="camille@example.org",
        portal_user=UserFactory(username="camille", role=Role.PATIENT),
    )


@pytest.fixture
def english_derek(derek):
    derek.language = "en"
    derek.save(update_fields=["language"])
    return derek


def test_a_french_patients_aftercare_pdf_is_french_when_an_english_dermatologist_prints_it(
    client, english_derek, camille, time_machine
):
    time_machine.move_to(TUESDAY_1_DECEMBER, tick=False)
    plan = course(camille, english_derek, area="Periorbital")
    session = done(plan.sessions.get(number=1), english_derek)
    client.force_login(english_derek)

    response = client.get(f"/sessions/{session.pk}/aftercare.pdf", HTTP_ACCEPT_LANGUAGE="en")

    text = pdftotext(response)
    assert "Après votre séance de mésothérapie" in text
    assert "Rougeur" in text and "Gonflement" in text
    assert "mardi 1 décembre 2026" in text
    assert "séance 1 sur 3" in text
    assert "Contour des yeux" in text and "Periorbital" not in text  # plain words, not the clinical term
    assert "Redness" not in text and "Swelling" not in text
    # The staff member's own pages stay in their language.
    assert "Back to the session" in client.get(f"/sessions/{session.pk}/aftercare/").content.decode()


def test_an_english_patients_sheet_is_english_when_a_french_speaking_desk_prints_it(client, derek, alice, charlie):
    session = done(course(alice, derek).sessions.get(number=1), derek)
    charlie.language = "fr"
    charlie.save(update_fields=["language"])
    client.force_login(charlie)

    text = pdftotext(client.get(f"/sessions/{session.pk}/aftercare.pdf"))

    assert "After your mesotherapy session" in text and "Redness" in text and "Swelling" in text
    assert "Rougeur" not in text


def test_the_print_preview_is_in_the_patients_language_with_its_lang(client, derek, camille):
    session = done(course(camille, derek, area="Scalp").sessions.get(number=1), derek)
    client.force_login(derek)

    page = client.get(f"/sessions/{session.pk}/aftercare/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="fr">' in page and 'class="preview-bar" lang="en"' in page
    assert "Cuir chevelu" in page and "Ne lavez pas vos cheveux" in page


def test_french_decimals_on_a_french_sheet(client, derek, camille, time_machine):
    time_machine.move_to(TUESDAY_1_DECEMBER, tick=False)
    hands = TreatmentArea.objects.get(name="Hands")
    plan = course(camille, derek, area="Hands")
    plan.areas.filter(area=hands).update(volume_ml="2.5")
    session = done(plan.sessions.get(number=1), derek)
    client.force_login(derek)

    text = pdftotext(client.get(f"/sessions/{session.pk}/aftercare.pdf"))

    assert "Dos des mains (2,50 mL)" in text


def test_the_cocktail_on_a_french_sheet_and_plan_names_its_ingredients_in_french(client, derek, camille, alice):
    french, english = course(camille, derek), course(alice, derek)
    client.force_login(derek)

    sheet = pdftotext(client.get(f"/sessions/{done(french.sessions.get(number=1), derek).pk}/aftercare.pdf"))
    plan = pdftotext(client.get(f"/plans/{french.pk}/plan.pdf", HTTP_ACCEPT_LANGUAGE="en"))
    english_sheet = pdftotext(client.get(f"/sessions/{done(english.sessions.get(number=1), derek).pk}/aftercare.pdf"))

    for text in (sheet, plan):
        assert "Vitamine C (acide ascorbique)" in text and "Zinc" in text
        assert "Vitamin C (ascorbic acid)" not in text
    assert "Vitamin C (ascorbic acid)" in english_sheet
    # The dermatologist's own pages keep the catalogue's name.
    cocktail_page = client.get(french.formulation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vitamin C (ascorbic acid)" in cocktail_page


def test_the_plan_pdf_and_preview_are_in_the_patients_language(client, derek, camille, alice):
    french, english = course(camille, derek, area="Décolletage"), course(alice, derek, area="Décolletage")
    client.force_login(derek)

    french_text = pdftotext(client.get(f"/plans/{french.pk}/plan.pdf", HTTP_ACCEPT_LANGUAGE="en"))
    english_text = pdftotext(client.get(f"/plans/{english.pk}/plan.pdf", HTTP_ACCEPT_LANGUAGE="fr"))

    assert "Votre cure de mésothérapie" in french_text and "Décolleté" in french_text and "Vos séances" in french_text
    assert "Your course of mesotherapy" in english_text and "Upper chest" in english_text
    assert "Décolletage" not in english_text  # the clinical term stays on staff pages
    preview = client.get(f"/plans/{french.pk}/print/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in preview and "Votre cure de mésothérapie" in preview


def test_a_days_batch_mixes_languages_sheet_by_sheet(client, derek, charlie, camille, alice):
    for index, patient in enumerate((camille, alice)):
        AppointmentFactory(
            patient=patient,
            practitioner=derek,
            room=RoomFactory(name=f"Room {index}"),
            start=timezone.localtime().replace(hour=9 + index, minute=0, second=0, microsecond=0),
            session=course(patient, derek).sessions.get(number=1),
            booked_by=charlie,
        )
    client.force_login(charlie)

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(client.get("/today/print/").content)).pages]

    camille_page = next(page for page in pages if "Camille" in page)
    alice_page = next(page for page in pages if "Alice" in page)
    assert "Avant votre séance de mésothérapie" in camille_page and "Page 1 sur 2" in camille_page
    assert "Before your mesotherapy session" in alice_page and "Page 2 of 2" in alice_page


def test_the_pdfs_are_tagged_pdf_ua_with_title_and_language(client, derek, camille):
    session = done(course(camille, derek).sessions.get(number=1), derek)
    client.force_login(derek)

    reader = PdfReader(io.BytesIO(client.get(f"/sessions/{session.pk}/aftercare.pdf").content))

    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "fr"
    assert reader.metadata.title == "Conseils après séance — Camille Lefèvre"
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()


def test_a_pdfs_name_is_in_the_patients_language_with_an_ascii_fallback(client, derek, camille, alice):
    french, english = course(camille, derek), course(alice, derek)
    session = done(french.sessions.get(number=1), derek)
    client.force_login(derek)

    response = client.get(f"/sessions/{session.pk}/aftercare.pdf", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Disposition"] == (
        'inline; filename="conseils-apres-seance-Lefevre-1.pdf"; '
        "filename*=UTF-8''conseils-apres-seance-Lef%C3%A8vre-1.pdf"
    )
    before = client.get(f"/sessions/{english.sessions.get(number=1).pk}/aftercare.pdf", HTTP_ACCEPT_LANGUAGE="fr")
    assert 'filename="before-your-session-Archer-1.pdf"' in before["Content-Disposition"]
    plan = client.get(f"/plans/{french.pk}/plan.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert f'filename="plan-de-cure-Lefevre-{french.start_date:%Y-%m-%d}.pdf"' in plan["Content-Disposition"]


@pytest.fixture
def appointment_for(derek, charlie, time_machine):
    """Books the patient with Derek on Tuesday 1 December 2026, a week ahead: 10:00, then 11:00…"""
    time_machine.move_to(TUESDAY_1_DECEMBER - timedelta(days=7), tick=False)
    for weekday in range(6):
        WorkingHoursFactory(practitioner=derek, weekday=weekday)

    booked = []

    def book(patient):
        start = TUESDAY_1_DECEMBER + timedelta(hours=len(booked))
        booked.append(
            booking.book_appointment(
                patient=patient, practitioner=derek, room=RoomFactory(), start=start, minutes=30, booked_by=charlie
            )
        )
        return booked[-1]

    return book


def event_of(response):
    return next(iter(Calendar.from_ical(response.content).walk("VEVENT")))


def test_the_patients_calendar_file_is_in_their_language(client, camille, alice, appointment_for):
    client.force_login(camille.portal_user)
    french = event_of(
        client.get(f"/appointments/{appointment_for(camille).pk}/calendar.ics", HTTP_ACCEPT_LANGUAGE="en")
    )
    client.force_login(alice.portal_user)
    english = event_of(client.get(f"/appointments/{appointment_for(alice).pk}/calendar.ics", HTTP_ACCEPT_LANGUAGE="fr"))

    assert str(french["summary"]).startswith("Rendez-vous de mésothérapie avec")
    assert str(french["description"]) == (
        "Pour le déplacer ou l'annuler, rendez-vous sur votre espace patient (http://127.0.0.1:8000/portal/) "
        "ou appelez le 01 23 45 67 89."
    )
    assert str(english["summary"]).startswith("Mesotherapy appointment with")
    assert str(english["description"]) == (
        "To move or cancel it, go to your patient portal (http://127.0.0.1:8000/portal/) or call 01 23 45 67 89."
    )


def test_the_staffs_calendar_file_is_in_the_staff_members_language(client, camille, charlie, appointment_for):
    appointment = appointment_for(camille)
    client.force_login(charlie)

    response = client.get(f"/appointments/{appointment.pk}/calendar.ics", HTTP_ACCEPT_LANGUAGE="en")

    assert "Status:" in str(event_of(response)["description"])
    assert response["Content-Disposition"].startswith('attachment; filename="appointment-')


def test_the_portal_invitation_is_in_the_patients_language(client, charlie):
    patient = PatientFactory(first_name="Zoé", last_name="Lambert", email="zoe@example.org", preferred_language="fr")
    client.force_login(charlie)

    client.post(f"/patients/{patient.pk}/invite/", HTTP_ACCEPT_LANGUAGE="en")

    assert mail.outbox[0].subject == "Votre espace patient Mesoplan demo clinic"
    assert mail.outbox[0].body.startswith("Bonjour Zoé,")
    assert "Ce lien ne fonctionne qu'une fois, pendant trois jours." in mail.outbox[0].body


def test_every_seeded_aftercare_topic_reads_in_french(db):
    with translation.override("fr"):
        untranslated = [topic.title_en for topic in AftercareTopic.objects.all() if not topic.title_fr]
        redness = AftercareTopic.objects.get(title_en="Redness")
        assert (redness.title, redness.duration) == ("Rougeur", "quelques heures, jusqu'à un ou deux jours")
    assert untranslated == []
    assert {area.patient_name_fr for area in TreatmentArea.objects.all()} >= {"Contour des yeux", "Cou", "Décolleté"}


def test_the_manager_edits_both_languages_side_by_side_and_the_history_keeps_the_french(client, margaret):
    topic = AftercareTopic.objects.get(title_en="No make-up on the treated skin")
    url = f"/admin/treatments/aftercaretopic/{topic.pk}/change/"
    client.force_login(margaret)
    form = client.get(url).content.decode()
    assert 'name="title_en"' in form and 'name="title_fr"' in form and "Pas de maquillage sur la peau traitée" in form

    response = client.post(
        url,
        {
            "kind": "instruction",
            "title_en": topic.title_en,
            "title_fr": "Pas de maquillage",
            "duration_en": "24 hours",
            "duration_fr": "24 heures",
            "position": topic.position,
            "active": "on",
        },
    )

    assert response.status_code == 302
    latest = AftercareTopic.history.filter(id=topic.pk).first()
    assert (latest.title_fr, latest.history_user) == ("Pas de maquillage", margaret)
    assert "Pas de maquillage" in client.get(f"{url.removesuffix('change/')}history/").content.decode()


def test_the_date_of_birth_is_french_on_a_french_plan(client, derek):
    patient = PatientFactory(first_name="Léa", preferred_language="fr", date_of_birth=date(1980, 8, 15))
    plan = course(patient, derek)
    client.force_login(derek)

    assert "né(e) le 15 août 1980" in pdftotext(client.get(f"/plans/{plan.pk}/plan.pdf"))


def test_the_demo_patient2_reads_french_and_patient_english(client, db):
    call_command("seed_demo", stdout=StringIO())
    dermatologist = UserFactory(username="dr.english", role=Role.DERMATOLOGIST, language="en")
    client.force_login(dermatologist)
    texts = {}
    for username in ("patient.demo", "patient2.demo"):
        patient = Patient.objects.get(portal_user__username=username)
        session = TreatmentSession.objects.filter(plan__patient=patient, status=TreatmentSession.Status.DONE).first()
        texts[username] = pdftotext(client.get(f"/sessions/{session.pk}/aftercare.pdf"))

    assert "Rougeur" in texts["patient2.demo"] and "gonflement" in texts["patient2.demo"].lower()
    assert "Redness" in texts["patient.demo"] and "Rougeur" not in texts["patient.demo"]
    assert Patient.objects.filter(preferred_language="fr").count() >= 4
    client.force_login(Patient.objects.get(portal_user__username="patient2.demo").portal_user)
    assert '<html lang="fr"' in client.get("/portal/").content.decode()
