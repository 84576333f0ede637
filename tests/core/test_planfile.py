"""The plan file: schema-valid, byte-deterministic, editable, strict on reading, stale-checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.core.test_plan_and_organize import matched, write

from anivault.core.events import NullReporter
from anivault.core.models import Candidate, MatchedFile
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import Plan, PlanOptions
from anivault.core.plan.planfile import plan_to_json, read_plan, write_plan
from anivault.core.run import apply_plan_file
from anivault.errors import OrganizeConflictError, UsageError

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return tmp_path / "downloads"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


def sample_items(source: Path) -> list[MatchedFile]:
    return [
        matched(source, "b/Frieren - 02.mkv", episode=2, sidecars=(".en.ass",)),
        matched(source, "a/Frieren - 01.mkv", episode=1, sidecars=(".en.ass", ".jpn.forced.srt")),
        matched(source, "c/Frieren 03.mkv", episode=3),
        matched(source, "d/[X] Frieren - 03.mkv", episode=3),  # same target as c: a conflict
    ]


def plan_of(items: list[MatchedFile], source: Path, library: Path) -> Plan:
    return build_plan(items, library, PlanOptions(on_conflict="index"), source_root=source)


def sample_plan(source: Path, library: Path) -> Plan:
    return plan_of(sample_items(source), source, library)


def edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def apply_file(path: Path, tmp_path: Path, *, apply: bool = True) -> Any:
    """Apply with ``--src``/``--dst`` given: these plans were written by ``write_plan``, not by a
    ``--plan`` run of this home, so no roots were recorded for them."""
    return apply_plan_file(
        path,
        state_dir=tmp_path / "state",
        apply=apply,
        io_pace_limit=None,
        reporter=NullReporter(),
        source_root=tmp_path / "downloads",
        target_root=tmp_path / "library",
    )


def test_the_plan_file_is_valid_against_the_schema(source: Path, library: Path) -> None:
    document = json.loads(plan_to_json(sample_plan(source, library)))
    jsonschema.validate(document, SCHEMA)
    assert len(document["entries"]) == 7
    entry = document["entries"][0]
    assert entry["relative_source"] == "a/Frieren - 01.en.ass"
    assert entry["match"]["reasons"] == {"episode": 0.05, "title": 0.8}
    assert {e["status"] for e in document["entries"]} == {"planned", "conflict"}


def unmatched(source: Path, relative: str) -> MatchedFile:
    item = matched(source, relative)
    candidates = (
        Candidate("tv", 40143, "Shaman King", 2001, 0.92),
        Candidate("tv", 104699, "Shaman King", 2021, 0.92),
    )
    return MatchedFile(item.parsed, "unmatched", candidates=candidates, note="ambiguous")


def test_the_plan_lists_unmatched_files_with_their_candidates_for_review(
    source: Path, library: Path, tmp_path: Path
) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(source, library), path, [unmatched(source, "e/Shaman King - 60.mkv")])
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert document["unmatched"] == [
        {
            "source": "e/Shaman King - 60.mkv",
            "status": "unmatched",
            "code": None,
            "note": "ambiguous",
            "candidates": [
                {"media_type": "tv", "tmdb_id": 40143, "title": "Shaman King", "year": 2001, "score": 0.92},
                {"media_type": "tv", "tmdb_id": 104699, "title": "Shaman King", "year": 2021, "score": 0.92},
            ],
        }
    ]
    assert len(read_plan(path).entries) == len(document["entries"])  # executes entries alone


@pytest.mark.parametrize("with_entries", [True, False])
def test_the_streamed_plan_text_is_exactly_a_sorted_indented_dump(
    source: Path, library: Path, with_entries: bool
) -> None:
    items = sample_items(source) if with_entries else []
    lost = [unmatched(source, "e/x.mkv")] if with_entries else []
    text = plan_to_json(plan_of(items, source, library), lost)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def test_the_schema_rejects_a_broken_plan(source: Path, library: Path) -> None:
    document = json.loads(plan_to_json(sample_plan(source, library)))
    document["entries"][0]["action"] = "teleport"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_the_same_tree_gives_a_byte_identical_plan(source: Path, library: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    items = sample_items(source)
    write_plan(plan_of(items, source, library), first)
    write_plan(plan_of(list(reversed(items)), source, library), second)
    assert first.read_bytes() == second.read_bytes()
    assert b"T0" not in first.read_bytes() and b'"ts"' not in first.read_bytes()  # no timestamps


def test_reading_a_written_plan_gives_the_same_plan(source: Path, library: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(source, library), path)
    assert plan_to_json(read_plan(path)) == path.read_text(encoding="utf-8")


def test_an_edited_plan_applies_exactly_what_is_left(source: Path, library: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(source, library), path)

    def rename_two_and_drop_one(document: dict[str, Any]) -> None:
        entries = document["entries"]
        for entry in entries:
            if entry["relative_source"].startswith("b/"):
                entry["target"] = entry["target"].replace("Frieren (2023)", "Sousou no Frieren")
        document["entries"] = [e for e in entries if e["relative_source"] != "a/Frieren - 01.jpn.forced.srt"]

    edit(path, rename_two_and_drop_one)
    result = apply_file(path, tmp_path)
    moved = sorted(o.entry.relative_target for o in result.outcomes if o.status == "moved")
    assert moved == [
        "Frieren (2023)/Season 01/Frieren (2023) S01E01.en.ass",
        "Frieren (2023)/Season 01/Frieren (2023) S01E01.mkv",
        "Sousou no Frieren/Season 01/Sousou no Frieren S01E02.en.ass",
        "Sousou no Frieren/Season 01/Sousou no Frieren S01E02.mkv",
    ]
    assert (source / "a" / "Frieren - 01.jpn.forced.srt").exists()
    assert (source / "c" / "Frieren 03.mkv").exists()  # conflicts stay conflicts
    assert result.journal is not None and result.journal.exists()


def test_a_dry_run_of_a_plan_changes_nothing(source: Path, library: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(source, library), path)
    result = apply_file(path, tmp_path, apply=False)
    assert result.outcomes == ()
    assert not library.exists()
    assert not (tmp_path / "state").exists()


def test_a_source_changed_since_planning_is_refused(source: Path, library: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(source, library), path)
    write(source / "b" / "Frieren - 02.mkv", b"replaced by a better release")
    result = apply_file(path, tmp_path)
    by_source = {o.entry.relative_source: (o.status, o.error_code) for o in result.outcomes}
    assert by_source["b/Frieren - 02.mkv"] == ("failed", "E-PLAN-STALE")
    assert by_source["b/Frieren - 02.en.ass"] == ("skipped", None)
    assert by_source["a/Frieren - 01.mkv"] == ("moved", None)
    assert "E-PLAN-STALE" in result.error_codes
    assert (source / "b" / "Frieren - 02.mkv").read_bytes() == b"replaced by a better release"


@pytest.mark.parametrize(
    "target",
    ["../outside.mkv", "/etc/passwd", "a\\b.mkv", "Show/CON.mkv", "Show/What?.mkv", "Show/trailing./x.mkv"],
)
def test_an_edited_target_outside_the_library_or_unsafe_is_refused(
    target: str, source: Path, library: Path, tmp_path: Path
) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(source, library), path)
    edit(path, lambda d: d["entries"][1].update(target=target))
    with pytest.raises(UsageError) as caught:
        apply_file(path, tmp_path)
    assert caught.value.code == "E-USAGE"
    assert not library.exists()


def test_an_edit_that_makes_two_entries_share_a_target_is_refused_before_moving(
    source: Path, library: Path, tmp_path: Path
) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(source, library), path)

    def collide(document: dict[str, Any]) -> None:
        videos = [e for e in document["entries"] if e["role"] == "video" and e["status"] == "planned"]
        videos[1]["target"] = videos[0]["target"].upper()

    edit(path, collide)
    with pytest.raises(OrganizeConflictError):
        apply_file(path, tmp_path)
    assert not library.exists()


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"format": "anivault-plan/0"}', '{"format": "anivault-plan/1", "entries": []}'],
)
def test_a_file_that_is_not_a_plan_is_a_usage_error(text: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError):
        read_plan(path)


def test_a_missing_plan_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no plan file"):
        read_plan(tmp_path / "missing.json")
