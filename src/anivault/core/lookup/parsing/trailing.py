"""The parenthesis that ends a WEB release name: the show's other title, or only more tags.

WEB groups end a name with the title the show also goes by, beside tags:
``Title.S01E09.1080p.DSNP.WEB-DL.DDP2.0.H.264-VARYG (Romaji Title, Multi-Subs)``,
``[Grp] Title S01E03 … H.264 (Romaji Title, English-Sub)``, ``[Grp] Title S03E03 [WEB 1080p] - Episode 3
(English Title)``. The same place holds tags alone in other names: ``(1080p)``, ``(2019)``, a CRC,
``(BD)``, ``(v2)``, an absolute episode ``(04)``, ``(Dub)``, ``(Uncensored)``, ``(TV)``,
``(Multi-Audio, Multi-Subs)``. anitopy's keyword table is the tag vocabulary, with the words of WEB
releases it lacks; what is left before the first tag is the other title.
"""

from __future__ import annotations

import re
from typing import Any, Final

from anitopy.keyword import keyword_manager

from anivault.core.lookup.parsing.structure import non_latin

_TRAILING_PARENTHESIS: Final = re.compile(
    r"(?<!-)\s+\((?P<inside>[^()]*)\)(?=(?:\s*[\[{][^\[\]{}]*[\]}])*\s*$)"
)
"""The last parenthesis of a name, where only bracketed tags (``{Batch}``) may follow it. It stands
apart: glued to a tag it is one more tag (``[Cap.101](website.com)``, ``01(DVD)``), and after a
dash it is the group's place (``Title - 01 - (Group)[CRC]``)."""
_PARTS: Final = re.compile(r"\s*,\s*")
_WORDS: Final = re.compile(r"[\s&+/|]+")
_TECHNICAL_WORD: Final = re.compile(
    r"\d{3,4}[pi]|\d{3,4}[x×]\d{3,4}|[48]K|(?=[0-9A-F]*\d)[0-9A-F]{8}|v\d|S\d{1,2}(?:E\d{1,4})?|EP?\d{1,4}"
    r"|(?:www\.)?[\w-]+\.(?:com|net|org|info|io|tv|to|me|cc|ru|moe)",
    re.IGNORECASE,
)
"""A resolution, a CRC, a version, a scene season or episode, a web site: tags wherever they stand."""
_COUNTING_WORD: Final = re.compile(r"Part|Cour|[IVX]{1,4}", re.IGNORECASE)
"""What counts a part of a show (``Part III``): alone it is no title."""
_WEB_WORDS: Final = ("WEB", "WEB-DL", "WEBDL", "MSUBS", "MULTI", "MULTI-SUB", "MULTISUB", "MULTISUBS", "SUBS")
_SERVICES: Final = ("CR", "NF", "AMZN", "DSNP", "BILI", "B-GLOBAL", "HIDI", "ADN", "ABEMA", "BAHA", "IQ")
_WEB_TAGS: Final = frozenset((*_WEB_WORDS, *_SERVICES, "VRV", "FUNI", "HULU", "WEEKLY"))
"""WEB-release words anitopy's table lacks: sources, subtitle notes, and the streaming services'
codes (``CR``, ``NF``, ``DSNP``)."""
_QUOTES: Final = "\"'“”‘’「」"


def trailing_alternative(stem: str) -> str | None:
    """The other title in the parenthesis that ends ``stem``: its comma-separated parts up to the
    first tag, or None when it starts with a tag or there is no such parenthesis. Only a Latin title
    is taken: Chinese releases end in notes there (``(正式版本)``, "the final version")."""
    match = _TRAILING_PARENTHESIS.search(stem)
    if match is None:
        return None
    titles: list[str] = []
    for part in _PARTS.split(match["inside"].strip()):
        if not part or _is_tag(part):
            break
        titles.append(part.strip(_QUOTES))
    alternative = ", ".join(titles)
    return alternative if any(ch.isalpha() for ch in alternative) and not non_latin(alternative) else None


def _is_tag(part: str) -> bool:
    """A part that is a tag as a whole (``Dual Audio``), holds a word that only tags are (``English
    Dub``, ``Japanese 2160p x264 AAC``), or has nothing but words that may be tags (``TV``, ``04``,
    ``Final Season``). Words that may also be title words (anitopy's "unidentifiable" ``TV``,
    ``Final``, ``Season``) decide nothing alone, so ``Shingeki no Kyojin: The Final Season`` is a title."""
    if _known(part) or _known(part.replace("-", " ")):
        return True
    words = [word for word in _WORDS.split(part.strip()) if word.strip("-")]
    kinds = [_word_kind(word) for word in words]
    return "tag" in kinds or all(kind == "maybe" for kind in kinds)


def _word_kind(word: str) -> str:
    """ "tag", "maybe" (a tag word that may also be a title word, or a word with a digit: ``04``,
    ``3rd``, ``00``) or "title"."""
    if _TECHNICAL_WORD.fullmatch(word) or word.upper() in _WEB_TAGS:
        return "tag"
    keyword = _known(word)
    if keyword is None and "-" in word:
        kinds = {_word_kind(piece) for piece in word.split("-") if piece}
        return "tag" if "tag" in kinds else "maybe" if kinds == {"maybe"} else "title"
    if keyword is not None:
        return "tag" if keyword.options.identifiable else "maybe"
    return "maybe" if any(ch.isdigit() for ch in word) or _COUNTING_WORD.fullmatch(word) else "title"


def _known(text: str) -> Any:
    """anitopy's keyword for ``text`` (its ``options.identifiable`` says whether it is a tag
    wherever it stands), or None."""
    return keyword_manager.find(keyword_manager.normalize(text.strip()))
