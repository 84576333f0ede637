"""The labelled dataset: schema, shape (size, 70/30 split, reproducible), and the hand-checked 100."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from anivault.core.lookup.parsing import parse_file
from anivault.core.models import ScannedFile
from tools.make_labeled_dataset import build

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "samples" / "labeled_dataset.json"
SCHEMA = ROOT / "schemas" / "labeled_dataset.schema.json"
SPOT_CHECK = Path(__file__).parent / "fixtures" / "spot_check_100.json"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dataset() -> dict[str, Any]:
    document: dict[str, Any] = load(DATASET)
    return document


def test_dataset_matches_its_schema(dataset: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(load(SCHEMA)).validate(dataset)


def test_schema_rejects_a_movie_with_an_episode(dataset: dict[str, Any]) -> None:
    movie = next(item for item in dataset["items"] if item["expected"]["kind"] == "movie")
    broken = {**dataset, "items": [{**movie, "expected": {**movie["expected"], "episodes": [1]}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(load(SCHEMA)).validate(broken)


def test_dataset_size_split_and_uniqueness(dataset: dict[str, Any]) -> None:
    items = dataset["items"]
    assert len(items) >= 2000
    western = sum(item["origin"] == "western" for item in items)
    assert western / len(items) == pytest.approx(0.3, abs=0.01)
    assert len({item["path"] for item in items}) == len(items)
    assert {item["category"] for item in items} >= {
        "plain",
        "sequel_cour",
        "continuing_numbering",
        "absolute_long_runner",
        "special",
        "movie",
        "multi_episode",
        "bare_number_folder",
        "western",
    }


def test_committed_dataset_is_what_the_generator_makes(dataset: dict[str, Any]) -> None:
    labels = build(seed=dataset["seed"], count=len(dataset["items"]))
    assert [label.to_json() for label in labels] == dataset["items"]


def test_generator_is_deterministic_and_seed_sensitive() -> None:
    assert build(seed=5, count=300) == build(seed=5, count=300)
    assert build(seed=5, count=300) != build(seed=6, count=300)


def test_spot_check_sample_is_in_the_dataset(dataset: dict[str, Any]) -> None:
    by_path = {item["path"]: item for item in dataset["items"]}
    checked = load(SPOT_CHECK)["items"]
    assert len(checked) == 100
    for entry in checked:
        item = by_path[entry["path"]]
        assert (item["expected"]["title"], item["in_name"]["episodes"]) == (entry["title"], entry["episodes"])


@pytest.mark.parametrize("entry", load(SPOT_CHECK)["items"], ids=lambda entry: entry["path"][:60])
def test_hand_checked_names_parse_exactly(entry: dict[str, Any]) -> None:
    path = Path("/library") / entry["path"]
    result = parse_file(ScannedFile(path=str(path), relative=entry["path"]))
    assert result.parsed is not None
    assert result.parsed.title == entry["title"]
    assert list(result.parsed.episodes) == entry["episodes"]
    if entry["season"] is not None:
        assert result.parsed.season == entry["season"]
