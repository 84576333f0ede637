"""One title normaliser, so that an index built offline and a name read at run time meet on one key.

Release groups write the same title in many spellings: ``Yu-Gi-Oh!`` / ``Yu Gi Oh``,
``Kiss & Cry`` / ``Kiss and Cry``, ``Pokémon`` / ``Pokemon``, ``Ｆｕｌｌ ｗｉｄｔｈ`` / ``Full width``,
``Hunter×Hunter`` / ``Hunter x Hunter``, ``JoJo's`` / ``JoJos``, ``5,000 Years`` / ``5000 Years``.
The key keeps letters and digits of every script, folds case, width and Latin accents, and turns
all other punctuation into single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

TITLE_KEY_VERSION: Final = "anivault-title-key/1"
"""Names the rules below. Keys stored in a file were made by one version; a change to the rules
must change this string so that stored keys are made again instead of silently missing."""

_WORD_SUBSTITUTES: Final = str.maketrans({"&": " and ", "×": " x ", "＆": " and "})
_APOSTROPHES: Final = re.compile(r"(?<=\w)['’`ʼ](?=\w)")
_THOUSANDS_SEPARATOR: Final = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_LATIN_LETTER: Final = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1 << 16)
def title_key(title: str) -> str:
    """The normalised form of ``title``: equal keys mean "the same title written differently".

    NFKC first (full-width letters, ligatures, ``½``), then ``&`` → ``and`` and ``×`` → ``x``,
    apostrophes inside words and thousands separators dropped (``JoJo's`` → ``jojos``,
    ``5,000`` → ``5000``), accents dropped from Latin letters only (a Japanese voiced mark is part
    of the letter, not an accent), case folded, every run of other characters one space.
    Memoised: a run asks for the same few thousand titles again and again.
    """
    text = unicodedata.normalize("NFKC", title).translate(_WORD_SUBSTITUTES)
    text = _THOUSANDS_SEPARATOR.sub("", _APOSTROPHES.sub("", text))
    text = _strip_latin_accents(text).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def _strip_latin_accents(text: str) -> str:
    if text.isascii():
        return text
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and _LATIN_LETTER.match(kept[-1]):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))
