"""A database that stops answering: the app gives up within 10 seconds and says so (the
503 page, `/healthz` 503), instead of hanging until gunicorn kills the worker."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper

from tests.clinic.test_settings import PROJECT, settings_under


@contextmanager
def silent_database_server():
    """A TCP server that accepts connections and never says a word: a frozen database."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()
        for peer in held:
            peer.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_postgresql_gets_connect_and_statement_timeouts_longer_for_commands():
    url = {"DATABASE_URL": "postgres://u@db.example:5432/meso"}
    web = json.loads(settings_under(url).stdout)["db"]["OPTIONS"]
    command = json.loads(settings_under({**url, "CLINIC_PROCESS": "command"}).stdout)["db"]["OPTIONS"]

    assert web["connect_timeout"] == 3
    assert web["options"] == "-c statement_timeout=5000"
    assert command["options"] == "-c statement_timeout=3600000"


def test_sqlite_waits_for_the_write_lock_less_than_ten_seconds_in_a_request():
    assert json.loads(settings_under({}).stdout)["db"]["OPTIONS"]["timeout"] == 8
    assert json.loads(settings_under({"CLINIC_PROCESS": "command"}).stdout)["db"]["OPTIONS"]["timeout"] == 60


def test_manage_py_marks_its_commands_but_not_runserver():
    clean_env = {k: v for k, v in os.environ.items() if k != "CLINIC_PROCESS"}

    def process_of(command: str) -> str:
        code = (
            f"import os, sys; sys.argv = ['manage.py', {command!r}]\n"
            "import django.core.management as m; m.execute_from_command_line = lambda argv: None\n"
            "import manage; manage.main(); print(os.environ.get('CLINIC_PROCESS'))"
        )
        return subprocess.run(
            [sys.executable, "-c", code], cwd=PROJECT, env=clean_env, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert process_of("migrate") == "command"
    assert process_of("runserver") == "None"


def test_connecting_to_a_server_that_never_answers_fails_within_the_connect_timeout(django_db_blocker):
    with silent_database_server() as port:
        frozen = DatabaseWrapper(
            {
                **connection.settings_dict,
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "mesoplan",
                "USER": "mesoplan",
                "PASSWORD": "",
                "HOST": "127.0.0.1",
                "PORT": port,
                "OPTIONS": {},
            },
            alias="frozen",
        )
        started = time.monotonic()
        with django_db_blocker.unblock(), pytest.raises(OperationalError, match="did not answer within 3 seconds"):
            frozen.ensure_connection()
        assert time.monotonic() - started < 5


@pytest.fixture
def app_on_a_frozen_database():
    """The app under gunicorn, debug off, its database a server that never answers."""
    port = free_port()
    with silent_database_server() as database_port:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CLINIC_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "tests.clinic.debug_off_settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "s" * 50,
                "DATABASE_URL": f"postgres://mesoplan@127.0.0.1:{database_port}/mesoplan",
            }
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "clinic.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}", server
        finally:
            server.terminate()
            server.wait(timeout=10)


def get(url: str, **headers) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


def test_a_frozen_database_gives_503s_within_ten_seconds_and_a_log_line(app_on_a_frozen_database):
    base, server = app_on_a_frozen_database

    status, body, seconds = get(f"{base}/healthz")
    assert (status, json.loads(body)["database"]) == (503, "unreachable")
    assert seconds < 10

    status, body, seconds = get(f"{base}/today/", Cookie="sessionid=someones-session")
    assert status == 503
    assert "back in a moment" in body
    assert seconds < 10

    server.terminate()
    log = server.communicate(timeout=10)[1]
    assert '"status": 503' in log and '"path": "/today/"' in log
