"""The Matcher end to end against the real local TMDB stand-in: search variants, ranking, gate.

Names here are written like real releases of titles in the bundled catalog; each test states the
evidence that decides it, so a change of weights that breaks one says which evidence it lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from anivault.cli.deps import build_tmdb_client
from anivault.core.matching import Matcher
from anivault.core.models import MatchedFile, ScannedFile
from anivault.core.naming import target_for
from anivault.core.parsing import parse_file
from anivault.services.settings import Settings
from anivault.services.tmdb.client import TmdbClient
from tools.tmdb_standin import Standin


@pytest.fixture
def client(tmdb_standin: Standin, tmp_path: Path) -> Iterator[TmdbClient]:
    settings = Settings(tmdb_base_url=tmdb_standin.base_url, home=str(tmp_path / "home"))
    yield build_tmdb_client(settings, tmdb_standin.api_key)


def match(client: TmdbClient, relative: str, **options: object) -> MatchedFile:
    scanned = ScannedFile(Path("/library", relative), relative, 1, 0)
    return Matcher(client, min_confidence=0.62, **options).match(parse_file(scanned))  # type: ignore[arg-type]


def placed(result: MatchedFile) -> tuple[int, int | None, tuple[int, ...]]:
    assert result.status == "matched", result.note
    assert result.match is not None
    return result.match.tmdb_id, result.match.season, result.match.episodes


def test_a_plain_romaji_release_matches_through_an_alternative_title(client: TmdbClient) -> None:
    result = match(client, "[SubsPlease] Hataraku Maou-sama! - 05 (1080p) [ABCDEF01].mkv")
    assert placed(result) == (45997, 1, (5,))
    assert result.match is not None
    assert dict(result.match.score.parts)["title"] == pytest.approx(0.80)


def test_a_trailing_sequel_number_picks_that_tmdb_season(client: TmdbClient) -> None:
    assert placed(match(client, "[Anime Time] Psycho-Pass 3 - 07 [1080p].mkv")) == (43865, 3, (7,))


def test_a_query_tmdb_does_not_know_word_for_word_falls_back_to_its_longest_words(
    client: TmdbClient, tmdb_standin: Standin
) -> None:
    # TMDB has "Kay's Daily Doodles": "Kays" is no token of it, so the literal query finds nothing.
    assert placed(match(client, "Kays.Daily.Doodles.S01E03.1080p.WEB-DL.x264-EDITH.mkv")) == (238009, 1, (3,))
    queries = [entry["query"].get("query") for entry in tmdb_standin.request_log if "search" in entry["path"]]
    assert queries[0] == "Kays Daily Doodles"
    assert queries[-1] == "Daily Doodles"


def test_a_special_goes_to_season_zero_without_a_guessed_episode(client: TmdbClient) -> None:
    result = match(client, "Aa! Megami-sama! - OVA [1080p].mkv")
    assert placed(result) == (912, 0, ())
    assert result.match is not None
    target = target_for(result.match, ".mkv", source_stem="Aa! Megami-sama! - OVA [1080p]")
    assert target.parent.name == "Season 00"
    assert target.name == "Aa! Megami-sama! - OVA [1080p].mkv"


def test_the_candidates_own_name_beats_a_spin_off_that_lists_it_as_an_alias(client: TmdbClient) -> None:
    # "Pucca Funny Love" is more popular and carries "Pucca" as an alternative title.
    result = match(client, "Pucca.S01E07.2160p.NF.WEB-DL.DDP5.1.H.265-EDITH.mkv")
    assert placed(result) == (6782, 1, (7,))
    assert result.match is not None
    assert dict(result.match.score.parts)["exact_name"] > 0
    assert 9002596 in [c.tmdb_id for c in result.candidates]


def test_a_same_title_remake_goes_to_the_clearly_better_known_one(client: TmdbClient) -> None:
    # "Dororo" (2019, popularity 49.5) against "Dororo" (1969, 17.8): TMDB users mean the first.
    assert placed(match(client, "[ASW] Dororo 01 [1080p].mkv")) == (83100, 1, (1,))


def test_a_same_title_remake_of_similar_popularity_is_left_to_the_user(client: TmdbClient) -> None:
    result = match(client, "[Erai-raws] Shaman King - 26 [1080p].mkv")
    assert result.status == "unmatched"
    assert result.note.startswith("ambiguous")
    assert {c.tmdb_id for c in result.candidates[:2]} == {40143, 104699}


def test_a_cour_subtitle_with_several_possible_seasons_is_not_guessed(client: TmdbClient) -> None:
    result = match(client, "Tokyo Ghoul Root A - 03 [1080p].mkv")
    assert result.status == "unmatched"
    assert "root a" in result.note
    assert result.candidates[0].tmdb_id == 61374


def test_a_movie_is_matched_as_a_movie(client: TmdbClient) -> None:
    result = match(client, "Princess Mononoke (1997)/Princess Mononoke (1997) [BDRip 1080p].mkv")
    assert result.match is not None
    assert (result.match.media_type, result.match.tmdb_id, result.match.season) == ("movie", 128, None)


def test_target_of_a_numbered_episode_ignores_the_source_stem(client: TmdbClient) -> None:
    result = match(client, "[SubsPlease] Hataraku Maou-sama! - 05 (1080p) [ABCDEF01].mkv")
    assert result.match is not None
    target = target_for(result.match, ".mkv", source_stem="whatever")
    assert target.name.endswith("S01E05.mkv")
    assert "whatever" not in str(target)
