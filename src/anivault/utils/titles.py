"""One title normaliser, so that an index built offline and a name read at run time meet on one key.

Release groups write the same title in many spellings: ``Yu-Gi-Oh!`` / ``Yu Gi Oh``,
``Kiss & Cry`` / ``Kiss and Cry``, ``Pokémon`` / ``Pokemon``, ``Ｆｕｌｌ ｗｉｄｔｈ`` / ``Full width``,
``Hunter×Hunter`` / ``Hunter x Hunter``, ``JoJo's`` / ``JoJos``, ``5,000 Years`` / ``5000 Years``,
``惡魔高校D×D`` / ``恶魔高校D×D`` (Traditional / Simplified Chinese).
The key keeps letters and digits of every script, folds case, width, Latin accents and Chinese
script, and turns all other punctuation into single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from opencc import OpenCC

TITLE_KEY_VERSION: Final = "anivault-title-key/2"
"""Names the rules below. Keys stored in a file were made by one version; a change to the rules
must change this string so that stored keys are made again instead of silently missing."""

_WORD_SUBSTITUTES: Final = str.maketrans({"&": " and ", "×": " x ", "＆": " and "})
_APOSTROPHES: Final = re.compile(r"(?<=\w)['’`ʼ](?=\w)")
_THOUSANDS_SEPARATOR: Final = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_LATIN_LETTER: Final = re.compile(r"[A-Za-z]")
_HAN_IDEOGRAPH: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
CHINESE_FOLD_CONFIG: Final = "t2s"
"""OpenCC's standard Traditional → Simplified conversion: many Traditional characters map to one
Simplified one, the reverse is ambiguous (``发`` is ``發`` or ``髮``), so both scripts fold to Simplified.
The one-file build bundles this conversion's dictionaries only (tools/build_exe.py)."""


@lru_cache(maxsize=1 << 16)
def title_key(title: str) -> str:
    """The normalised form of ``title``: equal keys mean "the same title written differently".

    NFKC first (full-width letters, ligatures, ``½``), Chinese folded to Simplified, then ``&`` →
    ``and`` and ``×`` → ``x``, apostrophes inside words and thousands separators dropped
    (``JoJo's`` → ``jojos``, ``5,000`` → ``5000``), accents dropped from Latin letters only (a
    Japanese voiced mark is part of the letter, not an accent), case folded, every run of other
    characters one space. Memoised: a run asks for the same few thousand titles again and again.
    """
    text = fold_chinese_script(unicodedata.normalize("NFKC", title)).translate(_WORD_SUBSTITUTES)
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


def fold_chinese_script(text: str) -> str:
    """``text`` with Traditional Chinese written in Simplified (``惡魔高校`` → ``恶魔高校``), so that a
    title release groups write in one script finds the catalog's translation in the other.

    Japanese kanji fold too (``進撃`` → ``进撃``): harmless, since every side of a comparison is
    folded alike. Text without a Han ideograph is returned as it is without touching OpenCC, which
    is loaded on the first such title only: most runs and every start-up never need it. Not
    memoised here: its callers (``title_key``, the matcher's title normaliser) are.
    """
    if text.isascii() or _HAN_IDEOGRAPH.search(text) is None:
        return text
    folded: str = _chinese_converter().convert(text)
    return folded


@cache
def _chinese_converter() -> OpenCC:
    from opencc import OpenCC  # noqa: PLC0415 (native, with dictionaries: loaded on first use)

    return OpenCC(CHINESE_FOLD_CONFIG)
