"""Target paths for matched files: the library layout plus Windows-safe path segments.

The rules apply on every OS, not only on Windows: libraries move between machines and are served
over SMB, and a name that is legal on Linux but not on NTFS becomes an unreachable file there.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from anivault.core.models import Match
from anivault.core.plan.templates import NamingScheme, preset
from anivault.errors import PathTooLongError

MAX_SEGMENT_BYTES = 255
TAIL_RESERVE = 32
"""Bytes kept free after a video's stem for the extension or a sidecar's tags (.jpn.forced.srt)."""
STEM_BUDGET = MAX_SEGMENT_BYTES - TAIL_RESERVE
EPISODE_TITLE_BYTES = 80
HASH_CHARS = 6
MIN_TITLE_BYTES = 12
"""A title is never cut below this: past it the library root is simply too deep."""
MAX_PATH_CHARS = 4095
POSIX_PATH_MAX = 4096
WINDOWS_MAX_PATH = 259
"""MAX_PATH is 260 including the terminating NUL."""
WINDOWS_LONG_PATH_MAX = 32767
LONG_PREFIX = "\\\\?\\"
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\ud800-\udfff]')
"""Never written into a library name: characters Windows forbids, controls, and the lone
surrogates that stand for a source name's bytes that are not UTF-8 (library names are UTF-8)."""
_READABLE = str.maketrans(
    {"/": "-", "\\": "-", "|": "-", ":": "-", '"': "'", "?": "", "*": "", "<": "", ">": ""}
)
"""What a printable character Windows forbids becomes, as people write it in a folder name (Sonarr
and FileBot do alike): ``Fate/Zero`` → ``Fate-Zero``, ``Is the Order a Rabbit?`` → ``Is the Order a
Rabbit``. A folder a media server shows must read as the title, not as a title with a code."""
_UNPRINTABLE = re.compile(r"[\x00-\x1f\ud800-\udfff]")
"""Controls and the lone surrogates that stand for bytes that are not UTF-8: nothing readable can
stand for them, so they become ``_`` plus a short hash of the original (two names that differ only
there must not land on one path)."""
_SMART_COLON = re.compile(r"\s*:\s*")
_CLOCK_COLON = re.compile(r"(?<=\d):(?=\d)")
NAME_MEMO = 1 << 12
"""Names remembered by the pure naming functions: a plan names each series and season folder
once per file, and a library holds far fewer of them than this."""
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)


@lru_cache(maxsize=NAME_MEMO)
def safe_segment(text: str, *, max_bytes: int = MAX_SEGMENT_BYTES) -> str:
    """One path segment that is valid on Windows, macOS and Linux.

    ``Re:Zero`` → ``Re - Zero`` (colon between words becomes a dash, like Sonarr's "smart"
    replacement); other characters Windows forbids are written readably (``_READABLE``); control
    characters and undecodable bytes become ``_`` plus a short hash of the original, kept even
    when the text is truncated, so two names that differ only there cannot collide; a reserved
    device name before the first dot gets a ``_`` (``CON.txt`` → ``CON_.txt``, which Windows no
    longer reads as the device); trailing dots and spaces go; the result is NFC
    and at most ``max_bytes`` of UTF-8.
    """
    text = unicodedata.normalize("NFC", text)
    text = _SMART_COLON.sub(" - ", text.strip()).strip(" -") if ":" in text else text
    text, suffix = _writable(text)
    base, dot, rest = text.partition(".")
    if base.upper() in _RESERVED:
        text = f"{base}_{dot}{rest}"
    body = _truncate_utf8(text, max_bytes - len(suffix)).rstrip(". ")
    return (body + suffix) or "_"


@dataclass(frozen=True, slots=True)
class Naming:
    """Everything that decides a target name: the scheme and the total path budget."""

    scheme: NamingScheme = field(default_factory=lambda: preset("default"))
    max_path_chars: int = MAX_PATH_CHARS
    """Budget for the whole target path including the library root; titles are cut to fit."""
    colon: str = "smart"
    """One of ``COLON_STYLES`` (services/settings_model.py)."""
    ascii_or_native: bool = False
    """The ``title_ascii_or_native`` rule: see ``library_title``."""


DEFAULT_NAMING = Naming()


Adopt = Callable[[int, tuple[str, ...]], tuple[str, ...]]
"""Rewrites a target's folders to the library's existing ones (``LibraryFolders.adopt``)."""


