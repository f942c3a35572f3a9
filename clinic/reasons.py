"""What counts as a reason written on the record: an override, an acknowledgement, a
skipped session. "ok" or "fine" explains nothing to whoever reads the record later."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_WORDS = 3
MIN_LETTERS = 15


def reason_error(text: str, *, asked: str = gettext_lazy("Say why")) -> str:
    """Empty when `text` is a sentence someone could act on; else what to write instead."""
    text = text.strip()
    if not text:
        return f"{asked}."
    words = [word for word in text.split() if any(character.isalpha() for character in word)]
    if len(words) < MIN_WORDS or sum(character.isalpha() for character in text) < MIN_LETTERS:
        return _(
            "%(asked)s in a sentence (at least %(words)d words): a colleague reading the record must understand it."
        ) % {"asked": asked, "words": MIN_WORDS}
    return ""
