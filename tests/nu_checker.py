"""The W3C Nu HTML Checker (vnu.jar from npm's vnu-jar, see package.json) run on the machine's Java.

It starts slowly (a few seconds of JVM), so callers gather every document first and check them all
in one run.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def wrapped(fragment: str, language: str) -> str:
    """An htmx fragment inside the smallest valid document, so only the fragment's own errors show."""
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>Fragment</title></head>'
        f"<body><main>{fragment}</main></body></html>"
    )


def nu_errors(documents: dict[str, str]) -> list[str]:
    """Every error the Nu checker finds in `documents` (a name for each HTML text), as
    "name, line N: message" lines."""
    java = shutil.which("java")
    if java is None or not VNU.exists():
        raise RuntimeError(
            "The Nu checker needs Java (Debian's default-jre-headless) and node_modules/vnu-jar (npm ci)."
        )
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for number, (name, html) in enumerate(documents.items()):
            file = Path(folder) / f"{number:04}.html"
            file.write_text(html, encoding="utf-8")
            names[file.name] = name
        checked = subprocess.run(
            [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", folder],
            capture_output=True,
            text=True,
            check=True,
        )
    return [describe(message, names) for message in json.loads(checked.stderr)["messages"] if message["type"] != "info"]


def describe(message: dict, names: dict[str, str]) -> str:
    name = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
    extract = f" [{message['extract'].strip()}]" if message.get("extract") else ""
    return f"{name}, line {message.get('lastLine', '?')}: {message['message']}{extract}"
