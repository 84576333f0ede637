"""Issue 23, reproduction 6: one odd name never stops a run.

A file name that is not valid UTF-8 (real bytes, through ``os.fsencode``), a FIFO named like a
video, a device-like entry: each is reported and the run goes on. Real files, the real CLI.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from tests.safety.boundary_helpers import (
    SHOW_FOLDER,
    applying,
    entries,
    files_below,
    odd_name,
    opener_after,
    posix_only,
    release,
    skipped,
    write,
)

from tools.faultlab.cli import Cli

FIFO_TIMEOUT = 90
"""Seconds a run over a FIFO may take at most: before the fix it never finished."""


@posix_only
def test_source_name_with_invalid_utf8_is_planned_filed_and_undone(cli: Cli, tmp_path: Path) -> None:
    source, library = tmp_path / "S", tmp_path / "D"
    raw = os.fsencode(source)
    os.makedirs(raw + b"/batch \xff")
    for episode in (10, 11):
        with open(raw + b"/batch \xff/" + odd_name(episode), "wb") as handle:
            handle.write(b"episode %d" % episode)
    with open(raw + b"/batch \xff/" + odd_name(10, b".\xfe.ass"), "wb") as handle:
        handle.write(b"subtitle")
    before = {os.fsencode(name) for name in os.listdir(raw + b"/batch \xff")}
    plan_file = tmp_path / "plan.json"

    dry = cli.run(["--json", "run", "--src", str(source), "--dst", str(library), "--plan", str(plan_file)])
    assert dry.status == 0, dry.stderr
    assert not dry.crashed
    planned = entries(dry)
    assert len(planned) == 3 and {e["status"] for e in planned} == {"planned"}
    document = json.loads(plan_file.read_text(encoding="utf-8"))  # valid JSON, escapes and all
    sources = {os.fsencode(e["source"]) for e in document["entries"]}
    assert raw + b"/batch \xff/" + odd_name(10) in sources

    applied = cli.run(applying(source, library))
    assert applied.status == 0, applied.stderr
    season = f"{SHOW_FOLDER}/Season 01/{SHOW_FOLDER}"
    assert files_below(library) == {
        f"{season} S01E110.mkv": b"episode 10",
        f"{season} S01E110._.ass": b"subtitle",  # library names are UTF-8: the odd byte became _
        f"{season} S01E111.mkv": b"episode 11",
    }
    journal = next((cli.home / "state" / "journals").glob("*.jsonl"))
    records = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert raw + b"/batch \xff/" + odd_name(11) in {os.fsencode(r["src"]) for r in records if "src" in r}

    undone = cli.run(["--json", "organize", "--undo", str(journal)])
    assert undone.status == 0, undone.stderr
    assert {os.fsencode(name) for name in os.listdir(raw + b"/batch \xff")} == before


@posix_only
def test_source_fifo_named_like_a_video_is_skipped_and_the_run_finishes(cli: Cli, tmp_path: Path) -> None:
    source, library = tmp_path / "S", tmp_path / "D"
    write(source / release(104), b"a real episode")
    os.mkfifo(source / release(105))
    os.mkfifo(source / release(104, ".ass"))
    unblock = opener_after(FIFO_TIMEOUT, source / release(105), source / release(104, ".ass"))

    result = cli.run(applying(source, library), timeout=FIFO_TIMEOUT + 30)
    unblock.cancel()

    assert result.status == 0, result.stderr
    reasons = skipped(result)
    assert reasons[release(105)] == "not a regular file (FIFO)"
    assert reasons[release(104, ".ass")] == "not a regular file (FIFO)"
    assert files_below(library) == {f"{SHOW_FOLDER}/Season 01/{SHOW_FOLDER} S01E104.mkv": b"a real episode"}


@posix_only
def test_source_socket_named_like_a_video_is_skipped(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, library = tmp_path / "S", tmp_path / "D"
    write(source / release(104), b"a real episode")
    listener = socket.socket(socket.AF_UNIX)
    monkeypatch.chdir(source)  # AF_UNIX paths are short: bind by the bare name
    try:
        listener.bind(release(105))
        result = cli.run(applying(source, library))
    finally:
        listener.close()
    assert result.status == 0, result.stderr
    assert skipped(result)[release(105)] == "not a regular file (socket)"
