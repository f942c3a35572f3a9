"""The jobs huey runs (`manage.py run_huey`): a message right after its row commits, and every
minute what is due (reminders) or waits for a retry."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from messaging import sending


@db_task()
def send_message(pk: int) -> None:
    sending.send_one(pk)


@db_task()
def drain_outbox() -> None:
    sending.drain()


@db_periodic_task(crontab(minute="*"))
def send_due() -> None:
    # Several drains, so that a consumer's workers (and several consumers) send side by side.
    for _ in range(settings.MESSAGING_SENDERS):
        drain_outbox()


@on_startup()
def send_what_waited() -> None:
    # What was queued while no consumer ran goes now, not at the next minute.
    send_due.call_local()
