"""After signing out on a shared front-desk screen, neither Back nor the browser's cache shows
health data: every answer the application gives says `private, no-store`; static files keep
their long cache."""

import pytest

from tests.factories import AppointmentFactory, PatientFactory
from tests.treatments.test_aftercare import course, done

PRIVATE = "private, no-store"


@pytest.fixture
def session(derek, alice):
    return done(course(alice, derek).sessions.get(number=1), derek)


def test_the_chart_today_and_their_fragments_are_not_kept(client, charlie, alice):
    client.force_login(charlie)
    for url in (f"/patients/{alice.pk}/", "/today/", "/patients/?q=Arch", "/schedule/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url
    fragment = client.get("/patients/", {"q": "Arch"}, HTTP_HX_REQUEST="true")
    assert fragment["Cache-Control"] == PRIVATE


def test_the_portal_is_not_kept(client, alice):
    client.force_login(alice.portal_user)
    assert client.get("/portal/")["Cache-Control"] == PRIVATE


def test_documents_spreadsheets_calendars_and_suggestions_are_not_kept(client, derek, session):
    client.force_login(derek)
    PatientFactory()
    answers = {
        "aftercare PDF": client.get(f"/sessions/{session.pk}/aftercare.pdf"),
        "plan PDF": client.get(f"/plans/{session.plan.pk}/plan.pdf"),
        "recall CSV": client.get("/lots/", {"q": "LOT-7", "format": "csv"}),
        "product suggestions": client.get("/products/search/", {"q": "HA"}),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert response["Cache-Control"] == PRIVATE, name
    assert answers["recall CSV"]["Content-Disposition"] == (
        "attachment; filename=\"recall-lot-lot-7.csv\"; filename*=UTF-8''recall-lot-lot-7.csv"
    )


def test_the_calendar_file_is_not_kept(client, alice):
    appointment = AppointmentFactory(patient=alice)
    client.force_login(alice.portal_user)
    assert client.get(f"/appointments/{appointment.pk}/calendar.ics")["Cache-Control"] == PRIVATE


def test_the_sign_in_page_is_not_kept_either(client, db):
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]


def test_static_files_keep_their_own_cache(client, db):
    response = client.get("/static/css/print.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
