"""The tablet at the desk: the staff open a signing screen for one patient; the browser then
shows only that patient's forms and questionnaire, then a locked screen, until the staff
member types their password again."""

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from clinic.roles import Role
from consents.models import ConsentSignature, IntakeResponse, KioskSession
from tests.consents.surfaces import NO_TO_ALL, course_needing_consent, data_url, drawn, only_form, png, typed
from tests.factories import IntakeResponseFactory, PatientFactory, UserFactory

PASSWORD = "a-long-test-password"


@pytest.fixture
def desk(db):
    return UserFactory(username="desk", first_name="Dana", role=Role.FRONT_DESK, password=PASSWORD)


@pytest.fixture
def elise(db):
    """A French patient with a course to start: one form to sign, the questionnaire to answer."""
    patient = PatientFactory(first_name="Élise", last_name="Dupré", preferred_language="fr")
    course_needing_consent(patient)
    return patient


@pytest.fixture
def version(elise):
    return only_form(version__body_fr="Des rougeurs sont attendues.").current_version()


def open_tablet(client, desk, patient, *, back="/today/"):
    client.force_login(desk)
    return client.post("/kiosk/open/", {"patient": patient.pk, "next": back})


def test_the_desk_opens_the_tablet_on_the_patients_form(client, desk, elise, version, django_assert_max_num_queries):
    response = open_tablet(client, desk, elise)
    assert response.status_code == 302 and response["Location"] == "/kiosk/"
    kiosk = KioskSession.objects.get()
    assert (kiosk.patient, kiosk.opened_by) == (elise, desk)
    assert kiosk.steps == [{"consent": version.pk}, {"questionnaire": "full"}]

    # session, user, kiosk and patient, the course, forms and versions, signatures, …
    with django_assert_max_num_queries(14):
        page = client.get("/kiosk/")
    html = page.content.decode()
    assert page["Content-Language"] == "fr"
    assert "Consentement à la mésothérapie" in html and "Des rougeurs sont attendues." in html
    assert "Élise Dupré" in html
    assert "Étape 1 sur 2" in html
    assert "<nav" not in html and "/today/" not in html


@pytest.mark.parametrize("path", ["/today/", "/patients/", "/schedule/", "/admin/", "/portal/", "/"])
def test_kiosk_mode_reaches_no_other_page(client, desk, elise, version, path):
    open_tablet(client, desk, elise)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/kiosk/"


def test_kiosk_mode_takes_no_other_post(client, desk, elise, version):
    open_tablet(client, desk, elise)
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/kiosk/"
    assert client.get("/kiosk/").status_code == 200


def test_the_patient_signs_then_answers_then_the_tablet_locks(client, desk, elise, version):
    open_tablet(client, desk, elise)
    token = KioskSession.objects.get().token

    response = client.post(f"/kiosk/{token}/sign/", drawn(version, data_url(png())))
    assert response["Location"] == "/kiosk/"
    signature = ConsentSignature.objects.get(patient=elise)
    assert (signature.method, signature.channel, signature.witnessed_by) == ("drawn", "kiosk", desk)
    assert signature.language == "fr"
    assert "Quelques questions sur votre santé" in client.get("/kiosk/").content.decode()

    response = client.post(f"/kiosk/{token}/questionnaire/", NO_TO_ALL)
    assert response["Location"] == "/kiosk/"
    answered = IntakeResponse.objects.get(patient=elise)
    assert (answered.channel, answered.recorded_by, answered.language) == ("kiosk", desk, "fr")
    kiosk = KioskSession.objects.get()
    assert kiosk.closed_at is not None and kiosk.outcome == "finished"

    locked = client.get("/kiosk/").content.decode()
    assert "Merci" in locked and "rendre la tablette" in locked
    assert "Élise" not in locked


def test_a_replayed_post_after_the_tablet_closed_records_nothing(client, desk, elise, version):
    open_tablet(client, desk, elise)
    token = KioskSession.objects.get().token
    client.post(f"/kiosk/{token}/sign/", typed(version, "Elise Dupre"))
    client.post(f"/kiosk/{token}/questionnaire/", NO_TO_ALL)

    again = client.post(f"/kiosk/{token}/questionnaire/", NO_TO_ALL)
    assert again.status_code == 409
    assert "Rien n'a été enregistré." in unescape(again.content.decode())
    assert IntakeResponse.objects.count() == 1


