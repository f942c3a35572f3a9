"""The jobs huey runs for scheduling: offering a freed slot to the waitlist, right after the
write that freed it commits, and every minute letting go of holds and offers past their time
(whose slots are then offered in turn)."""

from datetime import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from scheduling import booking, slot_holds, waitlist


@db_task()
def offer_freed_slot(start: str, end: str, practitioner_id: int | None) -> None:
    waitlist.offer_freed(
        start=datetime.fromisoformat(start), end=datetime.fromisoformat(end), practitioner_id=practitioner_id
    )


def queue_offer(sender, *, start: datetime, end: datetime, practitioner_id: int | None, **kwargs) -> None:
    """scheduling.signals.slot_freed's listener (scheduling/apps.py)."""
    offer_freed_slot(start.isoformat(), end.isoformat(), practitioner_id)


@db_periodic_task(crontab(minute="*"))
def release_lapsed_holds() -> None:
    for start, end, practitioner_id in slot_holds.release_expired():
        booking.announce_freed(start, end, practitioner_id)
    waitlist.expire_offers()


def time_off_removed(sender, *, instance, **kwargs) -> None:
    """Time off taken away (the admin's delete) frees its slots: a post_delete listener."""
    booking.announce_freed(instance.start, instance.end, instance.practitioner_id)
