from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        # Revokes a deactivated practitioner's calendar feed (a user_deactivated receiver).
        from scheduling import calendars  # noqa: F401
