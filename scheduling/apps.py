from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        # Revokes a deactivated practitioner's calendar feed (a user_deactivated receiver).
        from scheduling import (
            calendars,  # noqa: F401
            tasks,
        )
        from scheduling.models import TimeOff
        from scheduling.signals import slot_freed

        # A slot freed goes to the waitlist (scheduling/waitlist.py), through the job system.
        slot_freed.connect(tasks.queue_offer, dispatch_uid="scheduling.waitlist")
        post_delete.connect(tasks.time_off_removed, sender=TimeOff, dispatch_uid="scheduling.time_off_removed")
