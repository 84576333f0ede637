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
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_SMART_COLON = re.compile(r"\s*:\s*")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)


def safe_segment(text: str, *, max_bytes: int = MAX_SEGMENT_BYTES) -> str:
    """One path segment that is valid on Windows, macOS and Linux.

    ``Re:Zero`` → ``Re - Zero`` (colon between words becomes a dash, like Sonarr's "smart"
    replacement); other forbidden or control characters become ``_`` plus a short hash of the
    original, so two titles that differ only there cannot collide; reserved device names get a
    trailing ``_``; trailing dots and spaces go; the result is NFC and at most ``max_bytes`` UTF-8.
    """
    text = unicodedata.normalize("NFC", text)
    text = _SMART_COLON.sub(" - ", text.strip()).strip(" -") if ":" in text else text
    if _FORBIDDEN.search(text):
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
        text = f"{_FORBIDDEN.sub('_', text)}_{digest}"
    text = " ".join(text.split()).rstrip(". ")
    if text.split(".")[0].upper() in _RESERVED:
        text = f"{text}_"
    return _truncate_utf8(text, max_bytes).rstrip(". ") or "_"


def episode_token(season: int, episodes: tuple[int, ...]) -> str:
    """``S01E07``, or ``S01E07-E08`` for a multi-episode file (the Jellyfin/Plex form)."""
    first = f"S{season:02d}E{episodes[0]:02d}"
    return first if len(episodes) == 1 else f"{first}-E{episodes[-1]:02d}"


def target_for(match: Match, extension: str) -> PurePosixPath:
    """Library-relative target of a matched video; ``extension`` includes the dot."""
    show = safe_segment(f"{match.title} ({match.year})" if match.year else match.title)
    if match.media_type == "movie":
        return PurePosixPath("Movies", show, _file_name(show, extension.lower()))
    if match.season is None or not match.episodes:
        raise ValueError("a TV match needs a season and episodes to be named")
    season_dir = f"Season {match.season:02d}"
    name = _file_name(f"{show} {episode_token(match.season, match.episodes)}", extension.lower())
    return PurePosixPath(show, season_dir, name)


def sidecar_target(video_target: PurePosixPath, tail: str) -> PurePosixPath:
    """A sidecar keeps its language/forced tags: ``X S01E07.mkv`` + ``.en.ass`` → ``X S01E07.en.ass``."""
    return video_target.with_name(_file_name(video_target.stem, tail))


def _file_name(stem: str, tail: str) -> str:
    """Truncate the stem, never the extension or tags, to keep the segment within budget."""
    safe_tail = _FORBIDDEN.sub("_", tail)
    return safe_segment(stem, max_bytes=MAX_SEGMENT_BYTES - len(safe_tail.encode("utf-8"))) + safe_tail


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")
