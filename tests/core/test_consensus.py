"""FolderVotes: who speaks for a folder, and which files disagree with it."""

from __future__ import annotations

import itertools
from pathlib import Path

from anivault.core.lookup.matching.consensus import OUTLIERS_KEPT, FolderVotes, folder_of
from anivault.core.models import Match, MatchedFile, ParsedFile, ScannedFile, Score


def matched(relative: str, tmdb_id: int, title: str) -> MatchedFile:
    scanned = ScannedFile(str(Path("/src", relative)), relative)
    match = Match("tv", tmdb_id, title, 2020, 1, (1,), Score(0.9, ()))
    return MatchedFile(ParsedFile(scanned, None), "matched", match=match)


def votes_of(*items: MatchedFile) -> FolderVotes:
    votes = FolderVotes()
    for item in items:
        votes.record(item)
    return votes


def test_folder_of_a_root_file_is_the_empty_folder() -> None:
    assert (folder_of("A/B/x.mkv"), folder_of("x.mkv")) == ("A/B", "")


def test_three_of_four_is_a_majority_and_the_fourth_an_outlier() -> None:
    items = [matched(f"F/{n}.mkv", 1, "One") for n in range(3)] + [matched("F/odd.mkv", 2, "Two")]
    for order in itertools.permutations(items):  # worker threads finish in any order
        votes = votes_of(*order)
        majority = votes.majority("F")
        assert majority is not None
        assert (majority.tmdb_id, majority.agreeing, majority.matched) == (1, 3, 4)
        assert [(o.source, o.tmdb_id, o.files) for o in votes.outliers()] == [("F/odd.mkv", 2, 1)]


def test_a_single_file_or_an_even_split_does_not_speak_for_a_folder() -> None:
    assert votes_of(matched("F/a.mkv", 1, "One")).majority("F") is None
    split = votes_of(*(matched(f"F/{n}.mkv", 1 + n % 2, "x") for n in range(4)))
    assert split.majority("F") is None
    assert list(split.outliers()) == []


def test_unmatched_files_do_not_vote() -> None:
    scanned = ScannedFile(str(Path("/src/F/z.mkv")), "F/z.mkv")
    votes = votes_of(matched("F/a.mkv", 1, "One"), MatchedFile(ParsedFile(scanned, None), "unmatched"))
    assert votes.majority("F") is None


def test_an_outlier_event_names_the_first_files_by_name_whatever_order_they_came_in() -> None:
    agreeing = [matched(f"F/a{n:02d}.mkv", 1, "One") for n in range(30)]
    odd = [matched(f"F/z{n}.mkv", 2, "Two") for n in range(7)]
    for order in (agreeing + odd, list(reversed(odd)) + agreeing):
        votes = votes_of(*order)
        outliers = list(votes.outliers())
        assert [o.source for o in outliers] == [f"F/z{n}.mkv" for n in range(OUTLIERS_KEPT)]
        assert {(o.files, o.folder.agreeing, o.folder.matched) for o in outliers} == {(7, 30, 37)}
        votes.close()
