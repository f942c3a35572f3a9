from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from clinic.demo import DEMO_PASSWORD, demo_sign_ins
from messaging import outbox


class Command(BaseCommand):
    help = (
        "Load the demo clinic: each app's demo.seed() adds its part, in INSTALLED_APPS order. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        # The demo's bookings would queue confirmations to made-up addresses.
        with transaction.atomic(), outbox.silenced():
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").seed(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"))
        for username, description in demo_sign_ins():
            self.stdout.write(f"  {username:<16} {description}")
