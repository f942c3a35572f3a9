"""Every role's main pages in French when the browser asks for it: the page says it is French,
shows the French words, and keeps none of the template's English; dates read as in France."""

import re
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    FormulationFactory,
    RoomFactory,
    TreatmentPlanFactory,
    WorkingHoursFactory,
)

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def french_page(client, url: str, status: int = 200) -> str:
    response = client.get(url, **FRENCH)
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="fr">' in page
    return page


def english_left(page: str, words: list[str]) -> list[str]:
    """The English words or phrases of `words` still in the text of `page` (its visible text
    and the texts of its attributes that people read), matched as whole words."""
    read = re.findall(r'(?:aria-label|placeholder|title|alt|data-confirm)="([^"]*)"', page)
    text = " ".join([re.sub(r"<[^>]*>", " ", page), *read])
    return [word for word in words if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


NAVIGATION_IN_ENGLISH = ["Today", "Schedule", "Register a patient", "Lot recall", "My hours", "Sign out"]


def test_todays_page_for_the_front_desk(client, charlie):
    client.force_login(charlie)
    page = french_page(client, "/today/")
    for words in ["Aujourd'hui", "Planning", "Nouveau patient", "Trouver un patient", "Aucun rendez-vous"]:
        assert words in page
    assert not english_left(page, [*NAVIGATION_IN_ENGLISH, "Find a patient", "Book", "Print today's sheets"])


def test_todays_date_reads_in_french(client, charlie, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2026, 12, 1, 9)))
    client.force_login(charlie)
    assert "mardi 1 décembre 2026" in french_page(client, "/today/")


def test_patient_list_and_search(client, charlie, alice):
    client.force_login(charlie)
    page = french_page(client, "/patients/")
    assert "Rechercher par nom, téléphone, e-mail ou date de naissance" in page
    assert not english_left(page, ["Search", "Show archived patients", "Born", "Phone"])

    no_match = french_page(client, "/patients/?q=Zzyzx")
    assert "Aucun patient ne correspond à « Zzyzx »" in no_match
    assert not english_left(no_match, ["No patient matches"])


def test_chart_for_the_dermatologist(client, derek, alice):
    client.force_login(derek)
    page = french_page(client, alice.get_absolute_url())
    for words in ["Coordonnées", "Profil clinique", "Avant tout cocktail", "Prochains rendez-vous", "Archiver"]:
        assert words in page
    assert not english_left(page, ["Contact", "Clinical profile", "Next appointments", "Archive", "Edit", "Book"])


def test_the_schedule_day_shows_french_weekday_and_month(client, charlie):
    WorkingHoursFactory(weekday=1)  # a Tuesday
    client.force_login(charlie)
    page = french_page(client, "/schedule/?date=2026-12-01")
    assert "mardi 1 décembre 2026" in page
    assert "Praticiens" in page and "Salles" in page and "Jour suivant" in page
    assert not english_left(page, ["Tuesday", "December", "Practitioners", "Rooms", "Previous day", "Next day", "Go"])


def test_a_day_nobody_works_says_so_in_french(client, charlie):
    client.force_login(charlie)
    page = french_page(client, "/schedule/?date=2026-12-06")
    assert "Personne ne travaille le dimanche." in page


def test_booking_form(client, charlie):
    client.force_login(charlie)
    page = french_page(client, "/appointments/new/")
    for words in ["Réserver un rendez-vous", "Trouver un créneau libre", "Voir les créneaux libres", "Indifférent"]:
        assert words in page
    assert not english_left(page, ["Book", "Find a free slot", "Show free slots", "Anyone", "Cancel"])


def test_free_slots_in_french(client, charlie, derek, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 30, 9)))
    WorkingHoursFactory(practitioner=derek, weekday=1)
    RoomFactory()
    client.force_login(charlie)
    fragment = client.get("/schedule/slots/?date=2026-12-01&minutes=30", **FRENCH).content.decode()
    assert re.search(r"\d+ créneaux libres le mardi 01/12\. Choisissez-en un", fragment)


