"""Make any file name safe to read, and split off what is not part of the release name.

Names come from ``os.listdir``: on Linux undecodable bytes arrive as lone surrogates, macOS hands
out NFD, and downloads carry bidi marks, emoji and trailing dots. None of that may crash a parser or
leak into a title, so it is settled here once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from anivault.core.lookup.scan import SIDECAR_EXTENSIONS, VIDEO_EXTENSIONS

REPLACEMENT: Final = "\ufffd"
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_BIDI_CONTROLS: Final = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF], None
)
_MEDIA_EXTENSION: Final = re.compile(
    rf"(?:{'|'.join(re.escape(ext) for ext in sorted(VIDEO_EXTENSIONS | SIDECAR_EXTENSIONS))})$",
    re.IGNORECASE,
)
# ``.en``, ``.jpn``, ``.pt-BR``, ``.zh-Hans`` optionally followed by ``.forced`` / ``.sdh`` / ``.default``.
_LANGUAGE_TAGS: Final = re.compile(
    r"(?:\.(?:[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)(?:\.(?:forced|sdh|default|cc|hi))*)$"
)


def clean_name(name: str) -> str:
    """NFC, no lone surrogates or bidi controls, no surrounding spaces or trailing dots."""
    name = _LONE_SURROGATE.sub(REPLACEMENT, name)
    name = unicodedata.normalize("NFC", name).translate(_BIDI_CONTROLS)
    return name.strip().rstrip(". ").strip()


def split_extension(name: str) -> tuple[str, str]:
    """(stem, extension) where the extension is a known media/subtitle one, else (name, "")."""
    match = _MEDIA_EXTENSION.search(name)
    return (name[: match.start()], match.group()) if match else (name, "")


def sidecar_languages(name: str) -> tuple[str, ...]:
    """Language tags of a subtitle/audio sidecar: ``x.en.ass`` → ("en",), ``x.jpn.forced.srt`` →
    ("jpn", "forced"). Empty for videos and untagged sidecars."""
    stem, extension = split_extension(name)
    if not extension:
        return ()
    match = _LANGUAGE_TAGS.search(stem)
    return tuple(match.group().lstrip(".").split(".")) if match else ()


def strip_language_tags(stem: str) -> str:
    """``Title - 07 [1080p].en`` → ``Title - 07 [1080p]`` (only called for sidecar extensions)."""
    match = _LANGUAGE_TAGS.search(stem)
    return stem[: match.start()] if match else stem
