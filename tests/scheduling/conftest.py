"""A clinic week pinned in time: it is Monday 2 March 2026, 08:00 in Paris, before opening.
With `derek_works`, Derek works Monday to Saturday 09:00–18:00; `erin` is a second
dermatologist with the same hours; `room1` and `room2` are in use."""

import sqlite3
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from clinic.roles import Role
from scheduling.models import Room, WorkingHours
from tests.factories import RoomFactory, UserFactory, WorkingHoursFactory

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
SUNDAY = date(2026, 3, 8)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)
OPEN_DAYS = range(6)  # Monday to Saturday; Sunday is closed by default


def at(day: date, clock: str) -> datetime:
    """`clock` ("10:15") on `day`, clinic time."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=PARIS)


def works_all_week(practitioner, start=time(9), end=time(18)) -> None:
    for weekday in OPEN_DAYS:
        WorkingHoursFactory(practitioner=practitioner, weekday=weekday, start=start, end=end)


@pytest.fixture(autouse=True)
def clinic_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def room1(db) -> Room:
    return RoomFactory(name="Room 1")


@pytest.fixture
def room2(db) -> Room:
    return RoomFactory(name="Room 2")


@pytest.fixture
def derek_works(derek) -> list[WorkingHours]:
    works_all_week(derek)
    return list(derek.working_hours.all())


@pytest.fixture
def erin(db):
    """A second dermatologist, working the same hours as Derek."""
    erin = UserFactory(username="erin", first_name="Erin", last_name="Evans", role=Role.DERMATOLOGIST)
    works_all_week(erin)
    return erin


@pytest.fixture
def concurrent_database(transactional_db, tmp_path, monkeypatch):
    """A database that several threads can write at once, as in production.

    On PostgreSQL, and on SQLite with a file, the test database already is one. pytest-django's
    in-memory SQLite test database is not: its shared-cache mode locks whole tables and
    answers "database table is locked" at once, without waiting for the busy timeout. So for
    the length of the test, the default alias moves to a file copy of the test database, with
    the project's own options (IMMEDIATE transactions, WAL, 20 s timeout)."""
    memory = connections[DEFAULT_DB_ALIAS]
    if memory.vendor != "sqlite" or not memory.is_in_memory_db():
        yield
        return
    memory.ensure_connection()
    path = tmp_path / "concurrent.sqlite3"
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    monkeypatch.setitem(connections.settings, DEFAULT_DB_ALIAS, {**memory.settings_dict, "NAME": str(path)})
    on_file = connections.create_connection(DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = on_file  # this thread; new threads read connections.settings
    yield
    on_file.close()
    connections[DEFAULT_DB_ALIAS] = memory
