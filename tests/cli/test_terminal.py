"""The real CLI in a pseudo-terminal, read back as the screen a terminal shows (pyte): the live
progress at 80 and 120 columns, and ``--interactive`` answered by typing."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pyte
import pytest
from tests.cli.conftest import Outcome, series_rows

from tools.make_sample_library import generate
from tools.tmdb_standin.server import Standin

BAR = re.compile(r"^(scan|parse|match)\s+━.*\s(\d+)/(\d+|\?)\s+(\d+\.\d|-)/s(?:\s+(\d+:\d\d:\d\d|-:--:--))?$")
"""A stage's bar with its count (of a total still unknown while scanning), rate and ETA."""

AMBIGUOUS_FOLDER = "[Moxie] Captain Tsubasa [BD 1080p x265]"
"""Two TMDB titles tie for this release (Captain Tsubasa 2018 and Flash Kicker 1983)."""


def spawn(args: list[str], columns: int, lines: int = 40) -> pexpect.spawn:
    env = dict(os.environ, COLUMNS=str(columns), LINES=str(lines), TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "anivault", *args],
        env=env,
        dimensions=(lines, columns),
        encoding="utf-8",
        timeout=120,
    )


def screen_while_running(child: pexpect.spawn, columns: int, lines: int = 40) -> tuple[list[str], list[str]]:
    """Feed the child's output to a terminal emulator; return the last screen seen while the match
    bar was moving (a count below its total: its rate and ETA are known by then) and the last one."""
    screen = pyte.Screen(columns, lines)
    stream = pyte.Stream(screen)
    midway: list[str] = []
    while True:
        try:
            stream.feed(child.read_nonblocking(65536, timeout=0.2))
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
        shown = [line.rstrip() for line in screen.display]
        bars = [BAR.match(line) for line in shown]
        if any(bar and bar[1] == "match" and bar[3] != "?" and int(bar[2]) < int(bar[3]) for bar in bars):
            midway = shown
    child.close()
    return midway, [line.rstrip() for line in screen.display]


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.usefixtures("anivault_env")
def test_progress_shows_bars_with_count_rate_and_eta(
    tmp_path: Path, tmdb_standin: Standin, columns: int
) -> None:
    source = tmp_path / "downloads"
    generate(source, seed=7, series=12, movies=2)
    tmdb_standin.configure(latency_ms=60)  # slow enough that the bars are seen moving

    child = spawn(
        ["run", "--src", str(source), "--dst", str(tmp_path / "lib"), "--max-workers", "2"], columns
    )
    midway, end = screen_while_running(child, columns)

    assert child.exitstatus == 0, "\n".join(end)
    assert midway, "no screen showed the match bar part-way:\n" + "\n".join(end)
    bars = {match[1]: match for line in midway if (match := BAR.match(line))}
    assert set(bars) == {"scan", "parse", "match"}, "\n".join(midway)
    match = bars["match"]
    assert match[4] != "-" and match[5] not in (None, "-:--:--"), match[0]  # a real rate and ETA
    counters = [line for line in midway if line.startswith("parse failures")]
    assert counters and counters[0].endswith(" · link normal"), "\n".join(midway)
    assert all(len(line) <= columns for line in midway)


@pytest.mark.usefixtures("anivault_env")
def test_interactive_picks_a_candidate_for_a_folder(tmp_path: Path) -> None:
    source = tmp_path / "downloads"
    folder = source / AMBIGUOUS_FOLDER
    folder.mkdir(parents=True)
    for episode in (1, 2, 3):
        (folder / f"[Moxie] Captain Tsubasa - {episode:02d} [BD 1080p x265 FLAC].mkv").write_bytes(
            b"v" * 2048
        )

    child = spawn(
        ["--no-color", "run", "--src", str(source), "--dst", str(tmp_path / "lib"), "--interactive"], 80
    )
    child.expect(r"\[1/1\] \[Moxie\] Captain Tsubasa")  # one question for the folder, not three
    child.expect(r"1\s+Captain Tsubasa \(2018\) #77240")
    child.expect(r"pick 1-\d+, a TMDB id, or s to skip")
    child.sendline("1")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0, child.before
    assert series_rows(child.before)["Captain Tsubasa (2018) #77240"] == "S01 3 ep"
    assert "under review" not in child.before and "3 videos: 3 matched ·" in child.before


def test_interactive_without_a_terminal_is_a_usage_error(cli, anivault_env: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "downloads"
    source.mkdir()

    outcome: Outcome = cli("run", "--src", str(source), "--dst", str(tmp_path / "lib"), "--interactive")

    assert outcome.status == 2
    assert "--interactive needs a terminal" in outcome.err


@pytest.mark.usefixtures("anivault_env")
def test_interactive_tmdb_id_over_names_of_another_title_asks_and_keeps_their_match(tmp_path: Path) -> None:
    source = tmp_path / "Frieren"
    source.mkdir()
    for name in (
        "Sousou no Frieren - 01 (1080p).mkv",
        "Sousou no Frieren - 02 (1080p).mkv",
        "Chainsaw Man - 01.mkv",
    ):
        (source / name).write_bytes(b"v" * 2048)

    args = ["--no-color", "run", "--src", str(source), "--dst", str(tmp_path / "lib"), "--tmdb-id", "209867"]
    child = spawn([*args, "--interactive"], 80)
    child.expect(r"1 files are named for other titles")
    child.expect(r"Chainsaw Man \(2022\) #114410: Chainsaw Man - 01\.mkv")
    child.expect(r"keep their own match \(k\)")
    child.sendline("k")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0, child.before
    rows = series_rows(child.before)
    assert rows["Chainsaw Man (2022) #114410"] == "S01 1 ep"
    assert rows["Frieren: Beyond Journey's End (2023) #209867"] == "S01 2 ep"
