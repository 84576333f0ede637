"""`anivault organize` end to end: real CLI, real stand-in, real files — and SIGKILL mid-apply.

The fault test kills a real ``python -m anivault organize --apply`` process with SIGKILL at random
points of its journal (so at random steps of random file operations), checks after every kill
that no file content was lost, then runs ``organize --resume`` and compares the final tree with
an uninterrupted run's. CI runs ANIVAULT_KILL_POINTS=10 kills of moves and half as many of
copies (the default); the fault suite raises it (e.g. 50) and picks seeds with ANIVAULT_KILL_SEED.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from tests.e2e.test_run_e2e import events, run_cli

from tools.make_sample_library import generate

KILL_POINTS = int(os.environ.get("ANIVAULT_KILL_POINTS", "10"))
KILL_SEED = int(os.environ.get("ANIVAULT_KILL_SEED", "20261125"))
SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))


def files(*roots: Path) -> dict[str, str]:
    """Relative path (prefixed by the root's name) → content hash, for every file under the roots."""
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file():
                found[f"{root.name}/{path.relative_to(root).as_posix()}"] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    return found


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    source = tmp_path / "downloads"
    generate(source, seed=11, series=4, movies=2)
    return source


@pytest.mark.usefixtures("anivault_env")
def test_dry_run_writes_a_valid_deterministic_plan_and_nothing_else(
    small_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "library"
    before = files(small_library)
    plans = [tmp_path / "plan-1.json", tmp_path / "plan-2.json"]
    for plan in plans:
        status, _, _ = run_cli(
            ["organize", "--src", str(small_library), "--dst", str(target), "--plan", str(plan)], capsys
        )
        assert status == 0
    assert not target.exists(), "a dry run must not create even the library folder"
    assert files(small_library) == before
    assert plans[0].read_bytes() == plans[1].read_bytes()
    document = json.loads(plans[0].read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert sum(e["status"] == "planned" for e in document["entries"]) >= 10


@pytest.mark.usefixtures("anivault_env")
def test_plan_apply_then_undo_restores_the_original_tree(
    small_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "library"
    before = files(small_library)
    plan = tmp_path / "plan.json"
    run_cli(
        [
            "organize",
            "--src",
            str(small_library),
            "--dst",
            str(target),
            "--plan",
            str(plan),
            "--preset",
            "jellyfin",
        ],
        capsys,
    )
    status, out, _ = run_cli(["--json", "organize", "--from-plan", str(plan), "--apply"], capsys)
    assert status == 0
    moved = [e for e in events(out) if e["event"] == "file"]
    assert moved and all(e["fields"]["status"] == "moved" for e in moved)  # type: ignore[index]
    assert all("[tmdbid-" in p.name for p in target.iterdir() if p.name != "Movies")
    journal = Path(
        next(
            e["fields"]["journal"]
            for e in events(out)
            if e["event"] == "started" and e["phase"] == "organize"
        )
    )  # type: ignore[index]

    status, out, _ = run_cli(["--json", "organize", "--undo", str(journal)], capsys)

    assert status == 0
    report = next(e["fields"] for e in events(out) if e["phase"] == "undo")
    assert report["restored"] == len(moved)  # type: ignore[index]
    assert files(small_library) == before
    assert not target.exists(), "every folder the run created is gone again, the library too"


@pytest.mark.usefixtures("anivault_env")
def test_copy_action_leaves_the_downloads_in_place(
    small_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "library"
    before = files(small_library)
    status, _, _ = run_cli(
        ["organize", "--src", str(small_library), "--dst", str(target), "--apply", "--action", "copy"], capsys
    )
    assert status == 0
    assert files(small_library) == before
    assert Counter(files(target).values()) <= Counter(before.values())
    assert files(target)


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--resume"], "no interrupted run"),
        (["organize", "--resume", "--apply"], "--resume takes no other organize options"),
        (["organize", "--src", "x", "--dst", "y", "--template", "{title}/{bogus}"], "unknown field {bogus}"),
        (["organize", "--undo", "j.jsonl", "--action", "copy"], "--undo takes no other organize options"),
        (["organize", "--dst", "y"], "--src and --dst are required"),
    ],
)
def test_usage_mistakes_are_e_usage(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").mkdir()
    status, _, err = run_cli(args, capsys)
    assert status == 2
    assert "error E-USAGE" in err
    assert message in err


# --- SIGKILL at random points during --apply, then --resume ------------------------------------


def _journal_lines(home: Path) -> int:
    journals = sorted((home / "state" / "journals").glob("*.jsonl"))
    return sum(1 for _ in journals[-1].open("rb")) if journals else 0


def _run_phase(home: Path, known_journals: set[Path]) -> str:
    """The checkpoint phase of the run whose journal is not in ``known_journals``."""
    fresh = [p for p in (home / "state" / "journals").glob("*.jsonl") if p not in known_journals]
    checkpoint = home / "state" / "runs" / fresh[0].stem / "checkpoint.json"
    return str(json.loads(checkpoint.read_text(encoding="utf-8"))["phase"])


def _newest_journal_lines(home: Path, known: set[Path]) -> int:
    fresh = [p for p in (home / "state" / "journals").glob("*.jsonl") if p not in known]
    return sum(1 for _ in fresh[0].open("rb")) if fresh else 0


@pytest.mark.slow
@pytest.mark.skipif(
    not hasattr(signal, "SIGKILL"), reason="Windows has no SIGKILL (kill -9 is a POSIX fault)"
)
@pytest.mark.parametrize(("action", "share"), [("move", 1.0), ("copy", 0.5)])
def test_sigkill_at_random_points_then_resume_loses_nothing_and_matches_an_uninterrupted_run(
    action: str,
    share: float,
    small_library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    anivault_env: Path,
) -> None:
    # The uninterrupted reference run (it also fills the cache the killed runs share).
    reference = tmp_path / "reference"
    shutil.copytree(small_library, reference / "downloads")
    status, _, _ = run_cli(
        [
            "organize",
            "--src",
            str(reference / "downloads"),
            "--dst",
            str(reference / "library"),
            "--apply",
            "--action",
            action,
        ],
        capsys,
    )
    assert status == 0
    expected = files(reference / "downloads", reference / "library", reference / "Movies")
    total_lines = _journal_lines(anivault_env)
    assert total_lines > 20
    original = Counter(files(small_library).values())
    rng = random.Random(KILL_SEED)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    kills = 0
    attempts = 0
    points = max(1, round(KILL_POINTS * share))
    while kills < points:
        attempts += 1
        assert attempts <= points * 3, f"only {kills} kills landed inside --apply"
        work = tmp_path / f"kill-{attempts}"
        shutil.copytree(small_library, work / "downloads")
        known = set((anivault_env / "state" / "journals").glob("*.jsonl"))
        kill_after = rng.randint(1, total_lines - 1)
        command = ["organize", "--src", str(work / "downloads"), "--dst", str(work / "library"), "--apply"]
        command += ["--action", action]
        process = subprocess.Popen(
            [sys.executable, "-m", "anivault", *command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while process.poll() is None and _newest_journal_lines(anivault_env, known) < kill_after:
            time.sleep(0.0005)
        time.sleep(rng.random() * 0.003)  # land anywhere inside the next file operation
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        after_kill = Counter(files(work / "downloads", work / "library", work / "Movies").values())
        assert after_kill >= original, f"content lost after a kill at journal line ~{kill_after}"
        if process.returncode != -signal.SIGKILL or _run_phase(anivault_env, known) == "finished":
            # It finished applying first (the kill, if any, hit its exit): not a kill during --apply.
            assert files(work / "downloads", work / "library", work / "Movies") == expected
            continue
        kills += 1

        status, _, err = run_cli(["organize", "--resume"], capsys)

        assert status == 0, err
        final = files(work / "downloads", work / "library", work / "Movies")
        assert final == expected, f"resume after a kill at journal line ~{kill_after} differs"
        assert Counter(final.values()) == Counter(expected.values())  # nothing duplicated


@pytest.mark.usefixtures("anivault_env")
def test_run_resume_after_an_interrupted_lookup_reruns_with_the_saved_options(
    small_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], anivault_env: Path
) -> None:
    from anivault.core.config import RunConfig
    from anivault.core.lookup.stream import LookupRequest
    from anivault.core.plan.model import PlanOptions
    from anivault.core.state import Checkpoint, journal_path_for, save_checkpoint

    state = anivault_env / "state"
    target = tmp_path / "library"
    before = Counter(files(small_library).values())
    config = RunConfig(
        LookupRequest(small_library, None, 0, 0.62), target, PlanOptions(action="copy", on_conflict="index")
    )
    run_id = "20260101T000000.000-killed"  # as a run killed during lookup leaves it
    save_checkpoint(state, Checkpoint(run_id, "lookup", str(journal_path_for(state, run_id)), config=config))

    status, out, _ = run_cli(["--json", "run", "--resume"], capsys)

    assert status == 0
    started = next(e for e in events(out) if e["event"] == "started" and e["phase"] == "run")
    assert started["fields"]["run_id"] == run_id  # type: ignore[index]
    copied = [e["fields"] for e in events(out) if e["event"] == "file"]
    assert copied and {f["action"] for f in copied} == {"copy"}  # type: ignore[index]
    assert Counter(files(small_library).values()) == before  # copies: the downloads stay
    assert (
        json.loads((state / "runs" / run_id / "checkpoint.json").read_text(encoding="utf-8"))["phase"]
        == "finished"
    )


@pytest.mark.usefixtures("anivault_env")
def test_on_conflict_fail_refuses_before_moving_and_leaves_nothing_to_resume(
    small_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "library"
    plan = tmp_path / "plan.json"
    run_cli(["organize", "--src", str(small_library), "--dst", str(target), "--plan", str(plan)], capsys)
    first = next(e for e in json.loads(plan.read_text(encoding="utf-8"))["entries"] if e["role"] == "video")
    taken = target / first["target"]
    taken.parent.mkdir(parents=True)
    taken.write_bytes(b"a different release already in the library")
    before = files(small_library, target)

    status, _, err = run_cli(
        ["organize", "--src", str(small_library), "--dst", str(target), "--apply", "--on-conflict", "fail"],
        capsys,
    )

    assert status != 0
    assert "error E-ORGANIZE-CONFLICT" in err
    assert files(small_library, target) == before
    status, _, err = run_cli(["organize", "--resume"], capsys)
    assert status == 0  # the refused run finished (nothing moved): nothing left to resume
    assert files(small_library, target) == before
