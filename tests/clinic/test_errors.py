"""Server errors: logged as one JSON line with the request id, path and user id (never patient
data); a bug is a 500, only a database out of reach is the "back in a moment" 503; the health
check answers JSON whatever the caller sends."""

import io
import json
import logging
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import Client

from clinic.logs import JsonFormatter
from tests.clinic.test_settings import PROJECT


@pytest.fixture
def request_log():
    """What django.request writes, through the formatter used with debug off."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_bug_is_a_500_logged_with_request_user_and_no_patient_data(derek, alice, request_log):
    client = Client(raise_request_exception=False)
    client.force_login(derek)
    bug = IntegrityError("duplicate key value violates unique constraint: Key (last_name)=(Archer) already exists")
    with mock.patch("clinic.views.roles.abilities_of", side_effect=bug):
        response = client.get("/?q=Alice+Archer")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    [line] = lines(request_log)
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["path"], line["user_id"], line["status"]) == ("/", derek.pk, 500)
    assert line["error"] == "django.db.utils.IntegrityError"
    assert any("clinic/views.py" in frame for frame in line["stack"])
    assert "Archer" not in request_log.getvalue() and "Alice" not in request_log.getvalue()


def test_a_database_out_of_reach_is_a_503_and_logged_too(charlie, request_log):
    client = Client(raise_request_exception=False)
    client.force_login(charlie)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/patients/")
    assert response.status_code == 503
    assert lines(request_log)[0]["status"] == 503


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_healthz_answers_json_when_the_database_is_down_even_with_a_session_cookie(charlie):
    client = Client(raise_request_exception=False)
    client.force_login(charlie)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def production_settings(*names: str, **env: str) -> dict:
    script = f"import json, clinic.settings as s; print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CLINIC_"))}
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, **env}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env={**clean_env, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_debug_off_logs_are_json_and_admins_come_from_the_environment():
    values = production_settings(
        "LOGGING", "ADMINS", DJANGO_ADMINS="Ann Martin <ann@clinic.example>, it@clinic.example"
    )
    assert values["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert values["ADMINS"] == [["Ann Martin", "ann@clinic.example"], ["", "it@clinic.example"]]
    assert "mail_admins" in values["LOGGING"]["loggers"]["django.request"]["handlers"]


def test_the_health_check_is_exempt_from_the_https_redirect(client, db, settings):
    exempt = production_settings("SECURE_REDIRECT_EXEMPT")["SECURE_REDIRECT_EXEMPT"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = exempt
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
