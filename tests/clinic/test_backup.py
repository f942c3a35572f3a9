"""`make backup` writes a dump that restores into a fresh database with the same records."""

import shutil
import sqlite3
import subprocess
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.treatments.test_aftercare import course, done


def backup(tmp_path) -> Path:
    output = StringIO()
    call_command("backup", directory=str(tmp_path), stdout=output)
    return Path(output.getvalue().strip())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_the_same_patients_and_sessions(tmp_path, derek, alice, bob):
    done(course(alice, derek).sessions.get(number=1), derek)
    path = backup(tmp_path)
    assert path.exists()

    if connection.vendor == "sqlite":
        restored = sqlite3.connect(path)
        patients = {row[0] for row in restored.execute("SELECT last_name FROM patients_patient")}
        done_sessions = restored.execute("SELECT count(*) FROM treatments_treatmentsession WHERE status='done'")
        assert patients == {"Archer", "Baker"}
        assert done_sessions.fetchone()[0] == 1
        return

    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    params = connection.get_connection_params()
    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    server = [f"--host={params.get('host') or 'localhost'}", f"--username={params.get('user') or 'postgres'}"]
    subprocess.run(["createdb", *server, fresh], check=True)
    try:
        subprocess.run(["pg_restore", *server, "--no-owner", f"--dbname={fresh}", str(path)], check=True)
        query = (
            "SELECT string_agg(last_name, ',' ORDER BY last_name) FROM patients_patient;"
            "SELECT count(*) FROM treatments_treatmentsession WHERE status='done';"
        )
        result = subprocess.run(
            ["psql", *server, "-At", f"--dbname={fresh}", "-c", query], check=True, capture_output=True, text=True
        )
        assert result.stdout.split() == ["Archer,Baker", "1"]
    finally:
        subprocess.run(["dropdb", *server, fresh], check=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_is_readable_by_its_owner_only(tmp_path, derek):
    assert backup(tmp_path).stat().st_mode & 0o777 == 0o600
