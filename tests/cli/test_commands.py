"""scan, match and status through the real CLI: real folders, the real TMDB stand-in."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.conftest import Outcome, series_rows

from anivault.cli import exit_codes
from tools.faultlab.cli import CTRL_C_SENDABLE, CTRL_C_UNSENDABLE, finish
from tools.faultlab.cli import Cli as SubprocessCli
from tools.tmdb_standin.server import Standin

Run = Callable[..., Outcome]


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0" * 64)


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    source = tmp_path / "downloads"
    touch(
        source,
        "Dan Da Dan - 02 [1080p].mkv",
        "Dan Da Dan - 02 [1080p].ass",
        "Dan Da Dan - 03 [1080p].mp4",
        "Frieren/Sousou no Frieren - 07 (1080p).avi",
        "readme.txt",
    )
    return source


@pytest.mark.usefixtures("anivault_env")
def test_scan_without_filter_lists_every_video_with_sidecars(cli: Run, mixed_folder: Path) -> None:
    outcome = cli("--json", "scan", "--src", str(mixed_folder))

    assert outcome.status == 0
    files = {e["fields"]["relative"]: e["fields"] for e in outcome.events() if e["event"] == "file"}  # type: ignore[index]
    assert set(files) == {
        "Dan Da Dan - 02 [1080p].mkv",
        "Dan Da Dan - 03 [1080p].mp4",
        "Frieren/Sousou no Frieren - 07 (1080p).avi",
    }
    assert [Path(s).name for s in files["Dan Da Dan - 02 [1080p].mkv"]["sidecars"]] == [  # type: ignore[index]
        "Dan Da Dan - 02 [1080p].ass"
    ]
    summary = outcome.events()[-1]
    assert summary["event"] == "summary" and summary["fields"]["files"] == 3  # type: ignore[index]


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize(
    ("ext_args", "expected"),
    [
        (("--ext", "mkv"), {"Dan Da Dan - 02 [1080p].mkv"}),
        (("--ext", "mkv,.MP4"), {"Dan Da Dan - 02 [1080p].mkv", "Dan Da Dan - 03 [1080p].mp4"}),
        (
            ("--ext", "avi", "--ext", "mp4"),
            {"Dan Da Dan - 03 [1080p].mp4", "Frieren/Sousou no Frieren - 07 (1080p).avi"},
        ),
    ],
)
def test_scan_extension_filters(
    cli: Run, mixed_folder: Path, ext_args: tuple[str, ...], expected: set[str]
) -> None:
    outcome = cli("--json", "scan", "--src", str(mixed_folder), *ext_args)

    assert outcome.status == 0
    assert {e["fields"]["relative"] for e in outcome.events() if e["event"] == "file"} == expected  # type: ignore[index]


@pytest.mark.usefixtures("anivault_env")
def test_scan_exclude_leaves_out_matching_files_and_folders_and_says_so(cli: Run, mixed_folder: Path) -> None:
    outcome = cli("--json", "scan", "--src", str(mixed_folder), "--exclude", "Frieren", "--exclude", "*.mp4")

    assert outcome.status == 0
    assert {e["fields"]["relative"] for e in outcome.events() if e["event"] == "file"} == {  # type: ignore[index]
        "Dan Da Dan - 02 [1080p].mkv"
    }
    reasons = {
        Path(str(e["fields"]["path"])).name: e["fields"]["reason"]
        for e in outcome.events()
        if e["event"] == "skipped"
    }  # type: ignore[index]
    assert reasons["Frieren"] == "excluded (matches 'Frieren')"
    assert reasons["Dan Da Dan - 03 [1080p].mp4"] == "excluded (matches '*.mp4')"


@pytest.mark.usefixtures("anivault_env")
def test_scan_human_output_is_a_table_on_stdout_and_touches_nothing(cli: Run, mixed_folder: Path) -> None:
    before = sorted(p.relative_to(mixed_folder) for p in mixed_folder.rglob("*"))

    outcome = cli("--no-color", "scan", "--src", str(mixed_folder))

    assert outcome.status == 0
    assert "3 videos" in outcome.out and "Dan Da Dan - 03 [1080p].mp4" in outcome.out
    assert sorted(p.relative_to(mixed_folder) for p in mixed_folder.rglob("*")) == before


@pytest.mark.usefixtures("anivault_env")
def test_scan_of_a_missing_folder_is_a_usage_or_filesystem_error(cli: Run, tmp_path: Path) -> None:
    outcome = cli("scan", "--src", str(tmp_path / "nowhere"))

    assert outcome.status in (exit_codes.USAGE, exit_codes.FILESYSTEM)
    assert "error E-" in outcome.err


@pytest.mark.usefixtures("anivault_env")
def test_match_json_reports_each_file_with_its_tmdb_match(cli: Run, mixed_folder: Path) -> None:
    outcome = cli("--json", "match", "--src", str(mixed_folder), "--max-workers", "0")

    assert outcome.status == 0
    matched = {e["fields"]["source"]: e["fields"] for e in outcome.events() if e["event"] == "matched"}  # type: ignore[index]
    assert matched["Dan Da Dan - 02 [1080p].mkv"]["episodes"] == [2]  # type: ignore[index]
    assert matched["Frieren/Sousou no Frieren - 07 (1080p).avi"]["season"] == 1  # type: ignore[index]
    assert outcome.events()[-1]["fields"] == {"files": 3, "matched": 3}
    assert not (mixed_folder.parent / "library").exists()


@pytest.mark.usefixtures("anivault_env")
def test_match_human_output_lists_matches_and_moves_nothing(cli: Run, mixed_folder: Path) -> None:
    before = sorted(mixed_folder.rglob("*"))

    outcome = cli("--no-color", "match", "--src", str(mixed_folder), "--max-workers", "0")
    files = cli("--no-color", "match", "--src", str(mixed_folder), "--max-workers", "0", "--verbose")

    assert outcome.status == 0
    assert "3 videos: 3 matched\n" in outcome.out
    assert series_rows(outcome.out)["Dan Da Dan (2024) #240411"] == "S01 2 ep"  # a line per series
    assert "Dan Da Dan - 02 [1080p].mkv" not in outcome.out
    assert "Dan Da Dan - 02 [1080p].mkv" in files.out  # and per file with --verbose
    assert sorted(mixed_folder.rglob("*")) == before


@pytest.mark.usefixtures("anivault_env")
def test_match_without_a_key_exits_with_the_key_status(
    cli: Run, mixed_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMDB_API_KEY")

    outcome = cli("--json", "match", "--src", str(mixed_folder))

    assert outcome.status == exit_codes.TMDB_KEY
    assert outcome.events()[-1]["fields"]["code"] == "E-TMDB-KEY"  # type: ignore[index]


@pytest.mark.usefixtures("anivault_env")
def test_status_before_any_run(cli: Run) -> None:
    outcome = cli("--json", "status")

    assert outcome.status == 0
    assert outcome.events()[0]["fields"] == {"found": False}
    assert "no run recorded yet" in cli("status").out


@pytest.mark.usefixtures("anivault_env")
def test_status_after_a_finished_apply(cli: Run, small_library: Path, tmp_path: Path) -> None:
    target = tmp_path / "library"
    assert cli("--json", "run", "--src", str(small_library), "--dst", str(target), "--apply").status == 0

    snapshot = cli("--json", "status").events()[0]["fields"]
    human = cli("--no-color", "status").out

    assert snapshot["state"] == "finished" and snapshot["resumable"] is False  # type: ignore[index]
    assert snapshot["apply"] is True and snapshot["target"] == str(target)  # type: ignore[index]
    assert Path(snapshot["journal"]).is_file()  # type: ignore[index,arg-type]
    assert snapshot["counts"]["moved"] > 0  # type: ignore[index]
    assert "finished" in human and "resumable" in human


@pytest.mark.usefixtures("anivault_env")
def test_status_after_a_deferred_run_is_resumable(
    cli: Run, small_library: Path, tmp_path: Path, tmdb_standin: Standin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANIVAULT_TMDB_MAX_ATTEMPTS", "1")
    tmdb_standin.configure(fail_nth=set(range(1, 5000)), fail_status=429, retry_after=0)
    run = cli("--json", "run", "--src", str(small_library), "--dst", str(tmp_path / "lib"), "--apply")
    assert run.status == exit_codes.PARTIAL

    snapshot = cli("--json", "status").events()[0]["fields"]

    assert snapshot["resumable"] is True  # type: ignore[index]
    assert "E-TMDB-429" in snapshot["error_codes"]  # type: ignore[index,operator]
    assert snapshot["counts"]["deferred"] > 0  # type: ignore[index]


@pytest.mark.skipif(not CTRL_C_SENDABLE, reason=CTRL_C_UNSENDABLE)
def test_status_after_an_interrupted_apply_is_resumable(
    small_library: Path, tmp_path: Path, tmdb_standin: Standin
) -> None:
    """A real process, Ctrl+C (SIGINT) mid-apply: status says interrupted and resumable."""
    cli = SubprocessCli(tmp_path / "home", tmdb_standin.base_url, tmdb_standin.api_key, {})
    args = ["--json", "run", "--src", str(small_library), "--dst", str(tmp_path / "lib"), "--apply"]
    process = cli.start([*args, "--io-pace-limit", "240"])
    assert process.stdout is not None
    for line in process.stdout:
        if '"event": "file"' in line:
            process.send_signal(signal.SIGINT)
            break
    interrupted = finish(process)
    assert interrupted.status == exit_codes.INTERRUPTED, interrupted.stderr[-400:]

    snapshot = cli.run(["--json", "status"]).events[0]["fields"]

    assert snapshot["state"] == "interrupted"
    assert snapshot["resumable"] is True
    assert cli.run(["--json", "run", "--resume"]).status == exit_codes.OK
    assert cli.run(["--json", "status"]).events[0]["fields"]["resumable"] is False


@pytest.mark.usefixtures("anivault_env")
def test_match_takes_lang_and_a_forced_tmdb_id(cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "downloads"
    touch(source, "Dan Da Dan - 02 [1080p].mkv", "Mystery Show - 05.mkv")

    localised = cli("--json", "match", "--src", str(source), "--lang", "ja-JP", "--max-workers", "0")
    refused = cli("--json", "match", "--src", str(source), "--tmdb-id", "209867", "--max-workers", "0")
    # a name of another title is filed under the forced id only when picked so, path by path
    pick = "Dan Da Dan - 02 [1080p].mkv=209867"
    forced = cli(
        "--json", "match", "--src", str(source), "--tmdb-id", "209867", "--pick", pick, "--max-workers", "0"
    )

    titles = {
        e["fields"]["source"]: e["fields"]["title"] for e in localised.events() if e["event"] == "matched"
    }  # type: ignore[index]
    assert titles["Dan Da Dan - 02 [1080p].mkv"] == "ダンダダン"
    assert refused.status == 2 and "Dan Da Dan - 02 [1080p].mkv" in refused.out
    ids = {e["fields"]["source"]: e["fields"]["tmdb_id"] for e in forced.events() if e["event"] == "matched"}  # type: ignore[index]
    assert ids == {"Dan Da Dan - 02 [1080p].mkv": 209867, "Mystery Show - 05.mkv": 209867}


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize(
    ("mode", "match_option"),
    [
        (["--undo", "some.jsonl"], ["--season-offset", "1"]),
        (["--undo", "some.jsonl"], ["--tmdb-id", "5"]),
        (["--from-plan", "plan.json"], ["--tmdb-type", "tv"]),
        (["--resume"], ["--season-offset", "1"]),
        (["--undo", "some.jsonl"], ["--plan", "plan.json"]),
    ],
)
def test_organize_modes_with_their_own_options_refuse_the_others_by_the_flag_given(
    cli: Run, mode: list[str], match_option: list[str]
) -> None:
    outcome = cli("organize", *mode, *match_option)

    assert outcome.status == exit_codes.USAGE
    assert f"error E-USAGE: {mode[0]} takes no other organize options (got {match_option[0]})" in outcome.err


@pytest.mark.usefixtures("anivault_env")
def test_status_after_applying_a_reviewed_plan(cli: Run, small_library: Path, tmp_path: Path) -> None:
    plan, target = tmp_path / "plan.json", tmp_path / "library"
    assert cli("run", "--src", str(small_library), "--dst", str(target), "--plan", str(plan)).status == 0
    assert cli("--json", "status").events()[0]["fields"]["apply"] is False  # type: ignore[index]

    assert cli("--json", "organize", "--from-plan", str(plan), "--apply").status == 0
    snapshot = cli("--json", "status").events()[0]["fields"]

    assert snapshot["apply"] is True and snapshot["state"] == "finished"  # type: ignore[index]
    assert snapshot["target"] == str(target) and snapshot["counts"]["moved"] > 0  # type: ignore[index]
    assert Path(snapshot["journal"]).is_file()  # type: ignore[index,arg-type]
