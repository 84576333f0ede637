"""The anitopy shortcut for plain fansub names gives exactly the answer anitopy gives.

Each name is parsed twice, with the shortcut and with it switched off (the full parser), and the
two ``ParsedName`` must be equal: over generated names that mix the plain shape with everything
that makes anitopy read a tag differently (years, versions, resolutions inside other words, CRC-like
words, digits in titles), and over the whole labelled dataset. Other tests check the shortcut is
taken where it should be, so the equality is not met by never taking it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anivault.core.lookup.parsing import names
from anivault.core.lookup.parsing.names import _shape
from anivault.core.lookup.parsing.structure import read_brackets, read_dash
from anivault.core.lookup.parsing.tags import plain_release_tags
from anivault.core.models import ParsedName

DATASET = Path(__file__).resolve().parents[2] / "data" / "samples" / "labeled_dataset.json"

# Each part is usually plain and sometimes one of the things that make anitopy read a name's tags
# differently, so that both the shortcut and its refusals are exercised.
GROUPS = ("SubsPlease", "Erai-raws", "Judas", "ASW", "46620", "DEADBEEF", "HR-Team 2020")
WORDS = ("Sousou", "no", "Frieren", "Kusuriya", "Hitorigoto", "Spy", "Family", "Cafe", "Dungeon", "Meshi")
TRICKY_WORDS = ("86", "2019", "(2021)", "1080p", "v2", "S2", "Season 2", "720", "FACEBEAD", "x265")
EPISODES = ("07", "12", "01", "24", "07v2", "03v0", "1000", "1999", "2050", "12-13", "07 END")
RESOLUTIONS = (
    "(1080p)",
    "[1080p]",
    "(1080P)",
    "[2160p]",
    "[1920x1080]",
    "[BD1080p]",
    "[1720p]",
    "[1080p 720p]",
    "",
)
CHECKSUMS = ("[A1B2C3D4]", "[12345678]", "[DEADBEEF]", "[A1B2C3D4][0F0F0F0F]", "")
EXTRAS = (
    "[HEVC x265 10bit]",
    "[Multiple Subtitle]",
    "[Dual Audio]",
    "(BD HEVC Opus)",
    "[v2]",
    "(2019)",
    "[720p]",
    "[4K]",
    "[AAC 5.1]",
    "[H.264]",
    "[1080]",
    "[0F0F0F0F]",
)


def full_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> ParsedName | None:
    """``parse_name`` with the shortcut off: anitopy runs for every name."""
    with monkeypatch.context() as patched:
        patched.setattr(names, "plain_release_tags", lambda *_: None)
        return names.parse_name.__wrapped__(name)


def shortcut_taken(name: str) -> bool:
    shape = _shape(name.rsplit(".", 1)[0])
    reading = read_dash(shape)
    return reading is not None and plain_release_tags(shape, reading) is not None


@st.composite
def release_names(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
    if draw(st.integers(0, 3)) == 0:
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(TRICKY_WORDS)))
    tags = [draw(st.sampled_from(RESOLUTIONS)), draw(st.sampled_from(CHECKSUMS))]
    tags += draw(st.lists(st.sampled_from(EXTRAS), max_size=2))
    episode = draw(st.sampled_from(EPISODES))
    group = draw(st.sampled_from(GROUPS))
    return f"[{group}] {' '.join(words)} - {episode} {' '.join(tag for tag in tags if tag)}".rstrip() + ".mkv"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=release_names())
def test_the_shortcut_agrees_with_anitopy_on_generated_names(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert names.parse_name.__wrapped__(name) == full_parser(name, monkeypatch)


def test_the_shortcut_agrees_with_anitopy_on_the_labelled_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    items = json.loads(DATASET.read_text(encoding="utf-8"))["items"]
    file_names = sorted({Path(item["path"]).name for item in items})
    taken = sum(shortcut_taken(name) for name in file_names)
    assert taken > len(file_names) // 5  # the labelled names are a fifth plain fansub or more
    disagreements = [
        name for name in file_names if names.parse_name.__wrapped__(name) != full_parser(name, monkeypatch)
    ]
    assert disagreements == []


@pytest.mark.parametrize(
    ("name", "tags"),
    [
        (
            "[SubsPlease] Sousou no Frieren - 07 (1080p) [A1B2C3D4].mkv",
            {"video_resolution": "1080p", "file_checksum": "A1B2C3D4"},
        ),
        (
            "[Erai-raws] Spy x Family - 12v2 [720p][Multiple Subtitle].mkv",
            {"video_resolution": "720p", "release_version": "2"},
        ),
        ("[Judas] Kusuriya no Hitorigoto - 03 (BD 2160p HEVC x265 10bit).mkv", {"video_resolution": "2160p"}),
        ("[ASW] Dungeon Meshi - 1999 [A1B2C3D4][0F0F0F0F].mkv", {"file_checksum": "A1B2C3D4"}),
    ],
)
def test_plain_names_take_the_shortcut(name: str, tags: dict[str, str]) -> None:
    shape = _shape(name.removesuffix(".mkv"))
    reading = read_dash(shape)
    assert reading is not None
    assert plain_release_tags(shape, reading) == tags


@pytest.mark.parametrize(
    "name",
    [
        "[SubsPlease] Mob Psycho 100 - 07 (1080p).mkv",  # a digit in the title
        "[SubsPlease] Frieren (2023) - 07 (1080p).mkv",  # a year anitopy would take
        "[SubsPlease] Frieren - 07 (1080p) [v2].mkv",  # a version tag
        "[SubsPlease] Frieren - 07 (1080p) [2019].mkv",  # a year tag
        "[SubsPlease] Frieren - 07 [BD1080p].mkv",  # a resolution inside another word
        "[SubsPlease] Frieren - 07 [1720p].mkv",  # anitopy reads 720p in it
        "[SubsPlease] Frieren - 07 [1080p 720p].mkv",  # anitopy takes 720p first
        "[SubsPlease] Frieren - 07 END (1080p).mkv",  # not a plain episode
        "[FACEBEAD] Frieren - 07 (1080p).mkv",  # a group anitopy reads as the CRC
        "Frieren - 07 (1080p).mkv",  # no group: anitopy guesses one
    ],
)
def test_names_anitopy_may_read_differently_take_the_full_parser(name: str) -> None:
    shape = _shape(name.removesuffix(".mkv"))
    reading = read_dash(shape)
    assert reading is not None
    assert plain_release_tags(shape, reading) is None


def test_a_reading_of_another_shape_takes_the_full_parser() -> None:
    shape = "[Group][Frieren][07][1080p]"
    reading = read_brackets(shape)
    assert reading is not None
    assert read_dash(shape) is None
    assert plain_release_tags(shape, reading) is None
