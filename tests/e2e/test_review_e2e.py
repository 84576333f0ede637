"""Files under review (a best guess under the confidence line) through the real CLI and stand-in:
planned and listed, applied only with ``--accept-review`` or once accepted in the plan file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anivault.cli.main import main

GUESS = "Shaman King/Shaman King - 26 [1080p].mkv"
"""Shaman King (2001) and its 2021 remake: same title, both hold episode 26, alike in popularity."""
GUESS_SUBTITLE = "Shaman King/Shaman King - 26 [1080p].en.ass"
GUESS_TARGET = "Shaman King (2001)/Season 01/Shaman King (2001) S01E26.mkv"
SURE = "Dan Da Dan - 02 [1080p].mkv"
SURE_TARGET = "Dan Da Dan (2024)/Season 01/Dan Da Dan (2024) S01E02.mkv"


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def events_of(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def of(events: list[dict[str, object]], phase: str, event: str) -> list[dict[str, object]]:
    return [e["fields"] for e in events if e["phase"] == phase and e["event"] == event]  # type: ignore[misc]


def library_files(library: Path) -> set[str]:
    return {p.relative_to(library).as_posix() for p in library.rglob("*") if p.is_file()}


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    source = tmp_path / "downloads"
    for name in (GUESS, GUESS_SUBTITLE, SURE):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(name.encode())
    return source


@pytest.mark.usefixtures("anivault_env")
def test_a_dry_run_plans_a_best_guess_as_review_and_still_succeeds(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--json", "run", "--src", str(downloads), "--dst", str(tmp_path / "lib")]
    status, out, _ = run_cli(args, capsys)
    events = events_of(out)
    assert status == 0  # review files are listed, like unmatched ones: not a failure
    entries = {str(f["source"]): f for f in of(events, "plan", "entry")}
    assert entries[GUESS]["status"] == "review"
    assert entries[GUESS]["target"] == GUESS_TARGET
    assert entries[GUESS]["tmdb_id"] == 40143
    assert entries[GUESS_SUBTITLE]["status"] == "review"
    assert entries[SURE]["status"] == "planned"
    (summary,) = of(events, "run", "summary")
    assert (summary["matched"], summary["review"], summary["unmatched"]) == (1, 1, 0)


@pytest.mark.usefixtures("anivault_env")
def test_the_human_table_shows_the_best_guess_and_its_tmdb_id(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one row per line: no folded cells
    status, out, _ = run_cli(["run", "--src", str(downloads), "--dst", str(tmp_path / "lib")], capsys)
    assert status == 0
    lines = out.splitlines()
    (group,) = [n for n, line in enumerate(lines) if line.startswith("under review (1)")]
    assert lines[group + 1].startswith("  → Shaman King (2001) #40143")  # the best guess, with its id
    assert GUESS.rpartition("/")[2] in out  # every problem file is listed by name
    assert "1 under review" in out


@pytest.mark.usefixtures("anivault_env")
def test_apply_leaves_review_files_and_accept_review_moves_them(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    args = ["--json", "run", "--src", str(downloads), "--dst", str(library), "--apply"]
    status, _, _ = run_cli(args, capsys)
    assert status == 0
    assert library_files(library) == {SURE_TARGET}
    assert (downloads / GUESS).exists() and (downloads / GUESS_SUBTITLE).exists()

    status, _, _ = run_cli([*args, "--accept-review"], capsys)
    assert status == 0
    assert library_files(library) == {SURE_TARGET, GUESS_TARGET, GUESS_TARGET[: -len(".mkv")] + ".en.ass"}
    assert not (downloads / GUESS).exists()


@pytest.mark.usefixtures("anivault_env")
def test_a_review_entry_changed_to_planned_in_the_plan_file_is_applied_with_its_sidecar(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library, plan_file = tmp_path / "lib", tmp_path / "plan.json"
    status, _, _ = run_cli(
        ["--json", "run", "--src", str(downloads), "--dst", str(library), "--plan", str(plan_file)], capsys
    )
    assert status == 0
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    for entry in plan["entries"]:
        if entry["relative_source"] == GUESS:
            assert entry["status"] == "review"
            entry["status"] = "planned"  # the user accepts the guess; its subtitle follows
        elif entry["relative_source"] == SURE:
            entry["status"] = "conflict"  # and holds the other file back
    plan_file.write_text(json.dumps(plan), encoding="utf-8")

    status, _, _ = run_cli(["--json", "organize", "--from-plan", str(plan_file), "--apply"], capsys)
    assert status == 0
    assert library_files(library) == {GUESS_TARGET, GUESS_TARGET[: -len(".mkv")] + ".en.ass"}


@pytest.mark.usefixtures("anivault_env")
def test_a_sidecar_accepted_without_its_video_is_refused(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library, plan_file = tmp_path / "lib", tmp_path / "plan.json"
    args = ["--json", "run", "--src", str(downloads), "--dst", str(library), "--plan", str(plan_file)]
    assert run_cli(args, capsys)[0] == 0
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    for entry in plan["entries"]:
        if entry["relative_source"] == GUESS_SUBTITLE:
            entry["status"] = "planned"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")

    status, _, err = run_cli(["organize", "--from-plan", str(plan_file), "--apply"], capsys)
    assert status == 2
    assert "E-USAGE" in err and "under review" in err
    assert not library.exists()
