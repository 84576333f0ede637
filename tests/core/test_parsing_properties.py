"""Property suite: names built by a generator from known parts must parse back to those parts.

Over 1,000 generated names per run (``max_examples`` below): fansub, underscore, bracket-only and
scene shapes, with numbers inside titles, versions, CRCs, season markers and episode ranges. The
round trip checks the title, the episode numbers and the season the generator embedded.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anivault.core.lookup.parsing import parse_name

ROUND_TRIP_EXAMPLES = 1200
# Romaji/English words release titles are made of; none is a tag anitopy or our readers act on.
WORDS = (
    "Sousou",
    "no",
    "Frieren",
    "Kimi",
    "Shingeki",
    "Kyojin",
    "Hagane",
    "Renkinjutsushi",
    "Tensei",
    "Shitara",
    "Slime",
    "Datta",
    "Ken",
    "Boku",
    "Hero",
    "Academia",
    "Yakusoku",
    "Neverland",
    "Dungeon",
    "Meshi",
    "Kusuriya",
    "Hitorigoto",
    "Koi",
    "wa",
    "Sekai",
    "Ore",
    "Kanojo",
    "Tate",
    "Yuusha",
    "Nariagari",
    "Golden",
    "Time",
    "Spy",
    "Family",
    "Chainsaw",
    "Man",
    "Blue",
    "Lock",
)
NUMBER_WORDS = ("86", "3x3", "2.5", "100", "999", "Ver1.1a")
GROUPS = ("SubsPlease", "Erai-raws", "Judas", "46620", "ASW", "Beatrice-Raws")
SEASON_MARKERS = ("S{n}", "Season {n}", "{o} Season", "Part {n}", "Cour {n}")


@dataclass(frozen=True)
class Built:
    name: str
    title: str
    episodes: tuple[int, ...]
    season: int | None


def ordinal(n: int) -> str:
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10 if n not in (11, 12, 13) else 0, 'th') }"


@st.composite
def titles(draw: st.DrawFn, *, numbers: bool) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
    if numbers and draw(st.booleans()):
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(NUMBER_WORDS)))
    title = " ".join(words)
    if numbers and draw(st.integers(0, 4)) == 0:
        subtitle = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))
        title = f"{title} - {draw(st.sampled_from(NUMBER_WORDS))} {subtitle}"
    return title


@st.composite
def fansub_names(draw: st.DrawFn) -> Built:
    title = draw(titles(numbers=True))
    first = draw(st.integers(1, 1500))
    span = draw(st.sampled_from((0, 0, 0, 1, 2)))
    joiner = draw(st.sampled_from(("-", "~", "+")))
    number = f"{first:02d}" + (f"{joiner}{first + span:02d}" if span else "")
    number += draw(st.sampled_from(("", "", "v2", "v3")))
    season = None
    written = title
    if draw(st.integers(0, 3)) == 0:
        season = draw(st.integers(2, 9))
        marker = draw(st.sampled_from(SEASON_MARKERS)).format(n=season, o=ordinal(season))
        written = f"{title} {marker}"
    group = draw(st.sampled_from(GROUPS))
    crc = f"{draw(st.integers(0, 0xFFFFFFFF)):08X}"
    tail = draw(
        st.sampled_from(("(1080p) [{crc}]", "[1080p][Multiple Subtitle][{crc}]", "[720p]", "[BD 1080p x265]"))
    )
    name = f"[{group}] {written} - {number} {tail.format(crc=crc)}.mkv"
    if draw(st.integers(0, 5)) == 0 and "." not in title:
        name = name.replace(" ", "_")
    return Built(name, title, tuple(range(first, first + span + 1)), season)


@st.composite
def scene_names(draw: st.DrawFn) -> Built:
    title = draw(titles(numbers=False))
    season = draw(st.integers(1, 30))
    first = draw(st.integers(1, 300))
    count = draw(st.integers(1, 3))
    episodes = tuple(range(first, first + count))
    numbers = "".join(f"E{ep:02d}" for ep in episodes)
    group = draw(st.sampled_from(("NTb", "FLUX", "SMURF")))
    name = f"{title.replace(' ', '.')}.S{season:02d}{numbers}.1080p.WEB-DL.x264-{group}.mkv"
    return Built(name, title, episodes, season)


@st.composite
def bracket_only_names(draw: st.DrawFn) -> Built:
    title = draw(titles(numbers=False))
    episode = draw(st.integers(1, 999))
    group = draw(st.sampled_from(("MMZYSUB", "Kamigami", "46620")))
    lead = draw(st.sampled_from((f"[{group}][{title}]", f"【{group}】★【{title}】")))
    name = f"{lead}[{episode:02d}][GB][720P][encoded by Someone].mp4"
    return Built(name, title, (episode,), None)


@settings(max_examples=ROUND_TRIP_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(fansub_names(), scene_names(), bracket_only_names()))
def test_generated_names_round_trip(built: Built) -> None:
    result = parse_name(built.name)
    assert result is not None, built.name
    assert result.title == built.title, built.name
    assert result.episodes == built.episodes, built.name
    assert result.season == built.season, built.name
