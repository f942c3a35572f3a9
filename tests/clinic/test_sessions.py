"""Sessions end at the latest twelve hours after sign-in; deactivating a user ends their
sessions and their calendar feed; HEAD answers wherever GET does."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from scheduling import calendars
from tests.factories import TreatmentPlanFactory

PASSWORD = "correct horse battery staple"


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, charlie, time_machine):
    time_machine.move_to(timezone.now())
    signed_in = timezone.now()
    client.post("/accounts/login/", {"username": "charlie", "password": PASSWORD})
    for hour in range(1, 12):  # a request every hour all day
        time_machine.move_to(signed_in + timedelta(hours=hour))
        assert client.get("/today/").status_code == 200

    time_machine.move_to(signed_in + timedelta(hours=12, minutes=1))
    response = client.get("/today/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "a session lasts 12 hours at most" in response.content.decode()


def test_the_cap_comes_from_the_setting(client, charlie, settings, time_machine):
    settings.SESSION_MAX_HOURS = 2
    time_machine.move_to(timezone.now())
    signed_in = timezone.now()
    client.post("/accounts/login/", {"username": "charlie", "password": PASSWORD})
    time_machine.move_to(signed_in + timedelta(hours=1))
    assert client.get("/today/").status_code == 200
    time_machine.move_to(signed_in + timedelta(hours=2, minutes=1))
    assert client.get("/today/").status_code == 302


def test_deactivating_a_dermatologist_ends_their_sessions_and_calendar_feed(derek, charlie):
    token = calendars.renew_feed(practitioner=derek).token
    browser, other = Client(), Client()
    browser.force_login(derek)
    other.force_login(charlie)
    assert browser.get("/today/").status_code == 200
    assert Client().get(f"/calendar/{token}.ics").status_code == 200

    derek.is_active = False
    derek.save()

    assert browser.get("/today/").status_code == 302
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    assert other.get("/today/").status_code == 200  # others stay signed in


def test_head_answers_where_get_does_on_documents_and_feeds(client, derek):
    token = calendars.renew_feed(practitioner=derek).token
    feed = client.head(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert feed.content == b""

    plan = TreatmentPlanFactory(created_by=derek)
    client.force_login(derek)
    document = client.head(f"/plans/{plan.pk}/plan.pdf")
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert int(document["Content-Length"]) > 0
    assert client.head("/today/").status_code == 200
