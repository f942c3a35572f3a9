"""The SQLite database and its WAL files hold the patients' records: owner only (0600)."""

import sqlite3

from django.db.backends.sqlite3.base import DatabaseWrapper


def test_the_sqlite_database_and_its_wal_files_are_private(tmp_path, django_db_blocker):
    name = tmp_path / "clinic.sqlite3"
    sqlite3.connect(name).close()
    name.chmod(0o644)
    database = DatabaseWrapper(
        {
            "NAME": str(name),
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        },
        alias="private",
    )
    with django_db_blocker.unblock():
        database.ensure_connection()
        with database.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x)")  # SQLite makes the WAL files as private as the database
            files = list(tmp_path.iterdir())
            modes = {path.name: path.stat().st_mode & 0o777 for path in files}
        database.close()
    assert len(files) >= 2  # the database and its WAL
    assert modes == {path.name: 0o600 for path in files}
