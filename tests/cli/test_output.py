"""What a person reads after run/match: a line per series with TMDB ids, every problem file grouped
by folder and reason, the summary and the next step; per-file lines only with --verbose; --pick and
--tmdb-id checked against the names. Real files, the real stand-in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.cli.conftest import Outcome, listed_names, series_rows, without_checksum

from tools.make_sample_library import generate

AMBIGUOUS = "[Moxie] Captain Tsubasa [BD 1080p x265]"
"""Two TMDB titles tie for this release: Captain Tsubasa (2018) #77240 and Flash Kicker (1983) #25707."""


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"v" * 2048)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    source = tmp_path / "downloads"
    for episode in (1, 2):
        touch(source / "Frieren" / f"Sousou no Frieren - {episode:02d} (1080p).mkv")
    for episode in (1, 2, 3):
        touch(source / AMBIGUOUS / f"[Moxie] Captain Tsubasa - {episode:02d} [BD 1080p x265 FLAC].mkv")
    return source


def run(cli, source: Path, target: Path, *options: str) -> Outcome:  # type: ignore[no-untyped-def]
    return cli(
        "--no-color", "run", "--src", str(source), "--dst", str(target), "--max-workers", "0", *options
    )


@pytest.mark.usefixtures("anivault_env")
def test_default_output_is_series_then_every_problem_then_the_next_step(
    cli, downloads: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    outcome = run(cli, downloads, tmp_path / "lib")

    assert outcome.status == 0, outcome.err
    assert series_rows(outcome.out) == {"Frieren: Beyond Journey's End (2023) #209867": "S01 2 ep"}
    assert f"under review (3) in {AMBIGUOUS}/\n  → Captain Tsubasa (2018) #77240 — ambiguous" in outcome.out
    assert "also Flash Kicker (1983) #25707" in outcome.out  # the other candidate, with its id
    assert listed_names(outcome.out) == {p.name for p in (downloads / AMBIGUOUS).iterdir()}
    assert "Sousou no Frieren - 01" not in outcome.out  # no per-file lines by default
    assert "dry run: nothing moved — add --apply" in outcome.out
    assert "3 under review: settle with --interactive or --pick PATH=ID or --accept-review" in outcome.out
    assert not (tmp_path / "lib").exists()
    stages = [line.split()[0] for line in outcome.err.splitlines()]  # no terminal: a line per stage
    assert stages[:3] == ["scan", "parse", "match"] and "━" not in outcome.err


@pytest.mark.usefixtures("anivault_env")
def test_verbose_lists_every_file_and_quiet_only_the_summary(cli, downloads: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    verbose = run(cli, downloads, tmp_path / "lib", "--verbose")
    quiet = run(cli, downloads, tmp_path / "lib", "--quiet")

    for video in downloads.rglob("*.mkv"):
        assert video.relative_to(downloads).as_posix() in verbose.out
    assert "Series" not in quiet.out and "under review (" not in quiet.out
    assert "plan: 2 files to move" in quiet.out
    assert quiet.err == ""  # no progress either
    assert run(cli, downloads, tmp_path / "lib", "--quiet", "--verbose").status == 2


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize(
    ("action", "summary"),
    [
        ("copy", "plan: 2 files to copy · dry run: nothing copied — add --apply to do it"),
        ("symlink", "plan: 2 files to symlink · dry run: nothing linked — add --apply to do it"),
    ],
)
def test_a_dry_run_says_what_its_action_would_do(  # type: ignore[no-untyped-def]
    cli, downloads: Path, tmp_path: Path, action: str, summary: str
) -> None:
    outcome = run(cli, downloads, tmp_path / "lib", "--quiet", "--action", action)

    assert outcome.status == 0, outcome.err
    assert summary in outcome.out
    assert "move" not in outcome.out


@pytest.mark.usefixtures("anivault_env")
def test_plan_file_is_named_with_the_command_that_applies_it(cli, downloads: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.json"

    outcome = run(cli, downloads, tmp_path / "lib", "--plan", str(plan))

    assert plan.exists()
    assert f"plan written to {plan}" in outcome.out
    assert f"anivault organize --from-plan {plan} --apply" in outcome.out


@pytest.mark.usefixtures("anivault_env")
def test_pick_settles_a_folder_and_refuses_a_path_outside_src(cli, downloads: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    picked = run(cli, downloads, tmp_path / "lib", "--pick", f"{AMBIGUOUS}=77240")
    outside = run(cli, downloads, tmp_path / "lib", "--pick", f"{tmp_path}=77240")

    assert picked.status == 0, picked.err
    assert series_rows(picked.out)["Captain Tsubasa (2018) #77240"] == "S01 3 ep"
    assert "under review" not in picked.out and "5 videos: 5 matched ·" in picked.out
    assert outside.status == 2 and "is not below --src" in outside.err


@pytest.mark.usefixtures("anivault_env")
def test_tmdb_id_over_names_of_another_title_is_refused_with_those_names(
    cli, downloads: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    touch(downloads / "Frieren" / "Chainsaw Man - 01 (1080p).mkv")

    outcome = cli(
        "run", "--src", str(downloads / "Frieren"), "--dst", str(tmp_path / "lib"), "--tmdb-id", "209867"
    )

    assert outcome.status == 2
    assert "Chainsaw Man (2022) #114410: Chainsaw Man - 01 (1080p).mkv" in outcome.err
    assert "Sousou no Frieren" not in outcome.err  # the names that agree are not listed
    assert not (tmp_path / "lib").exists()


@pytest.mark.usefixtures("anivault_env")
def test_applied_rows_say_moved_or_failed_with_the_code(cli, downloads: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = tmp_path / "lib"
    blocked = run(cli, downloads, library, "--json").events()
    frieren_folder = next(
        str(e["fields"]["target"]).split("/")[0]  # type: ignore[index]
        for e in blocked
        if e["event"] == "entry" and "Frieren" in str(e["fields"]["source"])  # type: ignore[index]
    )
    library.mkdir()
    (library / frieren_folder).write_text("a file where the series folder should go")

    outcome = run(cli, downloads, library, "--apply", "--verbose")

    assert outcome.status != 0
    assert re.search(r"failed \(2\) in Frieren/\n  E-\S+ — ", outcome.out), outcome.out
    assert re.search(r"failed E-\S+ #209867 → ", outcome.out)
    assert "planned" not in outcome.out
    assert "plan: 0 done, 2 failed" in outcome.out


@pytest.mark.usefixtures("anivault_env")
def test_demo_library_reads_in_a_screenful_and_names_every_problem_file(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "downloads"
    generate(source, seed=7)  # tools/demo.sh's library: 36 series, 8 movies, ~500 files
    events = run(cli, source, tmp_path / "lib", "--json").events()
    unresolved = {  # files without a place, and videos planned from a best guess under review
        without_checksum(Path(str(e["fields"]["source"])).name)  # type: ignore[index]
        for e in events
        if (e["phase"] == "match" and e["event"] in ("unmatched", "review", "deferred", "parse_failed"))
        or (e["event"] == "entry" and e["fields"]["status"] == "review" and e["fields"]["role"] == "video")  # type: ignore[index]
    }
    wide = run(cli, source, tmp_path / "lib")
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run(cli, source, tmp_path / "lib")

    assert unresolved and listed_names(wide.out) == unresolved
    # was 1,705 lines (a row per file); pytest's long temp folder folds the root headers' paths
    lines = [line for line in narrow.out.splitlines() if not line.startswith(str(tmp_path)[:8])]
    assert len(lines) <= 60, narrow.out
    assert max(len(line) for line in narrow.out.splitlines()) <= 80


@pytest.mark.usefixtures("anivault_env")
def test_a_different_file_at_a_target_is_a_problem_with_both_sizes(
    cli, downloads: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    library = tmp_path / "lib"
    target = next(
        str(e["fields"]["target"])  # type: ignore[index]
        for e in run(cli, downloads, library, "--json").events()
        if e["event"] == "entry" and str(e["fields"]["source"]).endswith("Sousou no Frieren - 01 (1080p).mkv")  # type: ignore[index]
    )
    (library / target).parent.mkdir(parents=True)
    (library / target).write_text("another episode")

    outcome = run(cli, downloads, library)

    assert "conflict at the target (1) in Frieren/\n  E-ORGANIZE-CONFLICT — " in outcome.out
    assert "(15 B there, " in outcome.out, outcome.out  # the note of the video, with both sizes
    assert "    Sousou no Frieren - 01 (1080p).mkv" in outcome.out
