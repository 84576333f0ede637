"""Trust-boundary scenarios (issue 23): what AniVault reads back — plans, journals, settings — is
untrusted, undo never destroys the last copy, paths survive a change of working folder, exit
statuses match docs/errors.md, and ``--rate`` holds on a loaded CPU.

Each builds a real library, runs the real CLI in subprocesses and returns a ``ScenarioResult``
whose ``outside_dst``/``taken_from_outside`` count files written outside ``--dst`` and library
files holding or linking to a file from outside ``--src`` (both must stay 0).
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from anivault.core.apply.lock import lock_path
from anivault.core.fingerprint import fingerprint
from tools.faultlab.cli import CTRL_C_SENDABLE, KILLED_STATUS, Cli, CliResult, interrupt_at_line
from tools.faultlab.mounts import small_filesystem
from tools.faultlab.scenarios import (
    Check,
    Lab,
    ScenarioResult,
    _code_check,
    _no_traceback,
    _rate_check,
    _result,
    _status_check,
)
from tools.faultlab.snapshot import TreeSnapshot, Verdict, compare, snapshot
from tools.make_sample_library import generate

USAGE_STATUS = 2
PARTIAL_STATUS = 3
TMDB_KEY_STATUS = 4
TMDB_STATUS = 5
CONFIG_STATUS = 6
FS_STATUS = 7
INTERRUPTED_STATUS = 130


# --- what the scenarios count --------------------------------------------------------------------


def _outside(lab: Lab) -> Path:
    """A folder beside --src and --dst holding files a hostile input tries to reach."""
    folder = lab.work / "outside"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _plant(lab: Lab, name: str, content: bytes) -> Path:
    path = _outside(lab) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _taken(lab: Lab, outside: TreeSnapshot) -> int:
    """Library files whose bytes are an outside file's, or symlinks in the library leading out of
    --src."""
    secrets = set(outside.files.values())
    source = os.path.realpath(lab.source)
    taken = 0
    for path in lab.library.rglob("*") if lab.library.exists() else []:
        if path.is_symlink():
            real = os.path.realpath(path)
            taken += os.path.commonpath((real, source)) != source
        elif path.is_file() and _hash(path) in secrets:
            taken += 1
    return taken


def _escaped(before: TreeSnapshot, lab: Lab) -> int:
    """Files under the outside folder that were not there (with those bytes) before."""
    after = snapshot(_outside(lab))
    return sum(1 for name, digest in after.files.items() if before.files.get(name) != digest)


def _trust_result(
    name: str, lab: Lab, before: TreeSnapshot, outside: TreeSnapshot, faults: int, checks: list[Check]
) -> ScenarioResult:
    base = _result(name, lab, before, faults, checks)
    return ScenarioResult(
        base.name,
        base.faults_injected,
        base.files_checked,
        base.verdict,
        base.checks,
        outside_dst=_escaped(outside, lab),
        taken_from_outside=_taken(lab, outside),
    )


def _media(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _newest_journal(lab: Lab, home: str = "home") -> Path | None:
    journals = sorted(
        (lab.work / home / "state" / "journals").glob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns
    )
    return journals[-1] if journals else None


# --- reproduction 2: a plan can take any file --------------------------------------------------


def hostile_plan(lab: Lab) -> ScenarioResult:
    """Edited plans try to bring outside files in (copy, hardlink, move, through a symlink), to
    write outside --dst, and to name one entry twice: every one is refused before it moves."""
    before = lab.make_library()
    secret = _plant(lab, "secret.mkv", b"private bytes " * 64)
    user_file = _plant(lab, "user/home video.mkv", b"a user's own file " * 64)
    outside = snapshot(_outside(lab))
    cli = lab.cli()
    plan = lab.work / "plan.json"
    made = cli.run([*lab.run_args(apply=False), "--plan", str(plan)])
    original = json.loads(plan.read_text(encoding="utf-8"))
    planned = [e for e in original["entries"] if e["status"] == "planned"]
    checks = [
        _status_check(made, {0, 3}, "dry run writing the plan"),
        Check("plan has entries", bool(planned)),
    ]
    if not planned:
        return _trust_result("hostile plans", lab, before, outside, 0, checks)

    def stolen(source: Path, action: str, printed: bool, target: str = "Stolen/h.mkv") -> dict[str, Any]:
        entry = {**planned[0], "id": f"stolen-{action}", "source": str(source), "target": target}
        entry.update(action=action, role="video", owner=None, relative_source=source.name)
        entry["fingerprint"] = _print(source) if printed else None
        return entry

    link = lab.source / "innocent link.mkv"
    link.symlink_to(secret)
    variants: dict[str, dict[str, Any]] = {
        "outside source, null fingerprint (copy)": _with(original, [stolen(secret, "copy", False)]),
        "outside source, forged fingerprint (hardlink)": _with(original, [stolen(secret, "hardlink", True)]),
        "a user file elsewhere (move)": _with(original, [stolen(user_file, "move", True)]),
        "target_root moved outside": {**original, "target_root": str(_outside(lab) / "lib")},
        "one entry id twice": _with(original, [{**planned[0], "target": "Twice/again.mkv"}]),
        "source_root widened to the outside": {
            **_with(original, [stolen(secret, "copy", True)]),
            "source_root": "/",
        },
    }
    for label, document in variants.items():
        plan.write_text(json.dumps(document), encoding="utf-8")  # the recorded plan path, edited
        refused = cli.run(["--json", "organize", "--from-plan", str(plan), "--apply"])
        checks += [
            _status_check(refused, {USAGE_STATUS}, label),
            _code_check(refused, "E-PLAN-UNTRUSTED", label),
            _no_traceback(refused, label),
            Check(f"{label}: nothing moved", not _media(lab.library)),
        ]
    only_link = {**original, "entries": [stolen(link, "copy", True, "Linked/l.mkv")]}
    plan.write_text(json.dumps(only_link), encoding="utf-8")
    through_link = cli.run(["--json", "organize", "--from-plan", str(plan), "--apply"])
    checks += [
        _status_check(through_link, {PARTIAL_STATUS}, "a symlink under --src to an outside file"),
        _code_check(through_link, "E-PLAN-UNTRUSTED", "a symlink under --src to an outside file"),
    ]
    link.unlink()
    shared = lab.work / "shared-plan.json"
    shared.write_text(json.dumps(original), encoding="utf-8")
    unknown = cli.run(["--json", "organize", "--from-plan", str(shared), "--apply"])
    wrong_dst = cli.run(
        ["--json", "organize", "--from-plan", str(shared), "--dst", str(_outside(lab) / "lib"), "--apply"]
    )
    checks += [
        _status_check(unknown, {USAGE_STATUS}, "a plan this home did not write, without --src/--dst"),
        _code_check(unknown, "E-PLAN-UNTRUSTED", "a plan this home did not write, without --src/--dst"),
        _status_check(wrong_dst, {USAGE_STATUS}, "a plan applied to another --dst"),
        Check("nothing moved by the refused plans", not _media(lab.library)),
    ]
    roots = ["--src", str(lab.source), "--dst", str(lab.library)]
    given = cli.run(["--json", "organize", "--from-plan", str(shared), *roots, "--apply"])
    checks += [
        _status_check(given, {0, 3}, "the same plan with the right --src and --dst"),
        Check("the honest plan was applied", bool(_media(lab.library))),
    ]
    return _trust_result(
        "hostile plans (edited, shared, symlinked)", lab, before, outside, len(variants) + 3, checks
    )


def _with(document: dict[str, Any], extra: list[dict[str, Any]]) -> dict[str, Any]:
    return {**document, "entries": [*document["entries"], *extra]}


def _print(path: Path) -> dict[str, object]:
    """The fingerprint a forger would write: that of the file ``path`` leads to (links followed,
    which AniVault itself never does)."""
    printed = fingerprint(path.resolve())
    return {
        "size": printed.size,
        "mtime_ns": printed.mtime_ns,
        "inode": printed.inode,
        "partial_hash": printed.partial_hash,
    }


# --- reproduction 3: undo of a copy deletes the only copy --------------------------------------


def undo_keeps_the_last_copy(lab: Lab) -> ScenarioResult:
    """After ``--action copy``, one original is replaced by other bytes and one deleted: undo
    removes the other copies, keeps both of the changed pair, keeps the orphaned copy, exit 3."""
    before = lab.make_library()
    cli = lab.cli()
    applied = cli.run(lab.run_args("--action", "copy"))
    journal = _newest_journal(lab)
    videos = sorted(p for p in lab.source.rglob("*.mkv") if p.is_file())
    changed, deleted = videos[0], videos[1]
    changed.write_bytes(b"a different file under the same name")
    deleted.unlink()
    undone = cli.run(["--json", "organize", "--undo", str(journal)]) if journal else None
    checks = [
        _status_check(applied, {0, 3}, "copy run"),
        Check("copy run wrote a journal", journal is not None),
    ]
    if undone is None:
        return _result("undo keeps the last copy", lab, before, 2, checks)
    left: list[str] = next((e["fields"]["left"] for e in undone.events if e.get("event") == "finished"), [])
    after = snapshot(lab.source, lab.library, lab.movie_library)
    checks += [
        _status_check(undone, {PARTIAL_STATUS}, "undo with a changed and a deleted original"),
        _no_traceback(undone, "undo"),
        Check("the changed pair is reported", any(str(changed) in line for line in left), str(left)),
        Check("the orphaned copy is reported", any(str(deleted) in line for line in left), str(left)),
        Check("no original content lost", not (before.multiset() - after.multiset())),
        Check("exactly the two kept copies remain in the library", len(_media(lab.library)) == 2),
    ]
    lost = before.multiset() - after.multiset()
    verdict = Verdict(lost, Counter(), ())
    return ScenarioResult("undo keeps the last copy", 2, len(before.files), verdict, tuple(checks))


# --- reproduction 4: undo trusts any journal ---------------------------------------------------


def forged_journal(lab: Lab) -> ScenarioResult:
    """A hand-written journal (delete a file, move one, remove an unrelated folder), a real journal
    edited by hand, and a real journal from another home are refused; the real one still undoes."""
    before = lab.make_library()
    victim = _plant(lab, "victim.mkv", b"precious " * 64)
    decoy = _plant(lab, "decoy.mkv", b"precious " * 64)
    wanderer = _plant(lab, "wanderer.mkv", b"stays here " * 64)
    empty = _outside(lab) / "unrelated empty folder"
    empty.mkdir()
    outside = snapshot(_outside(lab))
    cli = lab.cli()
    applied = cli.run(lab.run_args())
    journal = _newest_journal(lab)
    forged = lab.work / "forged.jsonl"
    records = [
        {"phase": "intent", "op": "copy", "id": "a", "src": str(decoy), "dst": str(victim)},
        {"phase": "done", "id": "a"},
        {
            "phase": "intent",
            "op": "move",
            "id": "b",
            "src": str(lab.work / "moved.mkv"),
            "dst": str(wanderer),
        },
        {"phase": "done", "id": "b"},
        {"phase": "mkdir", "path": str(empty)},
    ]
    forged.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    checks = [
        _status_check(applied, {0, 3}, "apply run"),
        Check("apply run wrote a journal", journal is not None),
    ]
    refusals = {"hand-written journal": cli.run(["--json", "organize", "--undo", str(forged)])}
    if journal is not None:
        edited = lab.work / "edited.jsonl"
        lines = journal.read_text(encoding="utf-8").splitlines()
        index = next(i for i, line in enumerate(lines) if '"intent"' in line)
        record = json.loads(lines[index])
        record["dst"] = str(victim)
        lines[index] = json.dumps(record)
        edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
        refusals["journal edited by hand"] = cli.run(["--json", "organize", "--undo", str(edited)])
        other_home = Cli(lab.work / "other-home", lab.standin.base_url, lab.standin.api_key)
        refusals["journal from another home"] = other_home.run(["--json", "organize", "--undo", str(journal)])
    for label, refused in refusals.items():
        checks += [
            _status_check(refused, {USAGE_STATUS}, label),
            _code_check(refused, "E-JOURNAL-UNTRUSTED", label),
            _no_traceback(refused, label),
        ]
    checks += [
        Check("outside files untouched", snapshot(_outside(lab)).files == outside.files),
        Check("the unrelated empty folder kept", empty.is_dir()),
        Check("the library untouched by the refused undos", bool(_media(lab.library))),
    ]
    if journal is not None:
        undone = cli.run(["--json", "organize", "--undo", str(journal)])
        checks += [
            _status_check(undone, {0}, "undo with the real journal"),
            Check("the real undo restored the downloads", snapshot(lab.source).under(0) == before.under(0)),
        ]
    return _trust_result("forged, edited and foreign journals", lab, before, outside, len(refusals), checks)


# --- reproduction 5: paths relative to where the run started -----------------------------------


def other_working_folder(lab: Lab) -> ScenarioResult:
    """``--src downloads --dst library`` from one folder; ``--from-plan``, ``status`` and
    ``--undo`` from another: all find the same files."""
    before = lab.make_library()
    elsewhere = lab.work / "elsewhere"
    elsewhere.mkdir()
    cli = lab.cli()
    relative = ["--json", "run", "--src", "downloads", "--dst", "library"]
    made = cli.run([*relative, "--plan", "plan.json"], cwd=lab.work)
    applied = cli.run(
        ["--json", "organize", "--from-plan", str(lab.work / "plan.json"), "--apply"], cwd=elsewhere
    )
    status = cli.run(["--json", "status"], cwd=elsewhere)
    shown: dict[str, Any] = next((e["fields"] for e in status.events if e.get("event") == "snapshot"), {})
    journal = _newest_journal(lab)
    undone = cli.run(["--json", "organize", "--undo", str(journal)], cwd=elsewhere) if journal else None
    checks = [
        _status_check(made, {0, 3}, "dry run with relative paths"),
        _status_check(applied, {0, 3}, "--from-plan from another folder"),
        Check("--from-plan moved files", any(e.get("event") == "file" for e in applied.events)),
        Check("status shows absolute paths", shown.get("target") == str(lab.library), str(shown)[:300]),
    ]
    if undone is not None:
        finished: dict[str, Any] = next(
            (e["fields"] for e in undone.events if e.get("event") == "finished"), {}
        )
        checks += [
            _status_check(undone, {0}, "--undo from another folder"),
            Check("undo left nothing behind", not finished.get("left"), str(finished)[:300]),
            Check("undo restored the downloads", snapshot(lab.source).under(0) == before.under(0)),
        ]
    relative_run = cli.run([*relative, "--apply"], cwd=lab.work)
    journal = _newest_journal(lab)
    again = cli.run(["--json", "organize", "--undo", str(journal)], cwd=elsewhere) if journal else None
    checks += [
        _status_check(relative_run, {0, 3}, "run --apply with relative paths"),
        Check("its undo from another folder exits 0", again is not None and again.status == 0),
        Check("and restores the downloads", snapshot(lab.source).under(0) == before.under(0)),
    ]
    return _result("paths survive a change of working folder", lab, before, 1, checks)


# --- reproduction 7: undo interrupted by kill -9 or Ctrl+C -------------------------------------


def kill_during_undo(
    lab: Lab, *, kills: int = 4, cross_device: bool = False, seed: int = 9
) -> ScenarioResult:
    """``run --apply`` (a move, across devices when asked: the undo then copies every file back),
    then ``--undo`` killed with SIGKILL at random journal lines, then ``--undo`` again: it settles
    the interrupted step and restores the exact downloads; a Ctrl+C'd undo likewise (every other
    time; on Windows, which cannot send a child Ctrl+C, every interruption is a kill)."""
    generate(lab.work / "pristine", seed=11, series=lab.series, movies=lab.movies)
    rng = random.Random(seed)
    for video in sorted((lab.work / "pristine").rglob("*.mkv")):
        video.write_bytes(rng.randbytes(3 << 20))  # big enough for a kill to land inside a copy
    before = snapshot(lab.work / "pristine")
    cli = lab.cli()
    checks: list[Check] = []
    landed = attempts = 0
    worst: list[str] = []
    while landed < kills and attempts < kills * 3:
        attempts += 1
        work = lab.work / f"undo-{attempts}"
        shutil.copytree(lab.work / "pristine", work / "downloads")
        with _device(work / "library", cross_device):
            applied = cli.run(_apply(work))
            journal = _newest_journal(lab)
            if journal is None or applied.status not in (0, 3):
                checks.append(Check(f"apply {attempts}", False, applied.stderr[-300:]))
                break
            applied_lines = _lines(journal)
            undo_lines = 3 * journal.read_text(encoding="utf-8").count('"phase": "done"')
            process = cli.start(["--json", "organize", "--undo", str(journal)])
            interrupt = CTRL_C_SENDABLE and attempts % 2 == 0
            sent = _stop_at_line(
                process, journal, applied_lines + rng.randint(1, max(1, undo_lines - 1)), rng, interrupt
            )
            if not sent or process.returncode not in (KILLED_STATUS, INTERRUPTED_STATUS):
                continue  # it finished first: not an interruption
            landed += 1
            torn = [
                p for p in _media(work / "downloads") if p.stat().st_size == 0 or "anivault-partial" in p.name
            ]
            mid = compare(
                _ours_removed(before),
                _ours_removed(snapshot(work / "downloads", work / "library", work / "Movies")),
            )
            if mid.files_lost:
                worst.append(f"kill {landed}: lost {dict(mid.lost)}")
            again = cli.run(["--json", "organize", "--undo", str(journal)])
            checks += [
                _status_check(again, {0}, f"undo after interruption {landed}"),
                _no_traceback(again, f"undo after interruption {landed}"),
                Check(
                    f"interruption {landed}: downloads restored exactly",
                    snapshot(work / "downloads").files == before.files,
                    f"left torn before the rerun: {[p.name for p in torn]}",
                ),
                Check(f"interruption {landed}: library emptied", not _media(work / "library")),
            ]
    checks.append(
        Check(f"{kills} interruptions landed during --undo", landed == kills, f"{landed} in {attempts}")
    )
    checks.append(Check("nothing lost right after any interruption", not worst, "; ".join(worst[:2])))
    signals = "SIGKILL/SIGINT" if CTRL_C_SENDABLE else "kill"
    name = f"{signals} during --undo{' (cross-device)' if cross_device else ''}"
    verdict = Verdict(Counter(), Counter(), ())
    return ScenarioResult(name, landed, len(before.files) * max(landed, 1), verdict, tuple(checks))


def _ours_removed(after: TreeSnapshot) -> TreeSnapshot:
    """Without the empty reservation and partial copy an interrupted undo may leave: the next
    undo removes both (that is what the scenario checks)."""
    empty = hashlib.sha256(b"").hexdigest()
    return TreeSnapshot({k: v for k, v in after.files.items() if v != empty and "anivault-partial" not in k})


def _apply(work: Path) -> list[str]:
    return ["--json", "run", "--src", str(work / "downloads"), "--dst", str(work / "library"), "--apply"]


@contextmanager
def _device(library: Path, separate: bool) -> Iterator[None]:
    if not separate:
        yield
        return
    with small_filesystem(library, 256 << 20):
        yield


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _stop_at_line(
    process: subprocess.Popen[str], journal: Path, line: int, rng: random.Random, interrupt: bool
) -> bool:
    """Ctrl+C (``interrupt``) or kill ``process`` once ``journal`` has ``line`` lines; whether it
    was still running to be stopped."""
    while process.poll() is None and _lines(journal) < line:
        time.sleep(0.0005)
    time.sleep(rng.random() * 0.003)  # anywhere inside the next file operation
    running = process.poll() is None
    if running and interrupt:
        process.send_signal(signal.SIGINT)
    elif running:
        process.kill()
    process.communicate(timeout=120)
    return running


# --- reproduction 8: run --resume after undoing an interrupted run ----------------------------


def undo_then_resume(lab: Lab, *, pace: int = 240) -> ScenarioResult:
    """Ctrl+C during apply, then ``--undo``, then ``run --resume``: nothing goes back in."""
    before = lab.make_library()
    cli = lab.cli()
    process = cli.start(lab.run_args("--io-pace-limit", str(pace)))
    landed, interrupted = interrupt_at_line(process, '"event": "file"', count=3)
    journal = _newest_journal(lab)
    undone = cli.run(["--json", "organize", "--undo", str(journal)]) if journal else None
    status = cli.run(["--json", "status"])
    shown: dict[str, Any] = next((e["fields"] for e in status.events if e.get("event") == "snapshot"), {})
    resumed = cli.run(["--json", "run", "--resume"])
    checks = [
        Check("signal landed mid-apply", landed),
        _status_check(interrupted, {INTERRUPTED_STATUS}, "interrupted apply"),
        Check("undo ran", undone is not None and undone.status == 0, undone.stderr[-300:] if undone else ""),
        Check("status no longer offers --resume", shown.get("resumable") is False, str(shown)[:300]),
        _status_check(resumed, {0}, "run --resume after the undo"),
        Check(
            "resume moved nothing",
            not any(e.get("event") == "file" for e in resumed.events),
            str([e for e in resumed.events if e.get("event") == "file"][:2]),
        ),
        Check("library holds no files", not _media(lab.library)),
        Check("downloads exactly as before", snapshot(lab.source).under(0) == before.under(0)),
    ]
    return _result("undo of an interrupted run, then --resume", lab, before, 1, checks)


# --- reproduction 10: tracebacks instead of codes ----------------------------------------------


def broken_settings_and_state(lab: Lab) -> ScenarioResult:
    """A config.toml with an invalid UTF-8 byte, ``tmdb_rate = 0`` or ``nan``; a cache entry and a
    lock file that are folders: a message with a code and the documented status, no traceback."""
    before = lab.make_library()
    home = lab.work / "home"
    config = home / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    checks: list[Check] = []
    for label, raw in (
        ("config.toml with an invalid UTF-8 byte", b'language = "\xff"\n'),
        ("tmdb_rate = 0", b"tmdb_rate = 0\n"),
        ("tmdb_rate = nan", b"tmdb_rate = nan\n"),
    ):
        config.write_bytes(raw)
        result = lab.cli().run(lab.run_args())
        checks += [
            _status_check(result, {CONFIG_STATUS}, label),
            _code_check(result, "E-CONFIG", label),
            _no_traceback(result, label),
        ]
    config.unlink()
    first = lab.cli().run(lab.run_args(apply=False))
    entry = sorted((home / "cache" / "objects").glob("*.json"))[0]
    entry.unlink()
    entry.mkdir()
    second = lab.cli().run(lab.run_args(apply=False))
    checks += [
        _status_check(second, {first.status}, "a cache entry that is a folder"),
        _no_traceback(second, "a cache entry that is a folder"),
        Check("the folder was quarantined", any((home / "cache" / "quarantine").glob(f"{entry.name}.*"))),
    ]
    lock_path(home / "state", lab.library).mkdir(parents=True)
    locked = lab.cli().run(lab.run_args())
    checks += [
        _status_check(locked, {FS_STATUS}, "a library lock file that is a folder"),
        _code_check(locked, "E-FS", "a library lock file that is a folder"),
        _no_traceback(locked, "a library lock file that is a folder"),
        Check("nothing moved", not _media(lab.library)),
    ]
    return _result("broken settings, cache entry and lock", lab, before, 5, checks)


# --- reproduction 11: exit statuses against docs/errors.md -------------------------------------


def exit_statuses(lab: Lab) -> ScenarioResult:
    """TMDB unreachable in a dry run: 5 and no ``--resume`` advice; a Click usage error and a
    rejected key in ``match --json``: each ends with a ``run.error`` event."""
    before = lab.make_library()
    lab.standin.configure(down=True)
    offline = lab.cli(ANIVAULT_TMDB_CONNECT_TIMEOUT="1", ANIVAULT_TMDB_MAX_ATTEMPTS="1")
    try:
        dry = offline.run(lab.run_args(apply=False))
    finally:
        lab.standin.configure(down=False)
    usage = lab.cli().run([*lab.run_args(apply=False), "--preset", "emby"])
    bad_key = Cli(lab.work / "home", lab.standin.base_url, "0" * 32).run(
        ["--json", "match", "--src", str(lab.source)]
    )
    checks = [
        _status_check(dry, {TMDB_STATUS}, "dry run with TMDB unreachable"),
        _code_check(dry, "E-TMDB-NET", "dry run with TMDB unreachable"),
        Check("no --resume advice after a dry run", "--resume" not in dry.stdout + dry.stderr),
        _status_check(usage, {USAGE_STATUS}, "--preset emby"),
        Check("--preset emby ends with run.error", _ends_with_error(usage, "E-USAGE"), usage.stdout[-300:]),
        _status_check(bad_key, {TMDB_KEY_STATUS}, "match --json with a rejected key"),
        Check(
            "the rejected key ends with run.error",
            _ends_with_error(bad_key, "E-TMDB-KEY"),
            bad_key.stdout[-300:],
        ),
    ]
    return _result("exit statuses and run.error events", lab, before, 3, checks)


def _ends_with_error(result: CliResult, code: str) -> bool:
    events = result.events
    return bool(events) and events[-1].get("event") == "error" and events[-1]["fields"].get("code") == code


# --- reproduction 12: the rate on a loaded CPU -------------------------------------------------


def rate_on_a_loaded_cpu(lab: Lab, *, rate: float = 3.0, burners: int = 2) -> ScenarioResult:
    """``--rate 3`` while busy processes load every core: never four requests in one second."""
    generate(lab.source, seed=11, series=4, movies=2)  # small: at 3 requests a second
    before = snapshot(lab.source, lab.library, lab.movie_library)
    lab.standin.reset_log()
    with _busy_cpu(burners):
        result = lab.cli().run(lab.run_args("--rate", str(rate), apply=False), timeout=600)
    log = lab.standin.request_log
    checks = [
        _status_check(result, {0, 3}, "run at --rate 3 on a loaded CPU"),
        Check("requests were sent", len(log) > rate * 3, f"{len(log)} requests"),
        _rate_check(log, rate),
    ]
    return _result(f"--rate {rate:g} on a loaded CPU", lab, before, len(log), checks)


@contextmanager
def _busy_cpu(count: int) -> Iterator[None]:
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