def target_for(
    match: Match,
    extension: str,
    naming: Naming = DEFAULT_NAMING,
    *,
    root: str = "",
    source_stem: str = "",
    episode_title: str | None = None,
    adopt: Adopt | None = None,
) -> PurePosixPath:
    """Library-relative target of a matched video; ``extension`` includes the dot.

    File stems stay within ``STEM_BUDGET`` so that every sidecar tail up to ``TAIL_RESERVE`` bytes
    fits with the *same* stem (players pair subtitles by stem); folders stay within 255 bytes; and
    ``root`` + the whole path stays within ``naming.max_path_chars``. Only the title is cut to get
    there — never the year, tmdb id or episode token. Raises PathTooLongError (``E-FS-LONGPATH``)
    when even a short title cannot fit, ValueError for a TV match without season or episodes.
    A special whose TMDB episode is unknown (season 0, no episodes) keeps ``source_stem`` as its
    file name inside the series' Season 00 folder; an extra keeps it inside the series' extras
    folder (``naming.scheme.extras``). ``adopt`` turns the folders into the library's existing ones.
    """
    unnumbered_special = match.season == 0 and not match.episodes and bool(source_stem)
    extra = match.extra and bool(source_stem)
    if (
        match.media_type == "tv"
        and not extra
        and (match.season is None or not (match.episodes or unnumbered_special))
    ):
        raise ValueError("a TV match needs a season and episodes to be named")
    template = naming.scheme.movie if match.media_type == "movie" else naming.scheme.tv
    body, tail = _safe_title(library_title(match, ascii_or_native=naming.ascii_or_native), naming.colon)
    values: dict[str, str | int | None] = {
        "year": match.year,
        "season": match.season,
        "episode_token": episode_suffix(match.episodes) if match.episodes else None,
        "tmdb_id": match.tmdb_id,
        "episode_title": _episode_title(episode_title, naming.colon),
    }
    ext = extension.lower()
    keep = len(body.encode("utf-8"))
    while True:
        title = _truncate_utf8(body, keep).rstrip() + tail
        rendered = template.render({**values, "title": title})
        if unnumbered_special:
            rendered = (*rendered[:-1], _truncate_utf8(source_stem, STEM_BUDGET))
        elif extra:  # the series folder (the first of several segments), then its extras folder
            rendered = (
                *rendered[: min(1, len(rendered) - 1)],
                naming.scheme.extras,
                _truncate_utf8(source_stem, STEM_BUDGET),
            )
        segments = tuple(safe_segment(s) for s in rendered)
        if adopt is not None:
            segments = adopt(match.tmdb_id, segments)
        overflow = _overflow(segments, ext, root, naming.max_path_chars)
        if overflow <= 0:
            return PurePosixPath(*segments[:-1], segments[-1] + ext)
        if keep <= MIN_TITLE_BYTES:
            raise PathTooLongError(
                f"no title short enough fits below {root or 'the library'}"
                f" within {naming.max_path_chars} characters"
            )
        keep = max(MIN_TITLE_BYTES, keep - overflow)


def _episode_title(title: str | None, colon: str) -> str | None:
    """A field value of at most ``EPISODE_TITLE_BYTES``: the series title is what the path budget
    cuts, so an episode title must not be the one thing that cannot fit."""
    if not title:
        return None
    return _truncate_utf8(_safe_title(title, colon)[0], EPISODE_TITLE_BYTES).rstrip() or None


def episode_suffix(episodes: tuple[int, ...]) -> str:
    """The template field ``episode_token``: ``E07``, or ``E07-E08`` for a multi-episode file."""
    first = f"E{episodes[0]:02d}"
    return first if len(episodes) == 1 else f"{first}-E{episodes[-1]:02d}"


def long_path(path: str, *, windows: bool) -> str:
    r"""The form of ``path`` the OS API accepts: on Windows past 259 characters, ``\\?\`` (or
    ``\\?\UNC\`` for a share) switches off the MAX_PATH limit. A pure function of its inputs,
    so the Windows rules are tested on every OS. Raises PathTooLongError where no prefix helps:
    a relative path, or one beyond the 32,767-character limit (or PATH_MAX bytes elsewhere)."""
    if not windows:
        if len(os.fsencode(path)) >= POSIX_PATH_MAX:  # the bytes the OS is given, odd names too
            raise PathTooLongError(f"path longer than {POSIX_PATH_MAX} bytes: {path[:80]}…")
        return path
    path = path.replace("/", "\\")
    if len(path) <= WINDOWS_MAX_PATH or path.startswith(LONG_PREFIX):
        return path
    if path.startswith("\\\\"):
        prefixed = LONG_PREFIX + "UNC\\" + path[2:]
    elif re.match(r"^[A-Za-z]:\\", path):
        prefixed = LONG_PREFIX + path
    else:
        raise PathTooLongError(f"relative path past {WINDOWS_MAX_PATH} characters cannot be prefixed: {path}")
    if len(prefixed) > WINDOWS_LONG_PATH_MAX:
        raise PathTooLongError(f"path longer than {WINDOWS_LONG_PATH_MAX} characters even with {LONG_PREFIX}")
    return prefixed


