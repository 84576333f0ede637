"""Generate a deterministic, realistically messy anime download folder plus a ground-truth manifest.

Why this exists: AniVault's parser, matcher and organiser need something to chew on that looks like
a real download folder (fansub brackets, BD batches, scene dots, sequel cours released under their
own titles, specials, multi-episode files, sidecars and junk) *and* comes with the right answer for
every file. Real folders cannot be shipped, so we synthesise one from the bundled TMDB-shaped
catalog: every video is named after a real catalog entry, and the manifest records the TMDB id,
season and episodes the organiser should arrive at. The same seed always yields a byte-identical
tree and manifest, so tests, demos and benchmarks can compare runs.

Usage::

    python tools/make_sample_library.py --out DIR [--seed 7] [--catalog PATH] [--manifest PATH]
                                        [--series 36] [--movies 8]

or ``from tools.make_sample_library import generate, ManifestEntry``.

Standard library only, so it runs before the project's dependencies are installed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

__all__ = [
    "DEFAULT_CATALOG",
    "SCHEMA",
    "ManifestEntry",
    "OutputDirNotEmptyError",
    "default_manifest_path",
    "generate",
    "main",
    "write_manifest",
]

SCHEMA: Final = "anivault-sample-manifest/1"
# The catalog's newest source is dated 2026-08-20; anything dated later is announced, not aired, so a
# "download" of it would be a lie.
CUTOFF: Final = "2026-08"
DEFAULT_CATALOG: Final = Path(__file__).resolve().parent.parent / "data" / "tmdb_catalog.json.gz"

# How many of the most popular eligible entries we sample from: popular enough to be recognisable
# (and to have rich season_titles), wide enough that different seeds give different libraries.
_JA_POOL: Final = 120
_WESTERN_POOL: Final = 30
_MOVIE_POOL: Final = 60
_MAX_TITLE_LEN: Final = 70  # keeps the deepest path well under Windows' 260-character MAX_PATH

_FANSUB_STYLES: Final = ("subsplease", "erai", "horriblesubs", "bd")
_BD_GROUPS: Final = ("Judas", "Beatrice-Raws", "Kametsu", "Vodes", "MTBB", "LostYears", "Arid", "Moxie")
_SCENE_GROUPS: Final = ("NTb", "FLUX", "SMURF", "KiNGS", "CAKES", "EDITH", "APEX")
_MOVIE_GROUPS: Final = ("Beatrice-Raws", "Kametsu", "Judas", "Vodes", "Cleo", "ASW")
_SEQUEL_MODES: Final = ("sequel_marker", "sequel_title", "bare_number_folder")
_SPECIAL_KINDS: Final = ("ova", "sp", "episode_0")
_MULTI_FORMS: Final = ("dash", "tilde", "scene")
_SIDECAR_POLICIES: Final = ("ass", "none", "en_ass", "srt", "none", "multi")
_TEXT_SUFFIXES: Final = (".ass", ".srt", ".txt", ".nfo")
_NON_RELEASE_WORDS: Final = re.compile(r"\b(?:tv|ova|oad|ona|movie|gekijouban|specials?)\b", re.IGNORECASE)
_SEASON_WORDS: Final = re.compile(r"\b(?:season|s\d+|\d+(?:st|nd|rd|th)|part|cour)\b", re.IGNORECASE)
_TRAILING_YEAR: Final = re.compile(r"\s*\(\d{4}\)$")


class OutputDirNotEmptyError(Exception):
    """Raised instead of writing into a non-empty folder: mixing old files in would corrupt the truth."""


@dataclass(frozen=True)
class ManifestEntry:
    """Ground truth for one generated file; what a perfect organiser would conclude about it.

    ``title`` and ``year`` are the catalog's English name and first air/release year, i.e. what the
    organised ``Title (Year)`` folder should be called, not the (often romaji) release title.
    """

    path: str
    role: str
    category: str
    media_type: str | None
    tmdb_id: int | None
    season: int | None
    episodes: tuple[int, ...]
    title: str | None
    year: int | None
    sidecar_of: str | None
    lang_tag: str | None
    special_kind: str | None
    sha256: str

    def to_json(self) -> dict[str, object]:
        """Return the JSON form used in the manifest (episodes as a list)."""
        return {
            "path": self.path,
            "role": self.role,
            "category": self.category,
            "media_type": self.media_type,
            "tmdb_id": self.tmdb_id,
            "season": self.season,
            "episodes": list(self.episodes),
            "title": self.title,
            "year": self.year,
            "sidecar_of": self.sidecar_of,
            "lang_tag": self.lang_tag,
            "special_kind": self.special_kind,
            "sha256": self.sha256,
        }


# --------------------------------------------------------------------------------------------------
# Catalog


@dataclass(frozen=True)
class _Series:
    tmdb_id: int
    name: str
    original_language: str
    year: int
    popularity: float
    seasons: tuple[tuple[int, int], ...]  # aired regular seasons: (season_number, episode_count)
    specials: int  # episode_count of season 0 (0 when absent)
    season_titles: tuple[tuple[int, tuple[str, ...]], ...]

    def episode_count(self, season: int) -> int:
        """Episodes TMDB lists for ``season`` (season 0 = specials)."""
        if season == 0:
            return self.specials
        return next((count for number, count in self.seasons if number == season), 0)

    def titles_for(self, season: int) -> tuple[str, ...]:
        """Titles the given season is released under, per the catalog."""
        return next((titles for number, titles in self.season_titles if number == season), ())


@dataclass(frozen=True)
class _Movie:
    tmdb_id: int
    title: str
    year: int
    popularity: float


@dataclass(frozen=True)
class _Catalog:
    series: tuple[_Series, ...]
    movies: tuple[_Movie, ...]


def _is_real_date(value: object) -> bool:
    return isinstance(value, str) and len(value) >= 4 and value[:4].isdigit() and value < CUTOFF


def _parse_series(raw: dict[str, Any]) -> _Series | None:
    first_air = raw.get("first_air_date")
    if raw.get("synthetic_id") or not _is_real_date(first_air):
        return None
    regular: list[tuple[int, int]] = []
    specials = 0
    for season in raw.get("seasons") or []:
        number, count, air = int(season["season_number"]), int(season["episode_count"]), season["air_date"]
        if count <= 0 or (air is not None and str(air) >= CUTOFF):
            continue
        if number == 0:
            specials = count
        else:
            regular.append((number, count))
    titles = tuple(
        sorted(
            (int(key), tuple(str(t) for t in value))
            for key, value in (raw.get("season_titles") or {}).items()
        )
    )
    return _Series(
        tmdb_id=int(raw["id"]),
        name=str(raw["name"]),
        original_language=str(raw.get("original_language") or ""),
        year=int(str(first_air)[:4]),
        popularity=float(raw.get("popularity") or 0.0),
        seasons=tuple(sorted(regular)),
        specials=specials,
        season_titles=titles,
    )


def _parse_movie(raw: dict[str, Any]) -> _Movie | None:
    release = raw.get("release_date")
    if raw.get("synthetic_id") or not _is_real_date(release):
        return None
    return _Movie(
        tmdb_id=int(raw["id"]),
        title=str(raw["title"]),
        year=int(str(release)[:4]),
        popularity=float(raw.get("popularity") or 0.0),
    )


@lru_cache(maxsize=4)
def _load_catalog(path: str) -> _Catalog:
    """Load and pre-filter the catalog once per process (tests generate several libraries)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    series = [s for s in (_parse_series(raw) for raw in data.get("tv", [])) if s is not None]
    movies = [m for m in (_parse_movie(raw) for raw in data.get("movie", [])) if m is not None]
    series.sort(key=lambda s: (-s.popularity, s.tmdb_id))
    movies.sort(key=lambda m: (-m.popularity, m.tmdb_id))
    return _Catalog(series=tuple(series), movies=tuple(movies))


