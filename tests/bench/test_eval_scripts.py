"""The judging rules of the evaluation scripts: what counts as right, and which half a name is in."""

from __future__ import annotations

from typing import Any

from bench.eval_match import Label, judge, split_of
from bench.eval_parse import normalise_title
from bench.real_names import as_video_file


def test_split_is_fixed_per_name_and_halves_a_set() -> None:
    names = [f"[Group] Show {n} - {n:02d} [1080p].mkv" for n in range(400)]
    assert [split_of(name) for name in names] == [split_of(name) for name in names]
    assert 150 < sum(split_of(name) == "dev" for name in names) < 250


def test_titles_compare_without_the_markers_conventions_disagree_on() -> None:
    assert normalise_title("Series Title 2010") == normalise_title("Series.Title")
    assert normalise_title("Kingdom 3rd Season") == "kingdom"
    assert normalise_title("Kay's Show!!") == "kays show"
    assert normalise_title("2010") == "2010"  # a title that is only a year keeps it


def test_a_name_becomes_a_video_file_once() -> None:
    assert as_video_file("[G] Show - 01 [ABCD1234]") == "[G] Show - 01 [ABCD1234].mkv"
    assert as_video_file("Show/Season 2/Show.2x05.avi") == "Show/Season 2/Show.2x05.avi"
    assert as_video_file("Show.S01E05.x264-GRP") == "Show.S01E05.x264-GRP.mkv"


def _event(status: str, tmdb_id: int | None, season: int | None, episodes: list[int], **extra: Any) -> Any:
    return {
        "status": status,
        "code": None,
        "note": "",
        "media_type": "tv" if tmdb_id else None,
        "tmdb_id": tmdb_id,
        "title": "Show" if tmdb_id else None,
        "season": season,
        "episodes": episodes,
        "score": 0.9 if tmdb_id else None,
        "score_parts": {},
        "candidates": extra.get("candidates", []),
    }


LABEL = Label("Show - 05.mkv", 7, "tv", 2, (5,), "corpus.jsonl", "Show - 05")


def test_placed_right_needs_the_labelled_season_and_first_episode() -> None:
    assert judge(LABEL, _event("matched", 7, 2, [5, 6]), None).right
    wrong_season = judge(LABEL, _event("matched", 7, 1, [5]), None)
    assert (wrong_season.outcome, wrong_season.right, wrong_season.at1) == ("placed", False, True)


def test_a_review_or_unmatched_file_scores_only_on_its_proposals() -> None:
    other = {"media_type": "tv", "tmdb_id": 9, "title": "Other", "year": None, "score": 0.5}
    mine = {"media_type": "tv", "tmdb_id": 7, "title": "Show", "year": None, "score": 0.4}
    review = judge(LABEL, _event("review", 9, 1, [5], candidates=[mine]), None)
    assert (review.outcome, review.right, review.at1, review.at3) == ("review", False, False, True)
    unmatched = judge(LABEL, _event("unmatched", None, None, [], candidates=[mine, other]), None)
    assert (unmatched.outcome, unmatched.at1) == ("unmatched", True)
    unseen = judge(LABEL, None, "sample file")
    assert (unseen.outcome, unseen.detail) == ("unmatched", "sample file")
