from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("Clinic")

    def ready(self) -> None:
        # Starts each session's inactivity clock at sign-in (a user_logged_in receiver).
        from clinic import sessions  # noqa: F401
        from clinic.database import install

        # A PostgreSQL server that stops answering gets a deadline (clinic/database.py).
        install()
