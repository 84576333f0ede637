"""The run record: checkpoints written before ``RunConfig`` existed still load, and a run's
options read back from its checkpoint exactly as they were written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anivault.core.config import RunConfig, plan_options_to_json
from anivault.core.state import latest_unfinished, load_checkpoint
from anivault.errors import UsageError

RUN_ID = "20260101T000000.000-abcdef"


def old_checkpoint(tmp_path: Path) -> dict[str, object]:
    """A checkpoint as the previous release wrote it: ``asdict(Checkpoint)``, options flat."""
    return {
        "run_id": RUN_ID,
        "phase": "lookup",
        "journal": str(tmp_path / "state" / "journals" / f"{RUN_ID}.jsonl"),
        "plan": None,
        "request": {
            "source": str(tmp_path / "src"),
            "target": str(tmp_path / "lib"),
            "workers": 2,
            "min_confidence": 0.7,
            "action": "copy",
            "on_conflict": "index",
            "movies_root": None,
            "preset": "jellyfin",
            "template": "{title} ({year}) [tmdbid-{tmdb_id}]/Season {season:02d}/"
            "{title} ({year}) S{season:02d}{episode_token}.{ext}",
            "max_path_chars": 259,
            "colon": "dash",
            "ascii_or_native": False,
            "accept_review": True,
            "path_rules": "windows",
            "plan_file": None,
            "io_pace_limit": 30.0,
            "parse_processes": 0,
            "match_override": None,
            "title_language": "ja-JP",
            "extras_folder": True,
            "picks": [],
            "extensions": [".mkv"],
            "exclude": ["*.part"],
            "prune_empty": True,
            "follow_source_symlinks": False,
            "allow_target_symlinks": False,
        },
        "done": 0,
        "total": 0,
    }


def write(tmp_path: Path, raw: dict[str, object]) -> Path:
    state = tmp_path / "state"
    path = state / "runs" / RUN_ID / "checkpoint.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(raw), encoding="utf-8")
    return state


def test_a_checkpoint_of_the_previous_format_loads_with_its_options(tmp_path: Path) -> None:
    raw = old_checkpoint(tmp_path)
    checkpoint = latest_unfinished(write(tmp_path, raw))

    config = checkpoint.config
    assert config is not None
    assert (config.source, config.target) == (tmp_path / "src", tmp_path / "lib")
    assert (config.plan.action, config.plan.on_conflict, config.plan.naming.scheme.name) == (
        "copy",
        "index",
        "jellyfin",
    )
    assert (config.lookup.title_language, config.io_pace_limit, config.prune_empty) == ("ja-JP", 30.0, True)
    assert config.lookup.select is not None and config.lookup.select.exclude == ("*.part",)
    assert config.to_json() == raw["request"]  # written back in the very same shape


def test_the_plan_file_and_the_checkpoint_store_plan_options_alike(tmp_path: Path) -> None:
    request = old_checkpoint(tmp_path)["request"]
    assert isinstance(request, dict)
    config = RunConfig.from_json(request)

    assert plan_options_to_json(config.plan).items() <= config.to_json().items()


def test_a_from_plan_checkpoint_has_no_options_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    raw = old_checkpoint(tmp_path) | {"request": {}}
    assert load_checkpoint(write(tmp_path, raw), RUN_ID).config is None

    bad = old_checkpoint(tmp_path / "bad")
    bad["request"] = {"source": "x"}
    with pytest.raises(UsageError, match="unreadable checkpoint"):
        load_checkpoint(write(tmp_path / "bad", bad), RUN_ID)
