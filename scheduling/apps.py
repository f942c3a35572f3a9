from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        # Revokes a deactivated practitioner's calendar feed (a user_deactivated receiver).
        from scheduling import calendars  # noqa: F401
