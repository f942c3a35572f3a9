"""10,000 due reminders sent by two job consumers on Redis, into an SMTP sink that counts
Message-IDs: messages per second, and duplicates (target: all within 60 s, none twice).

    .venv/bin/python bench/reminders.py                 # make bench-reminders
    .venv/bin/python bench/reminders.py --count 2000

PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES_URL to change it): creates and migrates
`mesoplan_bench_reminders`, empties its outbox, writes the due rows, then starts two
`manage.py run_huey` consumers (HUEY_URL=redis://127.0.0.1:6379/8, a fresh queue name) and
waits until the sink has them all or 120 s have passed."""

import argparse
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{SERVER}/mesoplan_bench_reminders"
HUEY_URL = "redis://127.0.0.1:6379/8"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--consumers", type=int, default=2)
    args = parser.parse_args()

    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "mesoplan_bench_reminders"], capture_output=True)
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT, env=env, check=True)

    os.environ.update(DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="clinic.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from messaging.models import OutboxMessage
    from patients.models import Patient
    from tests.smtp import SmtpServer

    OutboxMessage.objects.all().delete()
    patient, _ = Patient.objects.get_or_create(
        first_name="Bench", last_name="Reminders", defaults={"date_of_birth": "1980-01-01", "email": "b@example.org"}
    )
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        (
            OutboxMessage(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=f"patient{n}@example.org",
                kind="reminder",
                language="en",
                subject="Reminder: your appointment tomorrow",
                body_text="Hello,\n\nA reminder of your appointment tomorrow at 10:00.\n",
                patient=patient,
                send_after=now,
                next_attempt_at=now,
            )
            for n in range(args.count)
        ),
        batch_size=2000,
    )
    connection.close()

    name = f"mesoplan-bench-{uuid.uuid4().hex[:8]}"
    with SmtpServer() as sink:
        consumer_env = {
            **env,
            "HUEY_URL": HUEY_URL,
            "HUEY_NAME": name,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": sink.host,
            "EMAIL_PORT": str(sink.port),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        started = time.monotonic()
        consumers = [
            subprocess.Popen(
                [sys.executable, "manage.py", "run_huey"],
                cwd=PROJECT,
                env=consumer_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(args.consumers)
        ]
        try:
            sink.wait_for(args.count, timeout=120)
            elapsed = time.monotonic() - started
        finally:
            for consumer in consumers:
                consumer.terminate()
            for consumer in consumers:
                consumer.wait(timeout=30)
        ids = Counter(message["Message-ID"] for message in sink.messages)

    import redis

    store = redis.Redis.from_url(HUEY_URL)
    for key in store.scan_iter(f"*{name}*"):
        store.delete(key)
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count()
    duplicates = sum(count - 1 for count in ids.values())
    print(f"{args.count} due reminders, {args.consumers} consumers on Redis (2 threads each)")
    print(f"received {len(ids)} distinct in {elapsed:.1f} s (consumers' start included): {len(ids) / elapsed:.0f}/s")
    print(f"duplicates: {duplicates}; rows marked sent: {sent}")
    return 0 if len(ids) == args.count and duplicates == 0 and elapsed <= 60 else 1


if __name__ == "__main__":
    sys.exit(main())
