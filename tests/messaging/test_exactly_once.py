"""A message is sent once however many send it at once: threads racing for one message and
draining together on both databases, a real consumer process, and two consumers on Redis."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection, connections
from django.utils import timezone

from messaging import sending
from messaging.models import OutboxMessage
from tests.factories import PatientFactory
from tests.races import RACE, race

PROJECT = Path(__file__).resolve().parents[2]


def due_messages(count: int) -> list[int]:
    """Rows as notify_patient writes them, due now (written straight, so nothing sends them yet)."""
    patient = PatientFactory()
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            channel=OutboxMessage.Channel.EMAIL,
            recipient=f"patient{number}@example.org",
            kind="reminder",
            language="en",
            subject=f"Reminder {number}",
            body_text="See you soon.",
            patient=patient,
            send_after=now,
            next_attempt_at=now,
        )
        for number in range(count)
    )
    return list(OutboxMessage.objects.values_list("pk", flat=True))


@RACE
def test_threads_racing_for_one_message_send_it_once(concurrent_database, smtp_server):
    [pk] = due_messages(1)

    outcomes = race([lambda: sending.send_one(pk)] * 6)

    assert sorted(outcomes, key=str) == [False] * 5 + [True]
    assert len(smtp_server.messages) == 1
    assert OutboxMessage.objects.get(pk=pk).attempts == 1


@RACE
def test_drains_side_by_side_send_each_message_once(concurrent_database, smtp_server):
    due_messages(60)

    outcomes = race([sending.drain] * 4)

    assert sum(outcomes) == 60, outcomes
    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(ids) == len(set(ids)) == 60
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxMessage.Status.SENT, 1)}


def database_url() -> str:
    settings = connections["default"].settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def consumer(huey_url: str, huey_name: str, smtp_server) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HUEY_URL": huey_url,
        "HUEY_NAME": huey_name,
        "HUEY_WORKERS": "2",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_sent(count: int, timeout: float) -> bool:
    """The SMTP server sees a message before its consumer marks the row sent: stopping the
    consumer in between would leave the row claimed until its deadline, so wait for the rows."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == count:
            return True
        connection.close()
        time.sleep(0.2)
    return False


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


@RACE
def test_a_real_consumer_sends_what_was_queued(concurrent_database, smtp_server, tmp_path):
    due_messages(5)
    connection.close()  # the consumer's process writes the same database

    processes = [consumer(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", "mesoplan-test", smtp_server)]
    try:
        assert smtp_server.wait_for(5, timeout=60), "the consumer sent nothing in time"
        assert wait_until_sent(5, timeout=30), "the consumer did not mark its messages sent"
    finally:
        stop(processes)

    assert sorted(message["To"] for message in smtp_server.messages) == [f"patient{n}@example.org" for n in range(5)]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}


@RACE
def test_two_consumers_on_redis_send_each_message_once(concurrent_database, smtp_server):
    count = 300
    due_messages(count)
    connection.close()
    name = f"mesoplan-test-{uuid.uuid4().hex[:8]}"
    url = "redis://127.0.0.1:6379/9"
    store = redis.Redis.from_url(url)
    try:
        store.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")

    processes = [consumer(url, name, smtp_server) for _ in range(2)]
    try:
        assert smtp_server.wait_for(count, timeout=120), "the consumers did not send everything in time"
        assert wait_until_sent(count, timeout=30), "the consumers did not mark their messages sent"
    finally:
        stop(processes)
        for key in store.scan_iter(f"*{name}*"):
            store.delete(key)

    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(ids) == len(set(ids)) == count
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxMessage.Status.SENT, 1)}