# --------------------------------------------------------------------------------------------------
# Names


def _is_latin(text: str) -> bool:
    """True when every letter is ASCII or a Latin-script letter (romaji/English, not kana or hanzi)."""
    for char in text:
        if ord(char) < 128:
            continue
        if not unicodedata.category(char).startswith("L") or "LATIN" not in unicodedata.name(char, ""):
            return False
    return True


def _fs_safe(text: str) -> str:
    """Make a title a valid Windows/Linux path component the way release groups do.

    Groups write "Title: Sub" as "Title - Sub", "Re:Zero" as "Re Zero", "Ranma 1/2" as "Ranma 1-2",
    and simply drop ``? * " < > |``. Trailing dots and spaces are illegal on Windows.
    """
    text = re.sub(r"\s*:\s+", " - ", text)
    text = text.replace(":", " ").replace("/", "-").replace("\\", "-")
    text = re.sub(r'[?*"<>|\[\]\x00-\x1f]', "", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .-")


def _scene_name(text: str) -> str:
    """Dot-separated ASCII form that scene groups use ("Attack.on.Titan")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("&", " and ").replace("'", "").replace(",", "")
    return re.sub(r"[^A-Za-z0-9]+", ".", ascii_text).strip(".")


def _release_worthy(title: str) -> bool:
    """Would a fansub group put this string in a filename? Rejects kana, abbreviations, movie names."""
    safe = _fs_safe(title)
    return (
        _is_latin(title)
        and 4 <= len(safe) <= _MAX_TITLE_LEN
        and any(c.islower() for c in title)
        and any(c.isupper() for c in title)
        and not _NON_RELEASE_WORDS.search(title)
    )


def _season1_candidates(series: _Series) -> list[str]:
    """Season-1 release titles in catalog order (romaji first), plus the English name as fallback."""
    out: list[str] = []
    for title in series.titles_for(1):
        safe = _fs_safe(title)
        if _release_worthy(title) and safe not in out:
            out.append(safe)
    if _release_worthy(series.name) and _fs_safe(series.name) not in out:
        out.append(_fs_safe(series.name))
    return out


def _sequel_title(series: _Series, season: int) -> str | None:
    """A title that names ``season`` alone: absent from every other season's list.

    Prefers titles without "Season 2"-style markers, because those are what ``sequel_title`` files
    are meant to exercise (a cour with its own name that TMDB files under the parent show).
    """
    taken = {
        _fs_safe(t).casefold() for number, titles in series.season_titles if number != season for t in titles
    }
    taken.add(_fs_safe(series.name).casefold())
    usable = [
        _fs_safe(t)
        for t in series.titles_for(season)
        if _release_worthy(t) and _fs_safe(t).casefold() not in taken
    ]
    plain = [t for t in usable if not _SEASON_WORDS.search(t)]
    ranked = plain or usable
    return ranked[0] if ranked else None


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _contiguous_sequels(series: _Series) -> list[int]:
    """Seasons >= 2 whose TMDB number equals their position, so "S2"/"2nd Season" means that season."""
    return [number for position, (number, _) in enumerate(series.seasons, start=1) if number == position >= 2]


def _titled_sequels(series: _Series) -> list[int]:
    return [number for number, _ in series.seasons if number >= 2 and _sequel_title(series, number)]


# --------------------------------------------------------------------------------------------------
# Planning


@dataclass(frozen=True)
class _Item:
    path: str
    role: str
    category: str
    media_type: str | None = None
    tmdb_id: int | None = None
    season: int | None = None
    episodes: tuple[int, ...] = ()
    title: str | None = None
    year: int | None = None
    sidecar_of: str | None = None
    lang_tag: str | None = None
    special_kind: str | None = None


@dataclass
class _Show:
    series: _Series
    western: bool
    release_title: str
    scene_title: str
    style: str
    group: str
    folder: str  # "" = loose at the top level
    sidecars: str


@dataclass
class _Turns:
    """Round-robin counters: rotating features across shows guarantees every variant appears."""

    sequel: int = 0
    special: int = 0
    multi: int = 0
    marker: int = 0


@dataclass
class _Builder:
    rng: random.Random
    items: dict[str, _Item] = field(default_factory=dict)
    folded: set[str] = field(default_factory=set)
    used: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    turns: _Turns = field(default_factory=_Turns)
    shows: list[_Show] = field(default_factory=list)
    movies: list[_Movie] = field(default_factory=list)

    # -- bookkeeping -------------------------------------------------------------------------------

    def add(self, item: _Item) -> bool:
        """Record a file unless its path (case-insensitively, as on Windows) is already taken."""
        key = item.path.casefold()
        if key in self.folded:
            return False
        self.folded.add(key)
        self.items[item.path] = item
        return True

    def take_run(self, series: _Series, season: int, length: int, *, from_start: bool = False) -> list[int]:
        """Reserve ``length`` consecutive unused episodes so no two files claim the same episode."""
        count = series.episode_count(season)
        used = self.used.setdefault((series.tmdb_id, season), set())
        starts = [
            start
            for start in range(1, count - length + 2)
            if not any(ep in used for ep in range(start, start + length))
        ]
        if not starts:
            return []
        start = starts[0] if from_start else self.rng.choice(starts)
        run = list(range(start, start + length))
        used.update(run)
        return run

    def crc(self) -> str:
        return f"{self.rng.getrandbits(32):08X}"

    def video(
        self, show: _Show, path: str, category: str, season: int, episodes: Sequence[int]
    ) -> str | None:
        """Add an episode file (with sidecars per the show's policy); return its path if added."""
        series = show.series
        item = _Item(
            path=path,
            role="video",
            category=category,
            media_type="tv",
            tmdb_id=series.tmdb_id,
            season=season,
            episodes=tuple(episodes),
            title=series.name,
            year=series.year,
        )
        if not self.add(item):
            return None
        self.sidecars(item, show.sidecars)
        return path

    def sidecars(self, video: _Item, policy: str, *, force: bool = False) -> None:
        """Subtitles beside a video with the identical stem; only some videos get them, as in life."""
        if policy == "none" or not (force or self.rng.random() < 0.45):
            return
        stem = video.path.rsplit(".", 1)[0]
        tags: dict[str, list[tuple[str, str | None]]] = {
            "ass": [(".ass", None)],
            "srt": [(".srt", None)],
            "en_ass": [(".en.ass", "en")],
            "multi": [(".en.ass", "en"), (".jpn.forced.srt", "jpn.forced")],
        }
        for suffix, lang in tags[policy]:
            self.add(
                _Item(
                    path=stem + suffix,
                    role="sidecar",
                    category="sidecar",
                    media_type=video.media_type,
                    tmdb_id=video.tmdb_id,
                    season=video.season,
                    episodes=video.episodes,
                    title=video.title,
                    year=video.year,
                    sidecar_of=video.path,
                    lang_tag=lang,
                )
            )

    def junk(self, path: str, *, role: str = "junk", category: str = "junk") -> None:
        self.add(_Item(path=path, role=role, category=category))


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _fansub(show: _Show, title: str, number: str, crc: str) -> str:
    """A release file name in the show's fansub group style; ``number`` is "07", "01-02", "OVA"..."""
    if show.style == "subsplease":
        return f"[SubsPlease] {title} - {number} (1080p) [{crc}].mkv"
    if show.style == "erai":
        return f"[Erai-raws] {title} - {number} [1080p][Multiple Subtitle][{crc}].mkv"
    if show.style == "horriblesubs":
        return f"[HorribleSubs] {title} - {number} [720p].mkv"
    return f"[{show.group}] {title} - {number} [BD 1080p x265 FLAC].mkv"


def _scene(title: str, season: int, episodes: Sequence[int], group: str) -> str:
    numbers = "".join(f"E{ep:02d}" for ep in episodes)
    return f"{title}.S{season:02d}{numbers}.1080p.WEB-DL.x264-{group}.mkv"


# --------------------------------------------------------------------------------------------------
# Selection


def _ensure(
    chosen: list[_Series], pool: Sequence[_Series], predicate: Callable[[_Series], bool], protected: int
) -> None:
    """Swap in a pool entry satisfying ``predicate`` if no chosen one does (keeps coverage per seed)."""
    if any(predicate(s) for s in chosen) or len(chosen) <= protected:
        return
    replacement = next((s for s in pool if predicate(s) and s not in chosen), None)
    if replacement is not None:
        chosen[-1] = replacement


def _select_series(rng: random.Random, catalog: _Catalog, count: int) -> list[tuple[_Series, bool]]:
    """Pick ~70 % Japanese and ~30 % western shows from the popular end of the catalog.

    "Western" means original_language "en". The bundled catalog is built from anime databases and
    currently holds no "en" series, so the western share falls back to the catalog's non-Japanese
    (Chinese/Korean) animation, which is released under English titles in the same scene style.
    """
    eligible = [
        s for s in catalog.series if s.episode_count(1) >= 3 and _season1_candidates(s) and _is_latin(s.name)
    ]
    japanese = [s for s in eligible if s.original_language == "ja"][:_JA_POOL]
    western = [s for s in eligible if s.original_language == "en"]
    western += [s for s in eligible if s.original_language not in ("en", "ja")]
    western = western[:_WESTERN_POOL]
    n_western = min(len(western), max(3, round(count * 0.3)) if count >= 6 else count // 3)
    n_japanese = min(len(japanese), count - n_western)

    multi = [s for s in japanese if len(s.seasons) >= 2]
    n_multi = min(len(multi), max(6, n_japanese // 2), n_japanese)
    picked = rng.sample(multi, n_multi)
    rest = [s for s in japanese if s not in picked]
    picked += rng.sample(rest, min(len(rest), n_japanese - n_multi))
    for predicate in (
        lambda s: s.specials == 1,
        lambda s: s.specials > 1,
        lambda s: bool(_titled_sequels(s)),
        lambda s: bool(_contiguous_sequels(s)),
    ):
        _ensure(picked, japanese, predicate, protected=4)
    chosen = [(s, False) for s in picked] + [(s, True) for s in rng.sample(western, n_western)]
    rng.shuffle(chosen)
    # Western shows go last so the round-robin features (sequels, specials) land on anime first.
    chosen.sort(key=lambda pair: pair[1])
    return chosen


def _make_show(rng: random.Random, index: int, series: _Series, western: bool) -> _Show:
    candidates = _season1_candidates(series)[:3]
    release = rng.choices(candidates, weights=[3, 2, 1][: len(candidates)])[0]
    scene = _scene_name(series.name) if _is_latin(series.name) else ""
    style = "scene" if western else _FANSUB_STYLES[index % len(_FANSUB_STYLES)]
    group = rng.choice(_SCENE_GROUPS if western else _BD_GROUPS)
    if style == "bd":
        folder = f"[{group}] {release} [BD 1080p x265]"
    elif western:
        folder = (
            f"{scene or _scene_name(release)}.S01.1080p.WEB-DL.x264-{group}" if rng.random() < 0.5 else ""
        )
    else:
        folder = _TRAILING_YEAR.sub("", release) if rng.random() < 0.5 else ""
    return _Show(
        series=series,
        western=western,
        release_title=release,
        scene_title=scene or _scene_name(release),
        style=style,
        group=group,
        folder=folder,
        sidecars=_SIDECAR_POLICIES[index % len(_SIDECAR_POLICIES)],
    )


# --------------------------------------------------------------------------------------------------
# Emission


def _emit_plain(b: _Builder, show: _Show) -> None:
    """Season-1 episodes in the show's main style (a BD batch gets a longer consecutive run)."""
    series = show.series
    count = series.episode_count(1)
    if show.style == "bd":
        run = b.take_run(series, 1, min(count - 2, b.rng.randint(6, 12)), from_start=True)
    else:
        run = b.take_run(series, 1, min(count - 2, b.rng.randint(3, 6)))
    for ep in run:
        name = _fansub(show, show.release_title, f"{ep:02d}", b.crc())
        b.video(show, _join(show.folder, name), "plain", 1, [ep])


def _emit_western(b: _Builder, show: _Show) -> None:
    """Scene-style SxxEyy files, optionally as a season pack, plus a few episodes of a later season."""
    series = show.series
    for ep in b.take_run(series, 1, min(series.episode_count(1) - 2, b.rng.randint(3, 6))):
        b.video(show, _join(show.folder, _scene(show.scene_title, 1, [ep], show.group)), "western", 1, [ep])
    later = [number for number, _ in series.seasons if number >= 2]
    if later:
        season = b.rng.choice(later)
        for ep in b.take_run(series, season, min(series.episode_count(season), b.rng.randint(2, 3))):
            b.video(show, _scene(show.scene_title, season, [ep], show.group), "western", season, [ep])


def _emit_sequel(b: _Builder, show: _Show, mode: str) -> bool:
    """Files of a later season named the way groups name sequel cours; False if the show can't."""
    series = show.series
    seasons = _titled_sequels(series) if mode == "sequel_title" else _contiguous_sequels(series)
    if not seasons:
        return False
    season = b.rng.choice(seasons)
    count = series.episode_count(season)
    base = _TRAILING_YEAR.sub("", show.release_title)
    if mode == "bare_number_folder":
        folder = f"{base} S{season} [BD 1080p]" if b.rng.random() < 0.5 else f"{base} Season {season}"
        for ep in b.take_run(series, season, min(count, b.rng.randint(4, 8)), from_start=True):
            b.video(show, f"{folder}/{ep:02d}.mkv", mode, season, [ep])
        return True
    for ep in b.take_run(series, season, min(count, b.rng.randint(2, 4))):
        if mode == "sequel_title":
            title = _sequel_title(series, season) or base
        else:
            forms = (f"{base} S{season}", f"{base} {_ordinal(season)} Season", f"{base} Season {season}")
            title = forms[b.turns.marker % len(forms)]
            b.turns.marker += 1
        name = _fansub(show, title, f"{ep:02d}", b.crc())
        b.video(show, name if show.style == "bd" else _join(show.folder, name), mode, season, [ep])
    return True


def _emit_sequels(b: _Builder, show: _Show) -> None:
    """Rotate through the sequel modes; a show that can't do its turn's mode tries the next one."""
    if len(show.series.seasons) < 2:
        return
    extra = b.rng.random() < 0.35
    for offset in range(len(_SEQUEL_MODES)):
        mode = _SEQUEL_MODES[(b.turns.sequel + offset) % len(_SEQUEL_MODES)]
        if _emit_sequel(b, show, mode):
            b.turns.sequel += 1
            if not extra:
                return
            extra = False


def _emit_special(b: _Builder, show: _Show) -> None:
    """One special; TMDB's S00 episode is only certain when season 0 holds exactly one episode."""
    series = show.series
    if not series.specials:
        return
    # Once every kind has appeared, skip some; never skip a one-special show (the unambiguous case).
    if series.specials > 1 and b.turns.special >= len(_SPECIAL_KINDS) and b.rng.random() < 0.4:
        return
    kind = _SPECIAL_KINDS[b.turns.special % len(_SPECIAL_KINDS)]
    b.turns.special += 1
    number = {"ova": "OVA", "sp": "SP1", "episode_0": "00"}[kind]
    name = _fansub(show, show.release_title, number, b.crc())
    episodes = [1] if series.specials == 1 else []
    item = _Item(
        path=_join(show.folder, name),
        role="video",
        category="special",
        media_type="tv",
        tmdb_id=series.tmdb_id,
        season=0,
        episodes=tuple(episodes),
        title=series.name,
        year=series.year,
        special_kind=kind,
    )
    if b.add(item):
        b.sidecars(item, show.sidecars)


def _emit_multi(b: _Builder, show: _Show, index: int, *, every: int = 3) -> None:
    """Every ``every``-th show gets one two-episode file, rotating the three common notations."""
    if index % every and b.turns.multi >= len(_MULTI_FORMS):
        return
    run = b.take_run(show.series, 1, 2)
    if not run:
        return
    form = "scene" if show.western else _MULTI_FORMS[b.turns.multi % len(_MULTI_FORMS)]
    b.turns.multi += 1
    first, second = run
    if form == "scene":
        group = show.group if show.western else b.rng.choice(_SCENE_GROUPS)
        name = _scene(show.scene_title, 1, run, group)
    else:
        separator = "-" if form == "dash" else "~"
        name = _fansub(show, show.release_title, f"{first:02d}{separator}{second:02d}", b.crc())
    b.video(show, _join(show.folder, name), "multi_episode", 1, run)


def _emit_movies(b: _Builder) -> None:
    """Movies alternate between fansub-BD and scene-BluRay names; some carry subtitles."""
    for index, movie in enumerate(b.movies):
        title = _fs_safe(movie.title)
        if index % 2 == 0:
            name = f"[{b.rng.choice(_MOVIE_GROUPS)}] {title} ({movie.year}) [BD 1080p].mkv"
        else:
            name = f"{_scene_name(movie.title)}.{movie.year}.1080p.BluRay.x264.mkv"
        folder = f"{title} ({movie.year})" if index % 3 == 1 else ""
        item = _Item(
            path=_join(folder, name),
            role="video",
            category="movie",
            media_type="movie",
            tmdb_id=movie.tmdb_id,
            title=movie.title,
            year=movie.year,
        )
        if b.add(item):
            b.sidecars(item, ("srt", "none", "en_ass")[index % 3], force=True)
        if index == 0:
            b.junk(_join(folder, name[: -len(".mkv")] + " sample.mkv"))


def _emit_junk(b: _Builder) -> None:
    """The clutter every real download folder has, which an organiser must leave alone."""
    b.junk("info.nfo")
    b.junk("notes.txt")
    folders = [s.folder for s in b.shows if s.folder and s.style != "bd" and not s.western]
    b.junk(_join(folders[0] if folders else "", "Thumbs.db"))
    batches = [s for s in b.shows if s.style == "bd"]
    if batches:
        batch = batches[0]
        b.junk(f"{batch.folder}/README.txt")
        for font in ("Roboto-Medium.ttf", "ArialRoundedMTBold.ttf"):
            b.junk(f"{batch.folder}/Fonts/{font}", role="extra", category="font")
    packs = [s for s in b.shows if s.western and s.folder]
    if packs:
        pack = packs[0]
        b.junk(f"{pack.folder}/RARBG.txt")
        sample = _scene(pack.scene_title, 1, [1], pack.group).replace(".mkv", ".sample.mkv")
        b.junk(f"{pack.folder}/Sample/{sample}")
    else:
        b.junk("Sample/sample.mkv")
    live = [s for s in b.shows if s.style == "subsplease"] or b.shows
    if live:
        show = live[0]
        episode = show.series.episode_count(1)
        b.junk(f"[SubsPlease] {show.release_title} - {episode:02d} (1080p) [{b.crc()}].mkv.part")


def _content(seed: int, path: str) -> bytes:
    """Small unique payload: a header naming the file (so hashes differ) plus seeded filler."""
    rng = random.Random(f"anivault-sample:{seed}:{path}")
    header = f"AniVault sample file - not real media\npath: {path}\nseed: {seed}\n"
    if path.endswith(_TEXT_SUFFIXES):
        lines = [f"{rng.getrandbits(64):016x}" for _ in range(rng.randint(6, 14))]
        return (header + "\n".join(lines) + "\n").encode("utf-8")
    return header.encode("utf-8") + rng.randbytes(rng.randint(160, 420))


# --------------------------------------------------------------------------------------------------
# Public API


def default_manifest_path(out_dir: Path) -> Path:
    """``DIR.manifest.json`` beside the folder, so the manifest never pollutes the library itself."""
    out_dir = Path(out_dir)
    return out_dir.parent / f"{out_dir.name}.manifest.json"


def _plan(seed: int, catalog: _Catalog, series: int, movies: int) -> list[_Item]:
    rng = random.Random(seed)
    builder = _Builder(rng=rng)
    chosen = _select_series(rng, catalog, series)
    builder.shows = [_make_show(rng, index, s, western) for index, (s, western) in enumerate(chosen)]
    movie_pool = [
        m for m in catalog.movies if _is_latin(m.title) and 4 <= len(_fs_safe(m.title)) <= _MAX_TITLE_LEN
    ][:_MOVIE_POOL]
    builder.movies = rng.sample(movie_pool, min(movies, len(movie_pool)))
    for index, show in enumerate(builder.shows):
        if show.western:
            _emit_western(builder, show)
        else:
            _emit_plain(builder, show)
            _emit_sequels(builder, show)
            _emit_special(builder, show)
        _emit_multi(builder, show, index)
    _emit_movies(builder)
    _emit_junk(builder)
    return [builder.items[path] for path in sorted(builder.items)]


def generate(
    out_dir: Path | str,
    *,
    seed: int = 7,
    catalog_path: Path | str | None = None,
    series: int = 36,
    movies: int = 8,
) -> list[ManifestEntry]:
    """Write the sample library into ``out_dir`` and return its manifest entries, sorted by path.

    Refuses (``OutputDirNotEmptyError``) to write into a non-empty folder, because leftover files
    would have no ground truth. The manifest file itself is written by ``write_manifest``.
    """
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputDirNotEmptyError(f"refusing to write into non-empty {out}; pick an empty or new folder")
    catalog = _load_catalog(str(Path(catalog_path) if catalog_path else DEFAULT_CATALOG))
    entries: list[ManifestEntry] = []
    for item in _plan(seed, catalog, series, movies):
        target = out.joinpath(*item.path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = _content(seed, item.path)
        target.write_bytes(payload)
        entries.append(
            ManifestEntry(
                path=item.path,
                role=item.role,
                category=item.category,
                media_type=item.media_type,
                tmdb_id=item.tmdb_id,
                season=item.season,
                episodes=item.episodes,
                title=item.title,
                year=item.year,
                sidecar_of=item.sidecar_of,
                lang_tag=item.lang_tag,
                special_kind=item.special_kind,
                sha256=hashlib.sha256(payload).hexdigest(),
            )
        )
    return entries


def write_manifest(entries: Iterable[ManifestEntry], path: Path | str, *, seed: int) -> None:
    """Write the manifest JSON (UTF-8, stable key order, sorted entries) for byte-identical reruns."""
    document = {
        "schema": SCHEMA,
        "seed": seed,
        "entries": [entry.to_json() for entry in sorted(entries, key=lambda e: e.path)],
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the process exit code (2 for a refused or unusable output folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", required=True, type=Path, help="folder to create (must be empty or absent)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--catalog", type=Path, default=None, help=f"default: {DEFAULT_CATALOG}")
    parser.add_argument("--manifest", type=Path, default=None, help="default: DIR.manifest.json beside DIR")
    parser.add_argument("--series", type=int, default=36)
    parser.add_argument("--movies", type=int, default=8)
    args = parser.parse_args(argv)
    if args.series < 0 or args.movies < 0:
        parser.error("--series and --movies must not be negative")
    try:
        entries = generate(
            args.out, seed=args.seed, catalog_path=args.catalog, series=args.series, movies=args.movies
        )
    except OutputDirNotEmptyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: catalog not found: {exc.filename}", file=sys.stderr)
        return 2
    manifest = args.manifest or default_manifest_path(args.out)
    write_manifest(entries, manifest, seed=args.seed)
    n_series = len({e.tmdb_id for e in entries if e.media_type == "tv" and e.role == "video"})
    n_movies = len({e.tmdb_id for e in entries if e.media_type == "movie" and e.role == "video"})
    summary = f"wrote {len(entries)} files ({n_series} series, {n_movies} movies) to {args.out}"
    print(f"{summary}; manifest: {manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
