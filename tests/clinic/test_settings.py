"""Settings come from the environment; each case imports them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def settings_under(env: dict) -> subprocess.CompletedProcess:
    script = (
        "import json, clinic.settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'ssl_redirect': getattr(s, 'SECURE_SSL_REDIRECT', False),"
        "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'secure_cookies': getattr(s, 'SESSION_COOKIE_SECURE', False),"
        "'hosts': s.ALLOWED_HOSTS, 'time_zone': s.TIME_ZONE, 'db': s.DATABASES['default'],"
        "'storage': s.STORAGES['staticfiles']['BACKEND']}, default=str))"
    )
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CLINIC_"))}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env={**clean_env, **env}, capture_output=True, text=True
    )


def test_debug_off_refuses_to_start_without_a_secret_key():
    result = settings_under({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_debug_off_turns_on_https_protections():
    result = settings_under(
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "a.example, b.example"}
    )
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["ssl_redirect"] is True
    assert values["hsts"] > 0
    assert values["secure_cookies"] is True
    assert values["hosts"] == ["a.example", "b.example"]
    assert values["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_ssl_redirect_can_be_left_to_a_proxy():
    result = settings_under({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "0"})
    assert json.loads(result.stdout)["ssl_redirect"] is False


def test_default_database_is_sqlite_taking_the_write_lock_at_begin():
    values = json.loads(settings_under({}).stdout)
    assert values["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["db"]["NAME"].endswith("db.sqlite3")
    assert values["db"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["db"]["OPTIONS"]["init_command"]
    assert values["time_zone"] == "Europe/Paris"


def test_database_url_and_time_zone_come_from_the_environment():
    values = json.loads(
        settings_under(
            {"DATABASE_URL": "postgres://u@db.example:5432/meso", "CLINIC_TIME_ZONE": "Europe/Brussels"}
        ).stdout
    )
    assert values["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert values["db"]["NAME"] == "meso"
    assert values["time_zone"] == "Europe/Brussels"


def test_production_settings_pass_djangos_deployment_checks():
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "Q9!z" * 10,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
    }
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLINIC_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_misspelt_yes_no_value_stops_the_start_and_names_the_variable():
    result = settings_under({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "ture"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECURE_SSL_REDIRECT='ture' is not a yes/no value" in result.stderr
    assert "0, 1, false, no, off, on, true, yes" in result.stderr


def test_yes_no_values_are_read_in_any_case_and_with_spaces():
    result = settings_under(
        {"DJANGO_DEBUG": " Off ", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "NO"}
    )
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["ssl_redirect"] is False
