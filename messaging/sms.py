"""Text messages through a backend the clinic names in SMS_BACKEND, as Django's email backends:
a dotted path to a class with `send(*, to, text)` that raises when the provider refuses (the
outbox then retries). None is set by default: no text message is queued. Shipped: console
(prints) and file (one file a message in SMS_FILE_PATH). docs/deploy.md shows a provider's."""

import sys
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class ConsoleBackend:
    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


class FileBackend:
    def send(self, *, to: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        (folder / f"{stamp}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")


def configured() -> bool:
    return bool(settings.SMS_BACKEND)


def send(*, to: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, text=text)
