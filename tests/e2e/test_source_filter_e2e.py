"""`--ext` and `--exclude` on run, organize and match: the real CLI, the stand-in, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anivault.cli import exit_codes
from anivault.cli.main import main

NAMES = (
    "Root A/Tokyo Ghoul Root A - 03 [1080p].mkv",
    "Dan Da Dan - 02 [1080p].mkv",
    "Dan Da Dan - 03 [1080p].mp4",
    "Dan Da Dan - 04 [1080p].mkv.part",
)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), [json.loads(line) for line in out.splitlines() if line.strip()], err


def fields_of(events: list[dict[str, object]], phase: str, event: str) -> list[dict[str, object]]:
    return [e["fields"] for e in events if e["phase"] == phase and e["event"] == event]  # type: ignore[misc]


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    source = tmp_path / "downloads"
    for name in NAMES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(name.encode())
    return source


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize("command", ["run", "organize"])
def test_run_and_organize_plan_only_what_ext_and_exclude_leave(
    command: str, downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--json", command, "--src", str(downloads), "--dst", str(tmp_path / "lib")]

    status, events, err = run_cli([*args, "--ext", "mkv", "--exclude", "Root A"], capsys)

    assert status == 0, err
    assert [f["source"] for f in fields_of(events, "plan", "entry")] == ["Dan Da Dan - 02 [1080p].mkv"]
    reasons = {Path(str(f["path"])).name: f["reason"] for f in fields_of(events, "scan", "skipped")}
    assert reasons["Root A"] == "excluded (matches 'Root A')"
    assert reasons["Dan Da Dan - 03 [1080p].mp4"] == "extension not selected"


@pytest.mark.usefixtures("anivault_env")
def test_match_leaves_out_what_exclude_matches(downloads: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, events, err = run_cli(
        ["--json", "match", "--src", str(downloads), "--exclude", "*03*", "--exclude", "*.part"], capsys
    )

    assert status == 0, err
    assert [f["source"] for f in fields_of(events, "match", "matched")] == ["Dan Da Dan - 02 [1080p].mkv"]


@pytest.mark.usefixtures("anivault_env")
def test_modes_with_their_own_sources_refuse_the_filters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "run.jsonl"
    journal.write_text("", encoding="utf-8")

    status, _, err = run_cli(["organize", "--undo", str(journal), "--exclude", "*.part"], capsys)

    assert status == exit_codes.USAGE
    assert "--undo takes no other organize options (got --exclude)" in err