def test_an_expired_tablet_records_nothing(client, desk, elise, version):
    open_tablet(client, desk, elise)
    KioskSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    token = KioskSession.objects.get().token

    response = client.post(f"/kiosk/{token}/sign/", typed(version, "Élise Dupré"))

    assert response.status_code == 409
    assert not ConsentSignature.objects.exists()
    assert "Cet écran de signature est fermé" in client.get("/kiosk/").content.decode()


def test_a_token_not_bound_to_this_browser_is_refused(client, desk, elise, version):
    open_tablet(client, desk, elise)
    response = client.post("/kiosk/not-the-token/sign/", typed(version, "Élise Dupré"))
    assert response.status_code == 409
    assert not ConsentSignature.objects.exists()


def test_a_closed_kiosk_page_replayed_from_another_browser_records_nothing(client, desk, elise, version):
    open_tablet(client, desk, elise)
    token = KioskSession.objects.get().token
    client.post("/kiosk/unlock/", {"password": PASSWORD})
    response = client.post(f"/kiosk/{token}/sign/", typed(version, "Élise Dupré"))
    assert response.status_code == 409
    assert not ConsentSignature.objects.exists()


def test_leaving_kiosk_mode_needs_the_staff_members_password(client, desk, elise, version):
    open_tablet(client, desk, elise, back="/today/")

    wrong = client.post("/kiosk/unlock/", {"password": "guess"})
    assert wrong.status_code == 200
    assert "Ce n'est pas votre mot de passe." in unescape(wrong.content.decode())
    assert client.get("/today/")["Location"] == "/kiosk/"

    right = client.post("/kiosk/unlock/", {"password": PASSWORD})
    assert right["Location"] == "/today/"
    assert client.get("/today/").status_code == 200
    kiosk = KioskSession.objects.get()
    assert kiosk.outcome == "ended"


def test_a_form_signed_meanwhile_elsewhere_is_not_asked_again(client, desk, elise, version):
    open_tablet(client, desk, elise)
    other = type(client)()
    open_tablet(other, desk, elise)
    first, second = KioskSession.objects.order_by("opened_at")
    client.post(f"/kiosk/{first.token}/sign/", typed(version, "Élise Dupré"))

    assert "Quelques questions sur votre santé" in other.get("/kiosk/").content.decode()
    response = other.post(f"/kiosk/{second.token}/sign/", typed(version, "Élise Dupré"))
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert ConsentSignature.objects.count() == 1


def test_with_nothing_to_do_the_tablet_does_not_open(client, desk, version):
    ready = PatientFactory()
    IntakeResponseFactory(patient=ready, answered_at=timezone.now())
    response = open_tablet(client, desk, ready, back=f"/patients/{ready.pk}/")
    assert response["Location"] == f"/patients/{ready.pk}/"
    assert not KioskSession.objects.exists()
    assert "has nothing to sign or answer today" in client.get(f"/patients/{ready.pk}/").content.decode()


def test_only_staff_open_the_tablet(client, alice, elise, version):
    assert client.post("/kiosk/open/", {"patient": elise.pk})["Location"].startswith("/accounts/login/")
    client.force_login(alice.portal_user)
    assert client.post("/kiosk/open/", {"patient": elise.pk}).status_code == 403
    assert not KioskSession.objects.exists()


def test_opening_takes_a_post_and_a_real_patient(client, desk, elise, version):
    client.force_login(desk)
    assert client.get("/kiosk/open/", {"patient": elise.pk}).status_code == 405
    assert client.post("/kiosk/open/", {"patient": "not-a-uuid"}).status_code == 404
    assert not KioskSession.objects.exists()


def test_an_outside_return_address_is_not_followed(client, desk, elise, version):
    open_tablet(client, desk, elise, back="https://example.org/")
    response = client.post("/kiosk/unlock/", {"password": PASSWORD})
    assert response["Location"] == f"/patients/{elise.pk}/"
