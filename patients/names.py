"""Names compared the way people type them: without case or accents.

"DUPRÉ", "Dupré" and "dupre" must find, sort and deduplicate as one name on SQLite and
PostgreSQL alike. Neither database folds accents with a built-in both share (SQLite's
LOWER() only knows ASCII), so Mesoplan stores the folded name beside the names.
"""

import unicodedata


def latin1_accented_letters() -> dict[str, str]:
    """Letters of Latin-1 (French, Spanish, Portuguese, Italian, German…) and their base letter."""
    letters = {}
    for code in range(0xC0, 0x100):
        letter = chr(code)
        decomposed = unicodedata.normalize("NFD", letter)
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            letters[letter] = decomposed[0]
    return letters | {"Ø": "O", "ø": "o"}


ACCENTED = latin1_accented_letters()
UNACCENT = str.maketrans(ACCENTED)


def fold(text: str) -> str:
    return text.translate(UNACCENT).lower()
