"""Which language a page is in: the account's choice first, else the browser's; the switcher
that remembers it; and the language new patients start with."""

import pytest
from django.conf import settings
from django.test import override_settings

from clinic.models import User
from patients.models import Patient

NEW_PATIENT = {
    "first_name": "Inès",
    "last_name": "Dupont",
    "date_of_birth": "1985-04-12",
    "sex": "female",
    "phone": "06 11 22 33 44",
}


def test_a_browser_asking_for_french_gets_the_sign_in_page_in_french(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert '<html lang="fr">' in page
    assert "Mot de passe" in page
    assert "Password" not in page


def test_a_browser_asking_for_english_gets_english(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="en">' in page
    assert "Password" in page


def test_staff_without_a_choice_read_their_browsers_language(client, charlie):
    client.force_login(charlie)
    assert "Se déconnecter" in client.get("/patients/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Sign out" in client.get("/patients/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize("browser", ["en", "en-GB,en;q=0.9", ""])
def test_a_user_who_chose_french_reads_french_whatever_the_browser_says(client, charlie, browser):
    User.objects.filter(pk=charlie.pk).update(language="fr")
    client.force_login(charlie)
    page = client.get("/patients/", HTTP_ACCEPT_LANGUAGE=browser).content.decode()
    assert '<html lang="fr">' in page
    assert "Se déconnecter" in page


def test_a_user_who_chose_english_reads_english_in_a_french_browser(client, charlie):
    User.objects.filter(pk=charlie.pk).update(language="en")
    client.force_login(charlie)
    page = client.get("/patients/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in page
    assert "Sign out" in page


def test_choosing_french_is_remembered_on_the_account_and_in_the_cookie(client, charlie):
    client.force_login(charlie)
    response = client.post("/language/", {"language": "fr", "next": "/patients/"})
    assert response.status_code == 302
    assert response["Location"] == "/patients/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    charlie.refresh_from_db()
    assert charlie.language == "fr"
    # Another browser, signed in as the same person, reads French too.
    client.cookies.clear()
    client.force_login(charlie)
    assert "Se déconnecter" in client.get("/patients/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_switcher_never_sends_people_to_another_site(client, charlie):
    client.force_login(charlie)
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("language", ["de", "xx", ""])
def test_an_unknown_language_changes_nothing(client, charlie, language):
    client.force_login(charlie)
    response = client.post("/language/", {"language": language, "next": "/patients/"})
    assert response["Location"] == "/patients/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    charlie.refresh_from_db()
    assert charlie.language == ""
    page = client.get("/patients/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "Sign out" in page


def test_anonymous_visitors_get_the_cookie_only(client, charlie):
    response = client.post("/language/", {"language": "fr", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert not User.objects.exclude(language="").exists()
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mot de passe" in page


def test_the_switcher_is_post_only(client, charlie):
    client.force_login(charlie)
    assert client.get("/language/", {"language": "fr"}).status_code == 405
    charlie.refresh_from_db()
    assert charlie.language == ""


@pytest.mark.parametrize("clinic_language", ["en", "fr"])
def test_a_new_patient_starts_with_the_clinics_language(client, charlie, clinic_language):
    with override_settings(CLINIC_LANGUAGE=clinic_language):
        client.force_login(charlie)
        # The registration form's default, and a form sent without the field, both give it.
        form = client.get("/patients/new/").context["form"]
        assert form["preferred_language"].value() == clinic_language
        client.post("/patients/new/", NEW_PATIENT)
    assert Patient.objects.get(last_name="Dupont").preferred_language == clinic_language


def test_a_wrong_password_is_refused_in_french(client, charlie):
    response = client.post(
        "/accounts/login/", {"username": "charlie", "password": "not the password"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides." in response.content.decode()


def test_the_admin_labels_our_models_in_french(client, margaret):
    client.force_login(margaret)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for words in ("Administration de Mesoplan", "Planning", "Rendez-vous", "Horaires de travail", "Contre-indications"):
        assert words in index, words
    form = client.get("/admin/patients/patient/add/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for words in ("Coordonnées", "Profil clinique", "Consentement", "Archivage", "Prénom", "Date de naissance"):
        assert words in form, words
    users = client.get("/admin/clinic/user/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Débloquer la connexion (après trop de mots de passe erronés)" in users
