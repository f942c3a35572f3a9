"""The French catalogue: where it lives and how it is made from the code.

`manage.py update_translations` refreshes it after texts change (then translate what is
new); `manage.py check_translations` is CI's check that it is complete and current.
Compiled with gettext's msgfmt, so serving needs no gettext, only the committed .mo.
"""

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

LOCALE = "fr"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / LOCALE / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# Without line numbers, the catalogue changes only when a text does.
MAKEMESSAGES_OPTIONS = {
    "locale": [LOCALE],
    "domain": "django",
    "no_location": True,
    "no_obsolete": True,
    "ignore_patterns": ["node_modules/*", "staticfiles/*", "tests/*", "bench/*", "docs/*"],
    "verbosity": 0,
}


def refresh_catalogue() -> None:
    call_command("makemessages", **MAKEMESSAGES_OPTIONS)


def compile_catalogue(target: Path = COMPILED) -> None:
    subprocess.run(["msgfmt", "--check", "--output-file", str(target), str(CATALOGUE)], check=True)


def entries_with(flag: str) -> list[str]:
    """The msgids msgattrib selects with `flag` (--untranslated, --only-fuzzy)."""
    listing = subprocess.run(
        ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(CATALOGUE)], capture_output=True, text=True, check=True
    ).stdout
    msgids = (line.removeprefix("msgid ") for line in listing.splitlines() if line.startswith('msgid "'))
    return [msgid for msgid in msgids if msgid != '""']