def _overflow(segments: tuple[str, ...], ext: str, root: str, max_chars: int) -> int:
    """How many bytes/characters the rendered path is over its tightest budget (≤ 0: fits)."""
    over = [len(s.encode("utf-8")) - MAX_SEGMENT_BYTES for s in segments[:-1]]
    over.append(len(segments[-1].encode("utf-8")) - STEM_BUDGET)
    whole = len(root) + (1 if root else 0) + sum(len(s) + 1 for s in segments) - 1 + len(ext)
    over.append(whole - max_chars)
    return max(over)


def library_title(match: Match, *, ascii_or_native: bool) -> str:
    """The title written into the library.

    Without the rule it is the match's title as chosen (``--lang``, else the search language).
    With ``title_ascii_or_native`` it is that title folded to plain ASCII when it can be
    (``Pokémon`` → ``Pokemon``, curly quotes → straight ones), else the work's native title
    (``進撃の巨人``): a library in one predictable script per series, never a third one such as a
    Cyrillic translation of a Japanese show. With no native title known, the chosen one stays.
    """
    if not ascii_or_native:
        return match.title
    folded = ascii_fold(match.title)
    if folded is not None:
        return folded
    return match.original_title or match.title


_TYPOGRAPHIC = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "×": "x", "·": "-"}
)


def ascii_fold(text: str) -> str | None:
    """``text`` in ASCII with accents and typographic punctuation folded and other symbols turned
    to spaces (``Lucky☆Star`` → ``Lucky Star``), or None if letters or digits of another script
    would be lost (``Shingeki no Kyojin`` and ``Pokémon`` fold; ``進撃`` does not)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TYPOGRAPHIC))
    kept = []
    for char in decomposed:
        if char.isascii():
            kept.append(char)
        elif unicodedata.category(char)[0] in "LN":
            return None
        elif not unicodedata.combining(char):
            kept.append(" ")
    return " ".join("".join(kept).split())


def replace_colons(text: str, style: str) -> str:
    """``Re:Zero`` → ``Re - Zero`` (smart, space-dash-space), ``Re-Zero`` (dash), ``ReZero``
    (delete); smart keeps clock-like ``12:30`` compact as ``12-30``."""
    if style == "smart":
        text = _CLOCK_COLON.sub("-", text)
    replacement = {"dash": "-", "delete": ""}.get(style, " - ")
    return " ".join(_SMART_COLON.sub(replacement, text.strip()).strip(" -").split())


@lru_cache(maxsize=NAME_MEMO)
def _safe_title(title: str, colon: str = "smart") -> tuple[str, str]:
    """The title as a field value: NFC, smart colon, forbidden characters written readably,
    unprintable ones → ``_`` with a hash tail (returned apart, so truncation never cuts it).
    Trailing dots stay (``Your Name.``); ``safe_segment`` cleans the segment as a whole."""
    title = unicodedata.normalize("NFC", title)
    title = replace_colons(title, colon) if ":" in title else title
    return _writable(title)


def _writable(text: str) -> tuple[str, str]:
    """``text`` with what Windows forbids written readably and unprintable characters as ``_``,
    whitespace collapsed; and the hash tail that keeps names differing only in the latter apart
    ("" when there were none), returned apart so that truncation never cuts it."""
    tail = ""
    if _UNPRINTABLE.search(text):
        tail = "_" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
        text = _UNPRINTABLE.sub("_", text)
    if _FORBIDDEN.search(text):
        text = text.translate(_READABLE)
    return " ".join(text.split()), tail


def sidecar_target(video_target: PurePosixPath, tail: str) -> PurePosixPath:
    """A sidecar keeps its language/forced tags: ``X S01E07.mkv`` + ``.en.ass`` → ``X S01E07.en.ass``."""
    safe_tail = _FORBIDDEN.sub("_", tail)
    stem = _truncate_utf8(video_target.stem, MAX_SEGMENT_BYTES - len(safe_tail.encode("utf-8")))
    return video_target.with_name(stem + safe_tail)


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")
