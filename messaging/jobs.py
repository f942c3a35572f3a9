"""The job queue's SQLite file, the owner's only (0600) as the clinic's database is."""

import os

from huey import SqliteHuey
from huey.storage import SqliteStorage


class PrivateSqliteStorage(SqliteStorage):
    def _create_connection(self):
        # SQLite gives its -wal and -shm files the database file's permissions.
        if not os.path.exists(self.filename):
            os.close(os.open(self.filename, os.O_WRONLY | os.O_CREAT, 0o600))
        return super()._create_connection()


class PrivateSqliteHuey(SqliteHuey):
    storage_class = PrivateSqliteStorage
