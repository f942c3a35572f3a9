"""How long the app waits for PostgreSQL before it gives up and says so (the 503 page,
`/healthz` 503).

The server cancels a statement that runs longer than CLINIC_DB_STATEMENT_TIMEOUT
(`statement_timeout`, set in settings). A server that does not answer at all (frozen,
or a network that swallows packets) cannot cancel anything, and libpq's own
`connect_timeout` does not cover a server that accepts the connection and then says
nothing; so psycopg2 waits for every answer through `wait_for_answer`, which gives up
after CLINIC_DB_CONNECT_TIMEOUT while connecting and a second after the statement
timeout once connected. psycopg2 then marks the connection broken and Django opens a
new one on the next request: the app serves again as soon as the database answers.

It also keeps the SQLite database file private (0600; SQLite gives its WAL files the same
mode)."""

import os
import select
import time

import psycopg2
from django.conf import settings
from django.db.backends.signals import connection_created
from psycopg2 import extensions

# Once connected a statement may run until the server cancels it; the extra second lets
# the server's own cancel arrive first, with its clearer message.
MARGIN_SECONDS = 1.0
CONNECTED = frozenset({extensions.STATUS_READY, extensions.STATUS_BEGIN, extensions.STATUS_PREPARED})


def answer_deadline(connection) -> float | None:
    """Seconds to wait for the server's next answer, or None for no limit."""
    if connection.status not in CONNECTED:
        return settings.CLINIC_DB_CONNECT_TIMEOUT
    statement_timeout = settings.CLINIC_DB_STATEMENT_TIMEOUT
    return statement_timeout + MARGIN_SECONDS if statement_timeout else None


def wait_for_answer(connection) -> None:
    """psycopg2's wait callback (psycopg2.extras.wait_select) with a deadline."""
    limit = answer_deadline(connection)
    give_up_at = None if limit is None else time.monotonic() + limit
    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        left = None if give_up_at is None else give_up_at - time.monotonic()
        if left is not None and left <= 0:
            raise psycopg2.OperationalError(f"the database did not answer within {limit:g} seconds")
        if state == extensions.POLL_READ:
            select.select([connection.fileno()], [], [], left)
        elif state == extensions.POLL_WRITE:
            select.select([], [connection.fileno()], [], left)
        else:
            raise psycopg2.OperationalError(f"bad state from poll: {state}")


def install() -> None:
    extensions.set_wait_callback(wait_for_answer)
    connection_created.connect(protect_sqlite_files)


def protect_sqlite_files(sender, connection, **kwargs) -> None:
    """The SQLite database and its WAL files are the owner's only (0600): they are the
    patients' records. Run at each new connection (connection_created)."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    for suffix in ("", "-wal", "-shm"):
        path = f"{connection.settings_dict['NAME']}{suffix}"
        if os.path.exists(path) and os.stat(path).st_mode & 0o077:
            os.chmod(path, 0o600)