def test_cocktail_list_detail_and_form(client, derek):
    cocktail = FormulationFactory(name="Éclat", ingredients=["Zinc"], created_by=derek)
    client.force_login(derek)

    listing = french_page(client, "/formulations/")
    assert "Modèles de la clinique" in listing and "Filtrer" in listing and "2 mL par séance" in listing
    assert not english_left(listing, ["Clinic templates", "Filter", "Containing", "per session"])

    detail = french_page(client, cocktail.get_absolute_url())
    assert "Modèle de la clinique" in detail and "Ingrédient" in detail and "Quantité" in detail
    assert not english_left(detail, ["Ingredient", "Amount", "Typical", "Created"])

    form = french_page(client, "/formulations/new/")
    assert "Nouveau modèle de la clinique" in form and "Ajouter un ingrédient" in form
    # The line editor's words come from the page, in its language.
    assert 'data-limit-text="Maximum {limits}"' in form
    assert not english_left(form, ["Add an ingredient", "Save cocktail", "Ingredients"])


def test_course_and_session_pages(client, derek, alice, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2026, 12, 1, 9)))
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    client.force_login(derek)

    course = french_page(client, plan.get_absolute_url())
    assert "Cure Rajeunissement cutané" in course or "Cure Skin rejuvenation" in course
    for words in ["Séances", "Date visée", "Plan de cure à imprimer (PDF)", "Arrêter cette cure"]:
        assert words in course
    assert "mar 01/12/2026" in course
    assert not english_left(course, ["Sessions", "Target date", "Stop this course", "Printable plan (PDF)", "Tue"])

    session = french_page(client, plan.sessions.get(number=1).get_absolute_url())
    assert "Séance 1 sur 4" in session and "Sécurité aujourd'hui" in session
    assert "Date visée mardi 01/12/2026" in session
    assert not english_left(session, ["Safety today", "Target", "Record the session", "Preview"])


def test_the_lot_picker_speaks_the_pages_language(client, derek, alice):
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    client.force_login(derek)
    page = french_page(client, plan.sessions.get(number=1).get_absolute_url())
    assert 'data-say-products-one="{count} produit trouvé."' in page
    assert 'data-say-lots-other="{count} lots enregistrés trouvés."' in page
    assert 'data-say-new-lot="Nouveau lot: saisissez sa date de péremption."' in page


def test_portal_in_french_with_french_dates(client, alice, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 24, 9)))
    start = timezone.make_aware(datetime.combine(date(2026, 12, 1), time(10)))
    AppointmentFactory(patient=alice, start=start, end=start + timedelta(minutes=30))
    client.force_login(alice.portal_user)
    page = french_page(client, "/portal/")
    assert f"Bonjour {alice.portal_user.first_name}" in page
    for words in ["Vos prochains rendez-vous", "Ajouter à mon agenda", "Consentement et questionnaire"]:
        assert words in page
    assert "mardi 1 décembre 2026, 10:00" in page
    assert not english_left(page, ["My care", "Your next appointments", "Add to my calendar", "Date of birth"])


def test_sign_in_page(client):
    page = french_page(client, "/accounts/login/")
    assert "Se connecter" in page
    assert not english_left(page, ["Sign in"])
    assert "Sign in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_not_found_page(client, charlie):
    client.force_login(charlie)
    page = french_page(client, "/patients/00000000-0000-0000-0000-000000000000/", status=404)
    assert "Rien ici" in page and "Retour à votre page d'accueil" in page
    assert not english_left(page, ["Nothing here", "Back to your start page"])


def test_server_error_page(derek):
    client = Client(raise_request_exception=False)
    client.force_login(derek)
    with mock.patch("clinic.views.roles.abilities_of", side_effect=RuntimeError("a bug")):
        response = client.get("/", **FRENCH)
    page = response.content.decode()
    assert response.status_code == 500 and '<html lang="fr">' in page
    assert "Un problème est survenu de notre côté" in page
    assert not english_left(page, ["Something went wrong on our side", "Server error"])


@pytest.mark.parametrize("url", ["/today/", "/patients/"])
def test_english_stays_english(client, charlie, url):
    client.force_login(charlie)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert not english_left(page, ["Aujourd'hui", "Rechercher", "Se déconnecter"])
