"""Target paths for matched files: the library layout plus Windows-safe path segments.

The rules apply on every OS, not only on Windows: libraries move between machines and are served
over SMB, and a name that is legal on Linux but not on NTFS becomes an unreachable file there.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath

from anivault.core.models import Match

MAX_SEGMENT_BYTES = 255
TAIL_RESERVE = 32
"""Bytes kept free after a video's stem for the extension or a sidecar's tags (.jpn.forced.srt)."""
STEM_BUDGET = MAX_SEGMENT_BYTES - TAIL_RESERVE
HASH_CHARS = 6
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_SMART_COLON = re.compile(r"\s*:\s*")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)


def safe_segment(text: str, *, max_bytes: int = MAX_SEGMENT_BYTES) -> str:
    """One path segment that is valid on Windows, macOS and Linux.

    ``Re:Zero`` → ``Re - Zero`` (colon between words becomes a dash, like Sonarr's "smart"
    replacement); other forbidden or control characters become ``_`` plus a short hash of the
    original, kept even when the text is truncated, so two titles that differ only there cannot
    collide; a reserved device name before the first dot gets a ``_`` (``CON.txt`` → ``CON_.txt``,
    which Windows no longer reads as the device); trailing dots and spaces go; the result is NFC
    and at most ``max_bytes`` of UTF-8.
    """
    text = unicodedata.normalize("NFC", text)
    text = _SMART_COLON.sub(" - ", text.strip()).strip(" -") if ":" in text else text
    suffix = ""
    if _FORBIDDEN.search(text):
        suffix = "_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:HASH_CHARS]
        text = _FORBIDDEN.sub("_", text)
    text = " ".join(text.split())
    base, dot, rest = text.partition(".")
    if base.upper() in _RESERVED:
        text = f"{base}_{dot}{rest}"
    body = _truncate_utf8(text, max_bytes - len(suffix)).rstrip(". ")
    return (body + suffix) or "_"


def episode_token(season: int, episodes: tuple[int, ...]) -> str:
    """``S01E07``, or ``S01E07-E08`` for a multi-episode file (the Jellyfin/Plex form)."""
    first = f"S{season:02d}E{episodes[0]:02d}"
    return first if len(episodes) == 1 else f"{first}-E{episodes[-1]:02d}"


def target_for(match: Match, extension: str) -> PurePosixPath:
    """Library-relative target of a matched video; ``extension`` includes the dot.

    File stems stay within ``STEM_BUDGET`` so that every sidecar tail up to ``TAIL_RESERVE`` bytes
    fits with the *same* stem (players pair subtitles by stem), and a long title is cut before
    the episode token, never the token itself.
    """
    show = safe_segment(f"{match.title} ({match.year})" if match.year else match.title)
    ext = extension.lower()
    if match.media_type == "movie":
        return PurePosixPath("Movies", show, _fit(show, "") + ext)
    if match.season is None or not match.episodes:
        raise ValueError("a TV match needs a season and episodes to be named")
    season_dir = f"Season {match.season:02d}"
    return PurePosixPath(
        show, season_dir, _fit(show, f" {episode_token(match.season, match.episodes)}") + ext
    )


def sidecar_target(video_target: PurePosixPath, tail: str) -> PurePosixPath:
    """A sidecar keeps its language/forced tags: ``X S01E07.mkv`` + ``.en.ass`` → ``X S01E07.en.ass``."""
    safe_tail = _FORBIDDEN.sub("_", tail)
    stem = _truncate_utf8(video_target.stem, MAX_SEGMENT_BYTES - len(safe_tail.encode("utf-8")))
    return video_target.with_name(stem + safe_tail)


def _fit(show: str, token: str) -> str:
    """``show + token`` within the stem budget, shortening ``show`` only."""
    room = STEM_BUDGET - len(token.encode("utf-8"))
    return _truncate_utf8(show, room).rstrip(". ") + token


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")
