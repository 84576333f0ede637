"""Generate ``data/samples/labeled_dataset.json``: release names labelled by construction.

Why this exists: the parser's accuracy goal (title + episode exactly right on ≥ 97 % of real-style
names, ≤ 1 % failures) and the matcher's evaluation both need thousands of names whose right answer
is known. Every name here is built from a catalog entry's ``season_titles`` and a release-group
convention we see in real folders, so the label is the input, not a guess. 70 % of the names are
Japanese anime; 30 % are "western" animation. The bundled catalog holds no English-language series,
so "western" means the non-Japanese-origin entries (Chinese/Korean animation released under English
or pinyin titles in scene style), exactly as ``tools/make_sample_library.py`` does.

Each item carries ``expected`` (the TMDB truth the whole pipeline should reach) and ``in_name``
(the season and episode numbers literally written in the name, which is what the parser alone can
be held to: a continuing-numbering ``- 13`` is TMDB's S02E01 but the parser must read 13).

Usage::

    python tools/make_labeled_dataset.py [--seed 1] [--count 2400] [--out data/samples/labeled_dataset.json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.make_sample_library import (  # the catalog reading and naming rules we already imitate
    _BD_GROUPS,
    _MOVIE_GROUPS,
    _SCENE_GROUPS,
    _SEASON_WORDS,
    _TRAILING_YEAR,
    DEFAULT_CATALOG,
    _contiguous_sequels,
    _fs_safe,
    _is_latin,
    _load_catalog,
    _Movie,
    _ordinal,
    _scene_name,
    _season1_candidates,
    _sequel_title,
    _Series,
    _titled_sequels,
)

SCHEMA_VERSION: Final = 1
GENERATOR: Final = "tools/make_labeled_dataset.py"
DEFAULT_OUT: Final = Path(__file__).resolve().parents[1] / "data" / "samples" / "labeled_dataset.json"
WESTERN_SHARE: Final = 0.3
LONG_RUNNER_EPISODES: Final = 100  # a season this long is numbered absolutely in filenames
_ANIME_POOL: Final = 400
_BRACKETED: Final = re.compile(r"\((?!(?:19|20)\d{2}\)$)[^)]*\)")
_BARE_YEAR: Final = re.compile(r"\s(?:19|20)\d{2}$")
_ALT_TITLE_SHARE: Final = 0.12
_FANSUB_GROUPS: Final = ("SubsPlease", "Erai-raws", "HorribleSubs", "EMBER", "ASW", "Judas", "Anime Time")
_CJK_GROUPS: Final = ("【MMZYSUB】", "【喵萌奶茶屋】", "[46620]", "[千夏字幕组]")

# Category weights inside the anime share; western names are one category of their own.
_ANIME_CATEGORIES: Final = (
    ("plain", 40),
    ("sequel_cour", 14),
    ("continuing_numbering", 8),
    ("absolute_long_runner", 7),
    ("special", 7),
    ("movie", 8),
    ("multi_episode", 8),
    ("bare_number_folder", 8),
)


@dataclass(frozen=True)
class Label:
    """One labelled name: the TMDB truth and the numbers the name itself carries."""

    path: str
    category: str
    origin: str
    title: str
    tmdb_id: int
    kind: str
    season: int | None
    episodes: tuple[int, ...] | None
    name_season: int | None = None
    name_episodes: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "category": self.category,
            "origin": self.origin,
            "expected": {
                "title": self.title,
                "tmdb_id": self.tmdb_id,
                "kind": self.kind,
                "season": self.season,
                "episodes": list(self.episodes) if self.episodes is not None else None,
            },
            "in_name": {"season": self.name_season, "episodes": list(self.name_episodes)},
        }


# --------------------------------------------------------------------------------------------------
# Release-name conventions: (title, number text, rng) -> file name. Each is a real group's habit.


def _crc(rng: random.Random) -> str:
    return f"{rng.getrandbits(32):08X}"


def _fansub_name(rng: random.Random, title: str, number: str) -> str:
    style = rng.randrange(13)
    group = rng.choice(_FANSUB_GROUPS)
    if number.isdigit() and style == 9:
        return f"[{group}] {title} - {number} END [1080p][{_crc(rng)}].mkv"
    if number.isdigit() and style == 10 and not title[-1].isdigit():
        return f"[{group}] {title} {number} [1080p].mkv"  # no dash: the number is the last word
    if number.isdigit() and style == 11:
        return f"[{group}] {title} - Episode {int(number)} [1080p].mkv"
    if style >= 9:
        return f"[{group}] {title} - {number} [WEB 1080p HEVC AAC][Eng Sub].mkv"
    if style == 0:
        return f"[SubsPlease] {title} - {number} (1080p) [{_crc(rng)}].mkv"
    if style == 1:
        return f"[Erai-raws] {title} - {number} [1080p][Multiple Subtitle][{_crc(rng)}].mkv"
    if style == 2:
        return f"[HorribleSubs] {title} - {number} [720p].mkv"
    if style == 3:
        return f"[{rng.choice(_BD_GROUPS)}] {title} - {number} [BD 1080p x265 FLAC].mkv"
    if style == 4:  # underscores instead of spaces, old-school fansub
        under = f"[{group}]_{title}_-_{number}_[720p][{_crc(rng)}]".replace(" ", "_")
        return under + ".mkv"
    if style == 5:
        return f"[{group}] {title} - {number}v2 [1080p][{_crc(rng)}].mkv"
    if style == 6:
        return f"{title} - {number} [1080p].mkv"
    if style == 7:
        return f"[{group}] {title} - {number} (BD 1080p HEVC Opus) [Dual Audio].mkv"
    return f"{rng.choice(_CJK_GROUPS)} {title} - {number} [1080p][CHS].mp4"


def _scene_episode(title: str, season: int, episodes: Sequence[int], group: str, style: int) -> str:
    numbers = "".join(f"E{ep:02d}" for ep in episodes)
    dotted = _scene_name(title)
    if style == 0:
        return f"{dotted}.S{season:02d}{numbers}.1080p.WEB-DL.x264-{group}.mkv"
    if style == 1:
        return f"{dotted}.S{season:02d}{numbers}.720p.HDTV.x264-{group}.mkv".lower()
    if style == 2:
        return f"{_fs_safe(title)} - S{season:02d}{numbers} - 1080p WEB.mkv"
    return f"{dotted}.S{season:02d}{numbers}.2160p.NF.WEB-DL.DDP5.1.H.265-{group}.mkv"


def _scene_title(title: str, style: int) -> str:
    """The title a parser should read back from ``_scene_episode`` (dots become spaces)."""
    if style == 2:
        return _fs_safe(title)
    spaced = _scene_name(title).replace(".", " ")
    return spaced.lower() if style == 1 else spaced


# --------------------------------------------------------------------------------------------------
# Per-category builders


@dataclass(frozen=True)
class _Pools:
    anime: tuple[_Series, ...]
    western: tuple[_Series, ...]
    movies: tuple[_Movie, ...]


def _release_title(rng: random.Random, series: _Series) -> str:
    """A season-1 release title, romaji first, without a trailing year (reported apart).

    The catalog lists some disambiguation forms as season-1 titles ("IQ s1", "Baki Season 5",
    "Ajin (2016 Dai 2 Cour)"); no group names season 1 that way and a parser rightly reads a
    season out of them, so they are not used here.
    """
    usable = [t for t in _season1_candidates(series) if _plain_title(t)]
    candidates = (usable or [_fs_safe(series.name)])[:3]
    return _strip_year(rng.choices(candidates, weights=[3, 2, 1][: len(candidates)])[0])


def _plain_title(title: str) -> bool:
    return not _SEASON_WORDS.search(title) and not _BRACKETED.search(title) and not _BARE_YEAR.search(title)


def _strip_year(title: str) -> str:
    """Release titles like "Fairy Tail (2014)" carry a year the parser reports apart from the title."""
    return _TRAILING_YEAR.sub("", title)


def _episode(rng: random.Random, series: _Series, season: int) -> int:
    return rng.randint(1, max(1, series.episode_count(season)))


def _tv(
    series: _Series,
    path: str,
    category: str,
    title: str,
    season: int,
    episodes: Sequence[int],
    *,
    name_season: int | None = None,
    name_episodes: Sequence[int] | None = None,
) -> Label:
    """An anime TV label; the name carries ``episodes`` unless ``name_episodes`` says otherwise."""
    return Label(
        path=path,
        category=category,
        origin="anime",
        title=title,
        tmdb_id=series.tmdb_id,
        kind="tv",
        season=season,
        episodes=tuple(episodes),
        name_season=name_season,
        name_episodes=tuple(episodes if name_episodes is None else name_episodes),
    )


def _plain(rng: random.Random, pools: _Pools) -> Label | None:
    """Season-1 episodes; some groups add the English title in parentheses after the romaji."""
    series = rng.choice(pools.anime)
    title = _release_title(rng, series)
    english = _fs_safe(series.name)
    written = title
    if english.casefold() != title.casefold() and _plain_title(english) and rng.random() < _ALT_TITLE_SHARE:
        written = f"{title} ({english})"
    ep = _episode(rng, series, 1)
    return _tv(series, _fansub_name(rng, written, f"{ep:02d}"), "plain", title, 1, [ep])


def _sequel_cour(rng: random.Random, pools: _Pools) -> Label | None:
    series = rng.choice(pools.anime)
    if rng.random() < 0.5:
        seasons = _titled_sequels(series)
        if not seasons:
            return None
        season = rng.choice(seasons)
        title = _strip_year(_sequel_title(series, season) or "")
        if not _plain_title(title):
            return None
        ep = _episode(rng, series, season)
        return _tv(series, _fansub_name(rng, title, f"{ep:02d}"), "sequel_cour", title, season, [ep])
    seasons = _contiguous_sequels(series)
    if not seasons:
        return None
    season = rng.choice(seasons)
    base = _release_title(rng, series)
    marker = rng.choice((f"S{season}", f"{_ordinal(season)} Season", f"Season {season}"))
    ep = _episode(rng, series, season)
    path = _fansub_name(rng, f"{base} {marker}", f"{ep:02d}")
    return _tv(series, path, "sequel_cour", base, season, [ep], name_season=season)


def _continuing(rng: random.Random, pools: _Pools) -> Label | None:
    series = rng.choice(pools.anime)
    seasons = [s for s in _contiguous_sequels(series) if series.episode_count(s) > 0]
    if not seasons:
        return None
    season = rng.choice(seasons)
    offset = sum(series.episode_count(s) for s in range(1, season))
    ep = _episode(rng, series, season)
    title = _release_title(rng, series)
    path = _fansub_name(rng, title, f"{offset + ep:02d}")
    return _tv(series, path, "continuing_numbering", title, season, [ep], name_episodes=[offset + ep])


def _long_runner(rng: random.Random, pools: _Pools) -> Label | None:
    runners = [s for s in pools.anime if s.episode_count(1) >= LONG_RUNNER_EPISODES]
    if not runners:
        return None
    series = rng.choice(runners)
    ep = rng.randint(LONG_RUNNER_EPISODES, series.episode_count(1))
    title = _release_title(rng, series)
    return _tv(series, _fansub_name(rng, title, f"{ep:03d}"), "absolute_long_runner", title, 1, [ep])


def _special(rng: random.Random, pools: _Pools) -> Label | None:
    series = rng.choice([s for s in pools.anime if s.specials] or pools.anime)
    if not series.specials:
        return None
    title = _release_title(rng, series)
    number, in_name = rng.choice((("OVA", ()), ("SP1", (1,)), ("00", (0,)), ("OVA2", (2,)), ("SP02", (2,))))
    # TMDB's S00 episode is only certain when Specials holds exactly one (as make_sample_library).
    episodes = (1,) if series.specials == 1 and in_name in ((), (0,), (1,)) else ()
    return _tv(series, _fansub_name(rng, title, number), "special", title, 0, episodes, name_episodes=in_name)


def _movie(rng: random.Random, pools: _Pools) -> Label | None:
    movie = rng.choice(pools.movies)
    title = _fs_safe(movie.title)
    style = rng.randrange(3)
    if style == 0:
        path = f"[{rng.choice(_MOVIE_GROUPS)}] {title} ({movie.year}) [BD 1080p].mkv"
    elif style == 1:
        path = f"{_scene_name(movie.title)}.{movie.year}.1080p.BluRay.x264-{rng.choice(_SCENE_GROUPS)}.mkv"
        title = _scene_name(movie.title).replace(".", " ")
    else:
        path = f"{title} ({movie.year})/{title} ({movie.year}) [BDRip 1080p].mkv"
    return Label(path, "movie", "anime", title, movie.tmdb_id, "movie", None, None)


def _multi(rng: random.Random, pools: _Pools) -> Label | None:
    series = rng.choice(pools.anime)
    count = series.episode_count(1)
    if count < 2:
        return None
    first = rng.randint(1, count - 1)
    title = _release_title(rng, series)
    joiner = rng.choice(("-", "~", "+"))
    if rng.random() < 0.25:
        group = rng.choice(_SCENE_GROUPS)
        path = f"{_scene_name(title)}.S01E{first:02d}-E{first + 1:02d}.1080p.WEB.x264-{group}.mkv"
        return _tv(
            series, path, "multi_episode", _scene_title(title, 0), 1, [first, first + 1], name_season=1
        )
    path = _fansub_name(rng, title, f"{first:02d}{joiner}{first + 1:02d}")
    return _tv(series, path, "multi_episode", title, 1, [first, first + 1])


def _bare_folder(rng: random.Random, pools: _Pools) -> Label | None:
    series = rng.choice(pools.anime)
    seasons = [1, *_contiguous_sequels(series)]
    season = rng.choice(seasons)
    base = _release_title(rng, series)
    ep = _episode(rng, series, season)
    marked = season > 1 or rng.random() < 0.3
    folder = rng.choice(
        (f"[{rng.choice(_BD_GROUPS)}] {base} S{season} [BD 1080p]", f"{base} Season {season}")
        if marked
        else (base, f"[{rng.choice(_BD_GROUPS)}] {base} [BD 1080p x265]")
    )
    stem = rng.choice((f"{ep:02d}", f"E{ep:02d}", f"Episode {ep}", f"{ep:02d}v2"))
    return _tv(
        series,
        f"{folder}/{stem}.mkv",
        "bare_number_folder",
        base,
        season,
        [ep],
        name_season=season if marked else None,
    )


def _western(rng: random.Random, pools: _Pools) -> Label | None:
    series = rng.choice(pools.western)
    season = rng.choice([number for number, _ in series.seasons])
    count = series.episode_count(season)
    if count < 1:
        return None
    style = rng.randrange(4)
    group = rng.choice(_SCENE_GROUPS)
    ep = rng.randint(1, count)
    episodes = [ep, ep + 1] if ep < count and rng.random() < 0.1 else [ep]
    name = _scene_episode(series.name, season, episodes, group, style)
    if style == 0 and rng.random() < 0.4:
        name = f"{_scene_name(series.name)}.S{season:02d}.1080p.WEB-DL.x264-{group}/{name}"
    return Label(
        name,
        "western",
        "western",
        _scene_title(series.name, style),
        series.tmdb_id,
        "tv",
        season,
        tuple(episodes),
        name_season=season,
        name_episodes=tuple(episodes),
    )


_BUILDERS: Final[dict[str, Callable[[random.Random, _Pools], Label | None]]] = {
    "plain": _plain,
    "sequel_cour": _sequel_cour,
    "continuing_numbering": _continuing,
    "absolute_long_runner": _long_runner,
    "special": _special,
    "movie": _movie,
    "multi_episode": _multi,
    "bare_number_folder": _bare_folder,
}


# --------------------------------------------------------------------------------------------------
# Assembly


def _pools(catalog_path: Path) -> _Pools:
    catalog = _load_catalog(str(catalog_path))
    eligible = [
        s for s in catalog.series if s.episode_count(1) >= 3 and _season1_candidates(s) and _is_latin(s.name)
    ]
    anime = tuple(s for s in eligible if s.original_language == "ja")[:_ANIME_POOL]
    western = tuple(s for s in eligible if s.original_language != "ja" and _scene_name(s.name))
    movies = tuple(m for m in catalog.movies if _is_latin(m.title) and 4 <= len(_fs_safe(m.title)) <= 70)[
        :300
    ]
    return _Pools(anime=anime, western=western, movies=movies)


def build(seed: int = 1, count: int = 2400, catalog_path: Path = DEFAULT_CATALOG) -> list[Label]:
    """Return ``count`` distinct labelled names (30 % western), deterministic for a seed."""
    rng = random.Random(seed)
    pools = _pools(catalog_path)
    n_western = round(count * WESTERN_SHARE)
    names, weights = zip(*_ANIME_CATEGORIES, strict=True)
    labels: dict[str, Label] = {}
    while len(labels) < count - n_western:
        label = _BUILDERS[rng.choices(names, weights=weights)[0]](rng, pools)
        if label is not None and label.title:
            labels.setdefault(label.path, label)
    while len(labels) < count:
        label = _western(rng, pools)
        if label is not None and label.title:
            labels.setdefault(label.path, label)
    return list(labels.values())


def write(labels: Sequence[Label], out: Path, *, seed: int) -> None:
    document = {
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "seed": seed,
        "items": [label.to_json() for label in labels],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=2400)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    labels = build(args.seed, args.count)
    write(labels, args.out, seed=args.seed)
    print(f"wrote {len(labels)} labelled names to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
