"""Folder consensus through the real CLI and stand-in: a release folder settles what its files'
names alone could not, and flags a file that disagrees with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anivault.cli.main import main


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    with pytest.raises(SystemExit) as exited:
        main(["--json", *args])
    out, _ = capsys.readouterr()
    assert int(exited.value.code or 0) == 0
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def results(events: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {
        str(e["fields"]["source"]): e["fields"]  # type: ignore[index]
        for e in events
        if e["phase"] == "match" and e["event"] == "result"
    }


def outliers(events: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e["fields"] for e in events if e["phase"] == "match" and e["event"] == "outlier"]  # type: ignore[misc]


def make(source: Path, *names: str) -> Path:
    for name in names:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(name.encode())
    return source


SHAMAN_2001 = 40143
SAME_TITLE_FILE = "Shaman King - 60 [1080p].mkv"
"""Episode 60 fits both Shaman King (2001) and, by continuing numbering, the 2021 remake."""


@pytest.mark.usefixtures("anivault_env")
def test_a_release_folder_settles_a_file_its_name_leaves_ambiguous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = "[Judas] Shaman King (2001)"
    source = make(
        tmp_path / "downloads",
        f"{folder}/Shaman King (2001) - 01 [1080p].mkv",
        f"{folder}/Shaman King (2001) - 02 [1080p].mkv",
        f"{folder}/{SAME_TITLE_FILE}",
    )
    found = results(run_json(["match", "--src", str(source)], capsys))
    settled = found[f"{folder}/{SAME_TITLE_FILE}"]
    assert (settled["status"], settled["tmdb_id"], settled["season"], settled["episodes"]) == (
        "matched",
        SHAMAN_2001,
        1,
        [60],
    )
    assert "folder consensus: 2 of 2" in str(settled["note"])
    assert "folder" in settled["score_parts"]  # type: ignore[operator]


@pytest.mark.usefixtures("anivault_env")
def test_without_a_clear_majority_the_folder_has_no_say(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make(
        tmp_path / "downloads",
        "Shaman King (2001) - 01 [1080p].mkv",
        "Shaman King (2021) - 01 [1080p].mkv",
        SAME_TITLE_FILE,
    )
    found = results(run_json(["match", "--src", str(source)], capsys))
    assert found[SAME_TITLE_FILE]["status"] == "review"
    assert "ambiguous" in str(found[SAME_TITLE_FILE]["note"])


@pytest.mark.usefixtures("anivault_env")
def test_a_file_of_another_series_in_a_release_folder_is_flagged_not_moved_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = "Dan Da Dan [SubsPlease]"
    source = make(
        tmp_path / "downloads",
        *(f"{folder}/Dan Da Dan - {n:02d} [1080p].mkv" for n in (1, 2, 3)),
        f"{folder}/Psycho-Pass 3 - 07 [1080p].mkv",
        "Other/Psycho-Pass 3 - 08 [1080p].mkv",
    )
    events = run_json(["run", "--src", str(source), "--dst", str(tmp_path / "lib")], capsys)
    assert [
        (o["source"], o["title"], o["folder_title"], o["folder_agreeing"], o["folder_matched"])
        for o in outliers(events)
    ] == [(f"{folder}/Psycho-Pass 3 - 07 [1080p].mkv", "Psycho-Pass", "Dan Da Dan", 3, 4)]
    assert results(events)[f"{folder}/Psycho-Pass 3 - 07 [1080p].mkv"]["status"] == "matched"


@pytest.mark.usefixtures("anivault_env")
def test_human_output_flags_the_outlier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = "Dan Da Dan [SubsPlease]"
    source = make(
        tmp_path / "downloads",
        *(f"{folder}/Dan Da Dan - {n:02d} [1080p].mkv" for n in (1, 2, 3)),
        f"{folder}/Psycho-Pass 3 - 07 [1080p].mkv",
    )
    with pytest.raises(SystemExit):
        main(["--no-color", "match", "--src", str(source)])
    err = " ".join(capsys.readouterr().err.split())  # progress and warnings go to stderr
    assert f"outlier: {folder}/Psycho-Pass 3 - 07 [1080p].mkv matched Psycho-Pass #43865, but 3 of 4" in err
