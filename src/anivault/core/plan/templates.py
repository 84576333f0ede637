"""Naming templates: the built-in presets and a sandboxed field language for user templates.

A template is plain text with ``{field}`` or ``{field:02d}`` placeholders and ``/`` between
folders, e.g. ``{title} ({year})/Season {season:02d}/{title} ({year}) S{season:02d}{episode_token}``.
It is parsed with ``string.Formatter().parse`` only to *find* placeholders; rendering substitutes
values itself, so there is no attribute access (``{title.__class__}``), no indexing, no
conversions (``!r``) and no code execution — anything but a known field name with an optional
integer width is refused when the template is loaded, with the list of known fields.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from anivault.errors import UsageError
from anivault.services.settings_model import PRESETS

FIELDS = ("title", "year", "season", "episode_token", "episode_title", "tmdb_id", "ext")
"""Every field a template may use; ``ext`` only as the final ``.{ext}``. ``episode_title`` costs a
TMDB request per season, so it is fetched only for templates that use it."""
_SPEC = re.compile(r"^(0?\d)d$")
_LITERAL_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]')
_EMPTY_BRACKETS = re.compile(r"\s*(\(\)|\[\]|\{\})")
_DANGLING_DASH = re.compile(r"\s+-\s*$")


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str
    width: int = 0
    """Zero-padded minimum width for integers (``{season:02d}`` → 2)."""


Piece = str | Placeholder


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: one tuple of pieces per path segment, the extension appended by naming."""

    text: str
    segments: tuple[tuple[Piece, ...], ...]

    def render(self, values: Mapping[str, str | int | None]) -> tuple[str, ...]:
        """Each segment with values substituted; a missing value (no year) drops its ``( )``."""
        return tuple(
            _tidy("".join(_piece_text(piece, values) for piece in segment)) for segment in self.segments
        )

    def uses(self, name: str) -> bool:
        pieces = (piece for segment in self.segments for piece in segment)
        return any(isinstance(piece, Placeholder) and piece.name == name for piece in pieces)


@dataclass(frozen=True, slots=True)
class NamingScheme:
    """How one library names things: a template for series and one for movies."""

    name: str
    tv: Template
    movie: Template
    """Relative to the movie root, which is not the series root (a TV library reads every folder
    in it as a show)."""
    extras: str = "extras"
    """The folder inside a series folder for NCOP/NCED/PV/menus: Jellyfin's and Kodi's ``extras``,
    Plex's ``Other``."""


_SHOW = "{title} ({year})"
_EPISODE = "Season {season:02d}/{title} ({year}) S{season:02d}{episode_token}.{ext}"


def preset(name: str) -> NamingScheme:
    """A built-in scheme: ``default``/``kodi`` (``Title (Year)``), ``jellyfin`` (``[tmdbid-N]``
    folder suffix), ``plex`` (``{tmdb-N}``). Raises UsageError for an unknown name."""
    suffixes = {"default": "", "kodi": "", "jellyfin": " [tmdbid-{tmdb_id}]", "plex": " {{tmdb-{tmdb_id}}}"}
    if name not in suffixes:
        raise UsageError(f"unknown naming preset {name!r}; known: {', '.join(PRESETS)}")
    folder = _SHOW + suffixes[name]
    return NamingScheme(
        name,
        tv=parse_template(f"{folder}/{_EPISODE}"),
        movie=parse_template(f"{folder}/{_SHOW}.{{ext}}"),
        extras="Other" if name == "plex" else "extras",
    )


def scheme_for(preset_name: str, tv_template: str | None) -> NamingScheme:
    """The preset, with its series template replaced by the user's when one is given."""
    base = preset(preset_name)
    if not tv_template:
        return base
    return NamingScheme(base.name, parse_template(tv_template), base.movie, base.extras)


def parse_template(text: str) -> Template:
    """Parse and validate ``text``. Raises UsageError naming the offending field or character."""
    body = text.removesuffix(".{ext}")
    segments = []
    for raw in body.split("/"):
        pieces = _parse_segment(raw, text)
        if not pieces:
            raise UsageError(f"template {text!r} has an empty folder name")
        segments.append(tuple(pieces))
    return Template(text, tuple(segments))


def _parse_segment(raw: str, text: str) -> list[Piece]:
    pieces: list[Piece] = []
    try:
        parsed = list(string.Formatter().parse(raw))
    except ValueError as exc:
        raise UsageError(f"template {text!r}: {exc}") from exc
    for literal, name, spec, conversion in parsed:
        if _LITERAL_FORBIDDEN.search(literal):
            raise UsageError(f"template {text!r}: character not allowed in a path: {literal!r}")
        if literal:
            pieces.append(literal)
        if name is None:
            continue
        if name not in FIELDS or name == "ext" or conversion:
            known = ", ".join(f for f in FIELDS if f != "ext")
            raise UsageError(f"template {text!r}: unknown field {{{name}}}; known fields: {known}")
        width = _SPEC.match(spec or "0d")
        if width is None:
            raise UsageError(f"template {text!r}: format {spec!r} of {{{name}}} not allowed (only 02d-style)")
        pieces.append(Placeholder(name, int(width.group(1))))
    return pieces


def _piece_text(piece: Piece, values: Mapping[str, str | int | None]) -> str:
    if isinstance(piece, str):
        return piece
    value = values.get(piece.name)
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:0{piece.width}d}" if piece.width else str(value)
    return value


def _tidy(segment: str) -> str:
    """Drop brackets left empty by a missing value (``Title ()`` → ``Title``), a separator left
    dangling at the end (``S01E07 - `` without an episode title) and double spaces."""
    segment = _EMPTY_BRACKETS.sub("", segment)
    segment = _DANGLING_DASH.sub("", segment)
    return " ".join(segment.split())
