"""The technical tags of the plain fansub shape, read without anitopy.

``[Group] Title - 07 (1080p) [A1B2C3D4]`` is most of a typical library, and for it ``read_dash``
has already read the title and the episode: all anitopy would add is the resolution, the CRC and
the version, and running it is most of a warm run's CPU over a large library. When the
group and title hold no digit and no CRC-like word, the episode is a plain number, and every tag
with a digit in it is a resolution (one at most), a CRC or a codec name, anitopy's answer is
certain without running it: it could find no year, and no other resolution, CRC or version. Any
other name takes the full parser, so this is a shortcut to the same answer, never a second
opinion; the tests hold it to anitopy's answer over generated names and the labelled dataset.
"""

from __future__ import annotations

import re
from typing import Final

from anivault.core.lookup.parsing.structure import Reading

_PLAIN_EPISODE: Final = re.compile(r"\s+-\s+(?P<episode>\d{1,4})(?:v(?P<version>\d))?")
_TOKEN_BREAKS: Final = re.compile(r"[ _.&+,|()\[\]{}「」『』【】（）]+")
"""anitopy's delimiters and brackets: what it splits a name into tokens at."""
_RESOLUTION: Final = re.compile(r"\d{3,4}(?:[pP]|[xX×]\d{3,4})")
_CRC: Final = re.compile(r"[0-9A-Fa-f]{8}")
_KEYWORD_RESOLUTIONS: Final = ("480p", "720p", "1080p")
"""anitopy takes these wherever they occur, also inside a longer tag (``1720p`` reads as
``720p``), so such a tag is left to anitopy."""
_CODECS_WITH_DIGITS: Final = frozenset(
    {"x264", "x265", "h264", "h265", "av1", "10bit", "10-bit", "8bit", "hi10p"}
)


def plain_release_tags(shape: str, reading: Reading) -> dict[str, str] | None:
    """anitopy's ``video_resolution``, ``file_checksum`` and ``release_version`` for a name of the
    plain shape that ``reading`` read, or None when the name is not plain and needs anitopy."""
    head, rest = reading.title, reading.rest
    if not reading.episodes or len(head) + len(rest) > len(shape):
        return None
    if not (head.startswith("[") and shape.startswith(head) and shape.endswith(rest)):
        return None
    episode = _PLAIN_EPISODE.fullmatch(shape[len(head) : len(shape) - len(rest)])
    if episode is None or not _plain_head(head):
        return None
    tags = _tags(rest)
    if tags is None:
        return None
    if episode["version"]:
        tags["release_version"] = episode["version"]
    return tags


def _plain_head(head: str) -> bool:
    """Group and title give anitopy nothing to find: no digit, no word that reads as a CRC."""
    if any(ch.isdigit() for ch in head):
        return False
    return not any(_CRC.fullmatch(token) for token in _TOKEN_BREAKS.split(head))


def _tags(rest: str) -> dict[str, str] | None:
    """The first resolution and the first CRC, as anitopy takes them, when the only other tags
    with digits are codec names; None for two resolutions, which anitopy may not take in order."""
    resolutions: list[str] = []
    checksums: list[str] = []
    for token in (token.strip(" -") for token in _TOKEN_BREAKS.split(rest)):
        if _CRC.fullmatch(token):
            checksums.append(token)
        elif _RESOLUTION.fullmatch(token):
            if token not in _KEYWORD_RESOLUTIONS and any(key in token for key in _KEYWORD_RESOLUTIONS):
                return None
            resolutions.append(token)
        elif any(ch.isdigit() for ch in token) and token.casefold() not in _CODECS_WITH_DIGITS:
            return None
    if len(resolutions) > 1:
        return None  # within one bracket anitopy lists 480p, 720p, 1080p in that order, not as written
    found = {"video_resolution": resolutions[0]} if resolutions else {}
    if checksums:
        found["file_checksum"] = checksums[0]
    return found
