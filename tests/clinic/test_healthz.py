from unittest import mock

from django.db import OperationalError, connection
from django.test import Client


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect to server")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_pages_answer_a_friendly_503_while_the_database_is_down_and_recover(db, charlie):
    client = Client(raise_request_exception=False)
    client.force_login(charlie)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/patients/")
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    assert client.get("/patients/").status_code == 200
