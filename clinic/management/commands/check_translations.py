import difflib
import re
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic import translations

CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


class Command(BaseCommand):
    help = (
        "Fail unless the French catalogue holds exactly the code's texts, all translated and none "
        "fuzzy, and the committed .mo is compiled from it."
    )

    def handle(self, **options) -> None:
        committed = translations.CATALOGUE.read_text(encoding="utf-8")
        translations.refresh_catalogue()
        fresh = translations.CATALOGUE.read_text(encoding="utf-8")
        # Only the catalogue's date moves on every run: keep the committed file as it was.
        translations.CATALOGUE.write_text(committed, encoding="utf-8")
        problems = []
        if CREATION_DATE.sub("", committed) != CREATION_DATE.sub("", fresh):
            diff = "".join(
                difflib.unified_diff(
                    committed.splitlines(keepends=True), fresh.splitlines(keepends=True), "committed", "from the code"
                )
            )
            problems.append(f"The catalogue differs from the code's texts; run `make translations`:\n{diff}")
        for flag, what in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
            if entries := translations.entries_with(flag):
                problems.append(f"{len(entries)} {what} French entries:\n  " + "\n  ".join(entries))
        with tempfile.TemporaryDirectory() as directory:
            compiled = Path(directory) / "django.mo"
            translations.compile_catalogue(compiled)
            if not translations.COMPILED.exists() or compiled.read_bytes() != translations.COMPILED.read_bytes():
                problems.append(f"{translations.COMPILED} is not compiled from the catalogue; run `make translations`.")
        if problems:
            raise CommandError("\n\n".join(problems))
        self.stdout.write("The French catalogue is complete and current.")
