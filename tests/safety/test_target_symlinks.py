"""Issue 23, reproduction 9: nothing is written outside the real path of --dst.

Real symlinked folders inside the library, the real CLI in a subprocess, the real stand-in: a
folder that leads out of the library is refused when planning (an ``error`` entry with
``E-FS-OUTSIDE-TARGET``) and again when applying (a folder swapped for a link after planning),
unless the setting ``allow_target_symlinks`` says the link is meant, and then the plan says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.safety.boundary_helpers import (
    SHOW_FOLDER,
    applying,
    entries,
    files_below,
    release,
    with_settings,
    write,
)

from tools.faultlab.cli import Cli

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
OUTSIDE = "E-FS-OUTSIDE-TARGET"
EPISODE = f"Season 01/{SHOW_FOLDER} S01E104.mkv"


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    source = tmp_path / "S"
    write(source / release(104), b"episode 104")
    return source


def test_target_show_folder_linked_out_of_the_library_is_refused(
    cli: Cli, tmp_path: Path, downloads: Path
) -> None:
    library, outside = tmp_path / "D", tmp_path / "out"
    outside.mkdir()
    library.mkdir()
    (library / SHOW_FOLDER).symlink_to(outside, target_is_directory=True)

    result = cli.run(applying(downloads, library))

    assert files_below(outside) == {}, "a file was written outside the library"
    assert files_below(downloads) == {release(104): b"episode 104"}
    assert result.status == 3, result.stderr
    [entry] = entries(result)
    assert (entry["status"], entry["code"]) == ("error", OUTSIDE)
    said = " ".join(result.stderr.split())  # the console wraps long lines
    assert f"error {OUTSIDE}: {library / SHOW_FOLDER} is a symbolic link to {outside}," in said
    assert "allow_target_symlinks" in said


def test_target_season_folder_linked_out_is_refused(cli: Cli, tmp_path: Path, downloads: Path) -> None:
    library, outside = tmp_path / "D", tmp_path / "out"
    outside.mkdir()
    (library / SHOW_FOLDER).mkdir(parents=True)
    (library / SHOW_FOLDER / "Season 01").symlink_to(outside, target_is_directory=True)

    result = cli.run(applying(downloads, library))

    assert files_below(outside) == {}
    assert result.status == 3
    assert [e["code"] for e in entries(result)] == [OUTSIDE]


def test_target_link_out_is_written_through_when_the_setting_allows_it_and_the_plan_says_so(
    cli: Cli, tmp_path: Path, downloads: Path
) -> None:
    library, outside = tmp_path / "D", tmp_path / "out"
    outside.mkdir()
    library.mkdir()
    (library / SHOW_FOLDER).symlink_to(outside, target_is_directory=True)

    result = with_settings(cli, allow_target_symlinks="true").run(applying(downloads, library))

    assert result.status == 0, result.stderr
    assert files_below(outside) == {EPISODE: b"episode 104"}
    [entry] = entries(result)
    assert "written through a link" in str(entry["note"]) and "allow_target_symlinks" in str(entry["note"])


def test_target_link_that_stays_inside_the_library_is_followed(
    cli: Cli, tmp_path: Path, downloads: Path
) -> None:
    library = tmp_path / "D"
    (library / "Dragon Ball Z").mkdir(parents=True)
    (library / SHOW_FOLDER).symlink_to(library / "Dragon Ball Z", target_is_directory=True)

    result = cli.run(applying(downloads, library))

    assert result.status == 0, result.stderr
    assert files_below(library) == {f"Dragon Ball Z/{EPISODE}": b"episode 104"}


def test_target_folder_swapped_for_a_link_after_planning_is_refused_when_applying(
    cli: Cli, tmp_path: Path, downloads: Path
) -> None:
    library, outside, plan = tmp_path / "D", tmp_path / "out", tmp_path / "plan.json"
    outside.mkdir()
    planned = cli.run(["--json", "run", "--src", str(downloads), "--dst", str(library), "--plan", str(plan)])
    assert planned.status == 0, planned.stderr
    assert [e["status"] for e in entries(planned)] == ["planned"]
    library.mkdir()
    (library / SHOW_FOLDER).symlink_to(outside, target_is_directory=True)  # swapped in meanwhile

    applied = cli.run(["--json", "organize", "--from-plan", str(plan), "--apply"])

    assert files_below(outside) == {}, "the apply wrote through a folder swapped for a link"
    assert files_below(downloads) == {release(104): b"episode 104"}
    assert applied.status == 7, applied.stderr  # its one file operation failed: a file-system error
    outcomes = [e["fields"] for e in applied.events if e["phase"] == "organize" and e["event"] == "file"]
    assert [(o["status"], o["code"]) for o in outcomes] == [("failed", OUTSIDE)]
