from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from clinic.roles import Role
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize(
    ("role", "landing"),
    [(Role.DERMATOLOGIST, "/today/"), (Role.FRONT_DESK, "/today/"), (Role.PATIENT, "/portal/")],
)
def test_signing_in_lands_each_role_on_its_start_page(client, db, role, landing):
    UserFactory(username="someone", role=role)
    response = client.post("/accounts/login/", {"username": "someone", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_wrong_password_shows_an_error_and_keeps_the_username(client, db):
    UserFactory(username="someone", role=Role.FRONT_DESK)
    response = client.post("/accounts/login/", {"username": "someone", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="someone"' in response.content


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_an_overlong_username_is_refused_by_the_form_not_the_database(client, db, path):
    response = client.post(path, {"username": "0" * 300, "password": "nope"})

    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 300)." in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_sign_out_is_a_post_and_ends_the_session(client, charlie):
    client.force_login(charlie)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/today/").status_code == 302


def test_navigation_shows_each_role_only_what_it_may_use(client, alice, charlie, margaret):
    client.force_login(charlie)
    page = client.get("/today/").content.decode()
    assert 'href="/patients/"' in page
    assert 'href="/admin/"' not in page

    client.force_login(alice.portal_user)
    page = client.get("/portal/").content.decode()
    assert 'href="/patients/"' not in page
    assert 'href="/today/"' not in page

    client.force_login(margaret)
    page = client.get("/today/").content.decode()
    assert 'href="/admin/"' in page
    assert 'href="/patients/"' not in page


def test_five_failed_sign_ins_lock_the_username_for_fifteen_minutes(client, db, time_machine):
    UserFactory(username="someone", role=Role.FRONT_DESK)
    for _ in range(5):
        client.post("/accounts/login/", {"username": "someone", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "someone", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()

    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    response = client.post("/accounts/login/", {"username": "someone", "password": PASSWORD})
    assert response.status_code == 302


def test_a_session_ends_after_eight_idle_hours_but_not_while_in_use(client, charlie, time_machine):
    client.force_login(charlie)
    for _ in range(3):  # working all day, a request every three hours
        time_machine.move_to(timezone.now() + timedelta(hours=3))
        assert client.get("/today/").status_code == 200

    time_machine.move_to(timezone.now() + timedelta(hours=8, minutes=1))
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/today/").status_code == 302  # signed out for good
