from django.core.management.base import BaseCommand

from clinic import translations


class Command(BaseCommand):
    help = "Refresh the French catalogue from the code and compile it; then translate what is new."

    def handle(self, **options) -> None:
        translations.refresh_catalogue()
        translations.compile_catalogue()
        missing = translations.entries_with("--untranslated") + translations.entries_with("--only-fuzzy")
        self.stdout.write(f"{translations.CATALOGUE}: {len(missing)} entries to translate.")
