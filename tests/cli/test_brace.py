"""Problem files written as brace lines: fewer lines, and every name still there."""

from __future__ import annotations

import pytest
from tests.cli.conftest import expand_braces, without_checksum

from anivault.cli.brace import brace_lines

EPISODES = [
    f"[Moxie] Captain Tsubasa - {e} [BD 1080p x265 FLAC].mkv" for e in ("01", "02", "03", "04", "SP1")
]
WITH_SUBTITLES = [
    "A.Silent.Voice.2016.1080p.BluRay.x264.en.ass",
    "A.Silent.Voice.2016.1080p.BluRay.x264.mkv",
    "Bubble.2022.1080p.BluRay.x264.jpn.forced.srt",
    "Bubble.2022.1080p.BluRay.x264.mkv",
]
MIXED = [
    "Ranma.1.2.S01E14E15.1080p.WEB-DL.x264-APEX.mkv",
    "[HorribleSubs] Ranma 1-2 - 05 [720p].mkv",
    "[HorribleSubs] Ranma 1-2 - 06 [720p].mkv",
    "[HorribleSubs] Ranma 1-2 - 07 [720p].mkv",
    "[HorribleSubs] Ranma 1-2 Season 7 - 21 [720p].mkv",
    "[HorribleSubs] Ranma 1-2 Season 7 - 24 [720p].mkv",
    "[Erai-raws] Show - 09 [1080p][A1B2C3D4].mkv",
    "[Erai-raws] Show - 10 [1080p][0F0F0F0F].mkv",
    "Alpha, Omega - 01.mkv",
    "Gamma, Omega - 01.mkv",
]


@pytest.mark.parametrize("names", [EPISODES, WITH_SUBTITLES, MIXED, ["one file.mkv"], []])
def test_every_name_is_listed_once_and_only_once(names: list[str]) -> None:
    lines = brace_lines(names)

    expanded = [name for line in lines for name in expand_braces(line)]
    assert sorted(expanded) == sorted(without_checksum(name) for name in names)


def test_episodes_read_as_a_range_and_subtitles_beside_their_video() -> None:
    assert brace_lines(EPISODES) == ["[Moxie] Captain Tsubasa - {01..04,SP1} [BD 1080p x265 FLAC].mkv"]
    assert brace_lines(WITH_SUBTITLES) == [
        "A.Silent.Voice.2016.1080p.BluRay.x264.{en.ass,mkv}",
        "Bubble.2022.1080p.BluRay.x264.{jpn.forced.srt,mkv}",
    ]


def test_names_that_differ_in_more_than_one_word_keep_their_own_lines() -> None:
    lines = brace_lines(MIXED)

    assert "[HorribleSubs] Ranma 1-2 - {05..07} [720p].mkv" in lines
    assert "[HorribleSubs] Ranma 1-2 Season 7 - {21,24} [720p].mkv" in lines
    assert "[Erai-raws] Show - {09,10} [1080p][…].mkv" in lines  # CRC32 tags elided
    assert "Ranma.1.2.S01E14E15.1080p.WEB-DL.x264-APEX.mkv" in lines
    assert "Alpha, Omega - 01.mkv" in lines  # a word with a comma cannot go into a brace
