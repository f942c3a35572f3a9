import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database into backups/ (or --directory): the SQLite "
        "backup API for SQLite, pg_dump (custom format) for PostgreSQL. Prints the file written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--directory", default=str(settings.BASE_DIR / "backups"))

    def handle(self, *args, directory: str, **options) -> None:
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "sqlite":
            path = private_file(target / f"mesoplan-{stamp}.sqlite3")
            backup_sqlite(path)
        elif connection.vendor == "postgresql":
            path = private_file(target / f"mesoplan-{stamp}.dump")
            backup_postgresql(path)
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")
        self.stdout.write(str(path))


def private_file(path: Path) -> Path:
    """Create `path` readable by its owner only (0600) before anything is written into it:
    a backup holds every patient's record."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def backup_sqlite(path: Path) -> None:
    """A consistent copy even while the app writes: SQLite's online backup API."""
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def backup_postgresql(path: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise CommandError("pg_dump is not installed (Debian: postgresql-client).")
    params = connection.get_connection_params()
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", f"--dbname={params['dbname']}"]
    for flag, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(key):
            command.append(f"{flag}={params[key]}")
    environment = {"PGPASSWORD": params["password"]} if params.get("password") else {}
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **environment})
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
