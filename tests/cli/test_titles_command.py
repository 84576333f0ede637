"""`anivault titles TITLE` through the real entry point and the bundled index: rich text and NDJSON.

test_event_schema.py validates its events against the schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.conftest import Outcome

from anivault.services.titles.index import bundled_index_path

Cli = Callable[..., Outcome]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away home and no TMDB key: the command must need neither TMDB nor a key."""
    monkeypatch.setenv("ANIVAULT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("TMDB_API_KEY", "ANIVAULT_TMDB_KEY", "ANIVAULT_TMDB_BASE_URL", "ANIVAULT_JSON"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


@pytest.mark.usefixtures("home")
def test_json_lists_each_hit_and_the_index_in_use(cli: Cli) -> None:
    outcome = cli("titles", "--json", "Eureka Seven AO")
    assert outcome.status == 0, outcome.err
    (event,) = outcome.events()
    assert (event["phase"], event["event"]) == ("titles", "lookup")
    fields = event["fields"]
    assert isinstance(fields, dict)
    assert fields["query"] == "Eureka Seven AO"
    assert str(bundled_index_path()) in fields["index"]
    assert fields["hits"][0] == {
        "tmdb_id": 889,
        "media_type": "tv",
        "season": 2,
        "episode_offset": 0,
        "title": "Eureka Seven AO",
        "similarity": 1.0,
    }


@pytest.mark.usefixtures("home")
def test_limit_and_min_similarity_are_passed_on(cli: Cli) -> None:
    loose = cli(
        "--json", "titles", "Shingeki no Kyojin Season 3 Part 2", "--limit", "3", "--min-similarity", "0.5"
    )
    hits = loose.events()[0]["fields"]["hits"]  # type: ignore[index]
    assert len(hits) == 3
    assert hits[0]["similarity"] == 1.0 > hits[-1]["similarity"] >= 0.5


@pytest.mark.usefixtures("home")
def test_people_see_a_table_and_the_index_file(cli: Cli) -> None:
    outcome = cli("titles", "Shingeki no Kyojin Season 3 Part 2")
    assert outcome.status == 0, outcome.err
    assert "1429" in outcome.out
    assert "Shingeki no Kyojin Season 3 Part 2" in outcome.out
    assert "season" in outcome.out and "similarity" in outcome.out
    assert f"index: {bundled_index_path()}" in outcome.out.replace("\n", "")


@pytest.mark.usefixtures("home")
def test_no_title_found_is_not_an_error(cli: Cli) -> None:
    text = cli("titles", "Zzyzx Qwerty Nothing")
    assert text.status == 0
    assert "no title found for 'Zzyzx Qwerty Nothing'" in text.out

    json_out = cli("--json", "titles", "Zzyzx Qwerty Nothing")
    assert json_out.status == 0
    (event,) = json_out.events()
    assert event["fields"]["hits"] == []  # type: ignore[index]


@pytest.mark.usefixtures("home")
def test_a_title_is_required(cli: Cli) -> None:
    assert cli("titles").status == 2
