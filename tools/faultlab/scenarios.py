"""The fault scenarios: each builds a library, runs the real CLI, injects one kind of fault and
returns what it checked. Tests assert on the checks; the bench prints them as a table."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from anivault.core.apply.fsops import partial_name
from anivault.core.apply.journal import journal_key
from anivault.core.apply.recovery import read_journal
from tools.faultlab.cli import KILLED_STATUS, Cli, CliResult, finish, interrupt_at_line
from tools.faultlab.mounts import small_filesystem
from tools.faultlab.snapshot import TreeSnapshot, Verdict, compare, snapshot
from tools.make_sample_library import generate
from tools.tmdb_standin.server import Standin

INTERRUPTED_STATUS = 130
CONFIG_STATUS = 6
BUSY_STATUS = 8


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    faults_injected: int
    files_checked: int
    verdict: Verdict
    checks: tuple[Check, ...]
    outside_dst: int = 0
    """Files the scenario found written outside --dst (and --src): must be 0."""
    taken_from_outside: int = 0
    """Library files holding (or linking to) a file from outside --src: must be 0."""

    @property
    def ok(self) -> bool:
        escaped = self.outside_dst or self.taken_from_outside
        return self.verdict.clean and not escaped and all(check.passed for check in self.checks)

    def failures(self) -> list[str]:
        lines = [f"{c.name}: {c.detail}" for c in self.checks if not c.passed]
        if self.outside_dst or self.taken_from_outside:
            lines.append(
                f"outside --dst: {self.outside_dst}, taken from outside --src: {self.taken_from_outside}"
            )
        if not self.verdict.clean:
            lines.append(
                f"verdict: lost={dict(self.verdict.lost)} duplicated={dict(self.verdict.duplicated)} "
                f"half_written={self.verdict.half_written}"
            )
        return lines


@dataclass(slots=True)
class Lab:
    """One scenario's world: a work folder, the stand-in, and a CLI bound to both."""

    work: Path
    standin: Standin
    series: int = 6
    movies: int = 2

    def __post_init__(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)

    @property
    def source(self) -> Path:
        return self.work / "downloads"

    @property
    def library(self) -> Path:
        return self.work / "library"

    @property
    def movie_library(self) -> Path:
        """Where movies go by default: beside the series library, never inside it."""
        return self.work / "Movies"

    def cli(self, **extra_env: str) -> Cli:
        return Cli(self.work / "home", self.standin.base_url, self.standin.api_key, extra_env)

    def make_library(self, seed: int = 11) -> TreeSnapshot:
        generate(self.source, seed=seed, series=self.series, movies=self.movies)
        return snapshot(self.source, self.library, self.movie_library)

    def run_args(self, *extra: str, apply: bool = True) -> list[str]:
        mode = "--apply" if apply else "--dry-run"
        return ["--json", "run", "--src", str(self.source), "--dst", str(self.library), mode, *extra]


def _status_check(result: CliResult, allowed: set[int], what: str) -> Check:
    return Check(f"{what} exit status", result.status in allowed, f"got {result.status}, want {allowed}")


def _no_traceback(result: CliResult, what: str) -> Check:
    return Check(f"{what} without a traceback", not result.crashed, result.stderr[-400:])


def _code_check(result: CliResult, code: str, what: str) -> Check:
    return Check(f"{what} reports {code}", code in result.error_codes, f"codes: {sorted(result.error_codes)}")


def _result(name: str, lab: Lab, before: TreeSnapshot, faults: int, checks: list[Check]) -> ScenarioResult:
    after = snapshot(lab.source, lab.library, lab.movie_library)
    return ScenarioResult(name, faults, len(before.files), compare(before, after), tuple(checks))


def sigint_during_lookup(lab: Lab, *, latency_ms: int = 400) -> ScenarioResult:
    """Ctrl+C while TMDB lookups are in flight (every answer slowed, the signal sent once the first
    file is matched): E-INTERRUPTED, nothing moved; --resume completes."""
    before = lab.make_library()
    lab.standin.configure(latency_ms=latency_ms)
    process = lab.cli().start(lab.run_args("--max-workers", "2"))
    sent, interrupted = interrupt_at_line(process, '"event": "result"')
    lab.standin.configure(latency_ms=0)
    checks = [
        Check("signal sent once lookups had begun", sent),
        _status_check(interrupted, {INTERRUPTED_STATUS}, "interrupted run"),
        _code_check(interrupted, "E-INTERRUPTED", "interrupted run"),
        _no_traceback(interrupted, "interrupted run"),
        Check("nothing moved before the interrupt", not any(lab.library.rglob("*.mkv"))),
    ]
    resumed = lab.cli().run(["--json", "run", "--resume"])
    checks += [_status_check(resumed, {0, 3}, "resume"), _no_traceback(resumed, "resume")]
    checks.append(Check("resume organised the library", any(lab.library.rglob("*.mkv"))))
    return _result("SIGINT during lookup, then --resume", lab, before, 1, checks)


def sigint_during_apply(lab: Lab, *, pace: int = 240) -> ScenarioResult:
    """Ctrl+C while files move (paced so the signal lands mid-apply): the current move completes,
    E-INTERRUPTED, a checkpoint is saved, and --resume finishes exactly the rest."""
    before = lab.make_library()
    expected = _undisturbed(lab)
    cli = lab.cli()
    process = cli.start(lab.run_args("--io-pace-limit", str(pace)))
    landed, interrupted = interrupt_at_line(process, '"event": "file"', count=3)  # a few have moved
    checkpoints = list((lab.work / "home" / "state" / "runs").glob("*/checkpoint.json"))
    partial = snapshot(lab.source, lab.library, lab.movie_library)
    resumed = cli.run(["--json", "run", "--resume"])
    checks = [
        Check("signal landed mid-apply", landed),
        _status_check(interrupted, {INTERRUPTED_STATUS}, "interrupted apply"),
        _code_check(interrupted, "E-INTERRUPTED", "interrupted apply"),
        _no_traceback(interrupted, "interrupted apply"),
        Check("checkpoint written", bool(checkpoints)),
        Check("nothing lost or torn at the interrupt", compare(before, partial).clean),
        _status_check(resumed, {0, 3}, "resume"),
        Check(
            "resumed library equals an undisturbed run's",
            snapshot(lab.source, lab.library, lab.movie_library).files == expected,
        ),
        Check(
            "resume did only the rest",
            not any(
                e.get("event") == "file" and e["fields"].get("status") == "failed" for e in resumed.events
            ),
        ),
    ]
    return _result("SIGINT during apply, then --resume", lab, before, 1, checks)


def disk_full_on_target(
    lab: Lab, *, capacity: int = 1 << 20, big: int = 8, size: int = 300_000
) -> ScenarioResult:
    """A real 1 MiB tmpfs as the library; videos padded so they cannot all fit."""
    lab.make_library()
    rng = random.Random(5)
    videos = sorted(p for p in lab.source.rglob("*.mkv") if "Sample" not in p.name)[:big]
    for video in videos:
        video.write_bytes(rng.randbytes(size))
    before = snapshot(lab.source, lab.library, lab.movie_library)
    with small_filesystem(lab.library, capacity):
        result = lab.cli().run(lab.run_args())
        after = snapshot(lab.source, lab.library, lab.movie_library)
    checks = [
        _status_check(result, {3, 7}, "disk-full run"),
        _code_check(result, "E-FS-NOSPACE", "disk-full run"),
        _no_traceback(result, "disk-full run"),
    ]
    return ScenarioResult("disk full on target", 1, len(before.files), compare(before, after), tuple(checks))


def read_only_target(lab: Lab) -> ScenarioResult:
    """The library folders (series and movie roots) exist but may not be written (permission bits
    that bind, not root's)."""
    before = lab.make_library()
    roots = (lab.library, lab.movie_library)
    for root in roots:
        root.mkdir()
        root.chmod(0o555)
    try:
        result = lab.cli().run(lab.run_args(), unprivileged=True)
    finally:
        for root in roots:
            root.chmod(0o755)
    checks = [
        _status_check(result, {7}, "read-only target run"),
        _code_check(result, "E-FS-PERM", "read-only target run"),
        _no_traceback(result, "read-only target run"),
        Check("run reached its summary", any(e.get("event") == "summary" for e in result.events)),
    ]
    return _result("read-only target", lab, before, 1, checks)


def unreadable_source_folder(lab: Lab) -> ScenarioResult:
    """One release folder cannot be listed: skipped and reported, everything else still organised."""
    before = lab.make_library()
    folders = sorted(p for p in lab.source.iterdir() if p.is_dir())
    locked = folders[0]
    locked.chmod(0)
    try:
        result = lab.cli().run(lab.run_args(), unprivileged=True)
    finally:
        locked.chmod(0o755)
    skipped = [e for e in result.events if e.get("event") == "skipped"]
    checks = [
        _status_check(result, {0, 3}, "run with an unreadable folder"),
        _no_traceback(result, "run with an unreadable folder"),
        Check(
            "unreadable folder reported as skipped",
            any(locked.name in str(e["fields"].get("path", "")) for e in skipped),
            f"skipped events: {skipped[:3]}",
        ),
        Check("other folders organised", any(lab.library.rglob("*.mkv"))),
        Check("locked folder left untouched", any(locked.iterdir())),
    ]
    return _result("unreadable source folder", lab, before, 1, checks)


def corrupt_cache(lab: Lab) -> ScenarioResult:
    """Every third cache file torn or garbage: quarantined and re-fetched, the same plan results."""
    before = lab.make_library()
    first = lab.cli().run(lab.run_args(apply=False))
    cache_files = sorted((lab.work / "home" / "cache").rglob("*.json"))
    damaged = cache_files[::3]
    for index, path in enumerate(damaged):
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) // 2] if index % 2 else b"\x00\xff not json")
    second = lab.cli().run(lab.run_args(apply=False))
    checks = [
        _status_check(second, {first.status}, "run on a corrupt cache"),
        _no_traceback(second, "run on a corrupt cache"),
        Check("cache files damaged", bool(damaged), f"{len(damaged)} of {len(cache_files)}"),
        Check("same plan as before the damage", _planned(first) == _planned(second)),
        Check(
            "damaged files quarantined",
            len(list((lab.work / "home" / "cache" / "quarantine").glob("*"))) >= len(damaged),
        ),
    ]
    return _result("corrupt cache", lab, before, len(damaged), checks)


def damaged_plan_and_journal(lab: Lab) -> ScenarioResult:
    """A truncated plan file is refused before anything moves; a journal whose last line was torn
    still undoes the run exactly."""
    before = lab.make_library()
    cli = lab.cli()
    plan = lab.work / "plan.json"
    cli.run([*lab.run_args(apply=False), "--plan", str(plan)])
    raw = plan.read_bytes()
    plan.write_bytes(raw[: len(raw) // 2])
    refused = cli.run(["--json", "organize", "--from-plan", str(plan), "--apply"])
    checks = [
        Check("plan file written", len(raw) > 100),
        _status_check(refused, {2}, "applying a truncated plan"),
        _code_check(refused, "E-USAGE", "applying a truncated plan"),
        _no_traceback(refused, "applying a truncated plan"),
        Check("nothing moved from a truncated plan", not lab.library.exists()),
    ]
    applied = cli.run(lab.run_args())
    journal = _newest(lab.work / "home" / "state" / "journals")
    if journal is None:
        checks.append(Check("the apply run wrote a journal", False, applied.stderr[-300:]))
        return _result("truncated plan, torn journal", lab, before, 2, checks)
    with journal.open("ab") as handle:
        handle.write(b'{"step": "intent", "entry": "torn-by-a-cr')
    undone = cli.run(["--json", "organize", "--undo", str(journal)])
    checks += [
        _status_check(undone, {0}, "undo with a torn last journal line"),
        _no_traceback(undone, "undo with a torn last journal line"),
        Check("undo restored the downloads exactly", snapshot(lab.source).under(0) == before.under(0)),
    ]
    return _result("truncated plan, torn journal", lab, before, 2, checks)


def invalid_config(lab: Lab) -> ScenarioResult:
    """Broken TOML and an ill-typed value: E-CONFIG naming the file (and line), exit 6, nothing moved."""
    before = lab.make_library()
    config = lab.work / "home" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    checks: list[Check] = []
    for label, text in (
        ("broken TOML", "tmdb_rate = 20\nmax_workers = \n"),
        ("ill-typed", 'tmdb_rate = "fast"\n'),
    ):
        config.write_text(text, encoding="utf-8")
        result = lab.cli().run(lab.run_args())
        checks += [
            _status_check(result, {CONFIG_STATUS}, label),
            _code_check(result, "E-CONFIG", label),
            _no_traceback(result, label),
            Check(f"{label} message names the file", str(config) in result.stderr, result.stderr[-300:]),
        ]
    return _result("invalid config", lab, before, 2, checks)


def tmdb_429_storm(lab: Lab, *, rate: float = 8.0, retry_after: int | str = 1) -> ScenarioResult:
    """Forced 429s with Retry-After: the client never outruns --rate nor a received Retry-After."""
    before = lab.make_library()
    storm = frozenset(range(5, 200, 7))
    lab.standin.configure(fail_nth=storm, fail_status=429, retry_after=retry_after)
    result = lab.cli().run(lab.run_args("--rate", str(rate)), timeout=300)
    log = lab.standin.request_log
    lab.standin.configure(fail_nth=frozenset())
    checks = [
        _status_check(result, {0, 3}, "429 storm run"),
        _no_traceback(result, "429 storm run"),
        Check("429s were served", any(e["status"] == 429 for e in log)),
        _rate_check(log, rate),
        _retry_after_check(log, retry_after),
    ]
    return _result(
        f"429 storm (Retry-After {retry_after})", lab, before, sum(e["status"] == 429 for e in log), checks
    )


def tmdb_5xx_burst(lab: Lab) -> ScenarioResult:
    """Bursts of 500/502/503/504 answers: retried with backoff, the run completes as if calm."""
    before = lab.make_library()
    calm = lab.cli().run(lab.run_args(apply=False))
    shutil.rmtree(lab.work / "home" / "cache")
    lab.standin.reset_log()
    lab.standin.configure(fail_nth=frozenset(range(3, 400, 6)), fail_status=503)
    stormy = lab.cli().run(lab.run_args(apply=False), timeout=300)
    log = lab.standin.request_log
    lab.standin.configure(fail_nth=frozenset())
    checks = [
        Check("5xx answers were served", any(e["status"] >= 500 for e in log)),
        _status_check(stormy, {calm.status}, "run through 5xx bursts"),
        _no_traceback(stormy, "run through 5xx bursts"),
        Check("same plan as a calm run", _planned(calm) == _planned(stormy) != set()),
    ]
    return _result("5xx bursts", lab, before, sum(e["status"] >= 500 for e in log), checks)


def tmdb_stalls(lab: Lab, *, stall: float = 2.0, read_timeout: float = 0.5) -> ScenarioResult:
    """Answers that stall past the read timeout: the run gives up on them in bounded time."""
    before = lab.make_library()
    lab.standin.configure(stall_seconds=stall)
    cli = lab.cli(ANIVAULT_TMDB_READ_TIMEOUT=str(read_timeout), ANIVAULT_TMDB_MAX_ATTEMPTS="2")
    started = time.monotonic()
    result = cli.run(lab.run_args(), timeout=300)
    seconds = time.monotonic() - started
    lab.standin.configure(stall_seconds=0.0)
    checks = [
        _status_check(result, {3, 5}, "run against a stalling TMDB"),
        _no_traceback(result, "run against a stalling TMDB"),
        Check("run reached its summary", any(e.get("event") == "summary" for e in result.events)),
        Check("gave up on TMDB in bounded time", seconds < 30, f"{seconds:.1f} s"),
    ]
    return _result("TMDB stalls past read timeout", lab, before, 1, checks)


def tmdb_server_dies(lab: Lab, *, after_requests: int = 15) -> ScenarioResult:
    """The stand-in goes down mid-run: the run finishes in CacheOnly with the rest deferred; once
    TMDB is back, ``run --resume`` completes the library exactly as an undisturbed run would."""
    before = lab.make_library()
    expected = _undisturbed(lab)
    lab.standin.reset_log()
    stop = threading.Event()

    def kill_when_busy() -> None:
        while not stop.is_set():
            if lab.standin.request_count >= after_requests:
                lab.standin.configure(down=True)
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=kill_when_busy, daemon=True)
    watcher.start()
    cli = lab.cli(ANIVAULT_TMDB_CONNECT_TIMEOUT="1", ANIVAULT_TMDB_READ_TIMEOUT="2")
    result = cli.run(lab.run_args(), timeout=300)
    stop.set()
    lab.standin.configure(down=False)
    states = [e["fields"]["to"] for e in result.events if e.get("event") == "state"]
    deferred = [e for e in result.events if e.get("event") == "deferred"]
    resumed = cli.run(["--json", "run", "--resume"], timeout=300)
    checks = [
        _status_check(result, {3}, "run with TMDB dead"),
        _code_check(result, "E-TMDB-NET", "run with TMDB dead"),
        _no_traceback(result, "run with TMDB dead"),
        Check("the link went CacheOnly", "cache_only" in states, f"states: {states}"),
        Check("the rest was deferred", bool(deferred), f"{deferred[:1]}"),
        _status_check(resumed, {0}, "--resume with TMDB back"),
        Check(
            "resumed library equals an undisturbed run's",
            snapshot(lab.source, lab.library, lab.movie_library).files == expected,
        ),
    ]
    return _result("TMDB dies mid-run, then --resume", lab, before, 1, checks)


def hostile_names(lab: Lab, names: list[bytes]) -> ScenarioResult:
    """Real files with hostile names (bytes, so undecodable ones too) through ``run --apply``."""
    lab.source.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(names):
        folder = os.path.join(os.fsencode(lab.source), b"release %d" % index)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(b"hostile %d " % index + name)
    before = snapshot(lab.source, lab.library, lab.movie_library)
    result = lab.cli().run(lab.run_args(), timeout=300)
    checks = [_status_check(result, {0, 3}, "hostile-name run"), _no_traceback(result, "hostile-name run")]
    journal = _newest(lab.work / "home" / "state" / "journals")
    if journal is not None:  # something moved: --undo must put back exactly the original tree
        undone = lab.cli().run(["--json", "organize", "--undo", str(journal)])
        checks += [
            _status_check(undone, {0}, "undo of the hostile-name run"),
            _no_traceback(undone, "undo of the hostile-name run"),
            Check("undo restored the downloads exactly", snapshot(lab.source).under(0) == before.under(0)),
        ]
    return _result("hostile names", lab, before, len(names), checks)


def two_processes(lab: Lab, *, stagger: float = 0.4) -> ScenarioResult:
    """Two dry runs share one cache, then two applying runs share one library: no corruption, and
    the later applying run stops with E-BUSY instead of racing the first for the same targets."""
    before = lab.make_library()
    lab.standin.configure(latency_ms=20)
    readers = [lab.cli().start(lab.run_args(apply=False)) for _ in range(2)]
    dry = [finish(process) for process in readers]
    quarantine = lab.work / "home" / "cache" / "quarantine"
    cache_intact = not quarantine.exists() or not any(quarantine.iterdir())
    shutil.rmtree(lab.work / "home" / "cache")  # a cold cache keeps the first applying run busy
    first = lab.cli().start(lab.run_args("--max-workers", "1"))
    time.sleep(stagger)
    second = lab.cli().run(lab.run_args())
    applied = finish(first)
    lab.standin.configure(latency_ms=0)
    checks = [
        Check("concurrent dry runs planned the same", _planned(dry[0]) == _planned(dry[1]) != set()),
        Check("shared cache not corrupted", cache_intact),
        _status_check(applied, {0, 3}, "first applying run"),
        _status_check(second, {BUSY_STATUS}, "second applying run"),
        _code_check(second, "E-BUSY", "second applying run"),
        _no_traceback(second, "second applying run"),
    ]
    return _result("two processes, one cache and library", lab, before, 2, checks)


def sigkill_then_resume(
    lab: Lab, *, kills: int = 5, action: str = "move", cross_device: bool = False, seed: int = 3
) -> ScenarioResult:
    """SIGKILL ``run --apply`` at random journal lines, then ``run --resume``: every time the final
    tree equals an uninterrupted run's, and the content multiset never shrinks in between.

    With ``cross_device`` the library is a tmpfs, so every move is a copy → verify → delete."""
    generate(lab.work / "pristine", seed=11, series=lab.series, movies=lab.movies)
    reference = _fresh_copy(lab, "reference")
    cli = lab.cli()
    with _library_device(reference / "library", cross_device):
        done = cli.run(_apply_args(reference, action))
        expected = snapshot(reference / "downloads", reference / "library", reference / "Movies").files
    journal_lines = _count_lines(_newest(lab.work / "home" / "state" / "journals"))
    rng = random.Random(seed)
    checks = [_status_check(done, {0, 3}, "uninterrupted run"), Check("journal written", journal_lines > 4)]
    before = snapshot(lab.work / "pristine")
    landed, attempts, verdicts = 0, 0, []
    while landed < kills and attempts < kills * 3:
        attempts += 1
        work = _fresh_copy(lab, f"kill-{attempts}")
        with _library_device(work / "library", cross_device):
            known = set((lab.work / "home" / "state" / "journals").glob("*.jsonl"))
            process = cli.start(_apply_args(work, action))
            sent = _kill_at_line(process, lab.work / "home" / "state" / "journals", known, rng, journal_lines)
            if not sent or process.returncode != KILLED_STATUS:
                continue  # it finished before the kill landed: not a kill during --apply
            landed += 1
            after_kill = _without_in_flight(
                snapshot(work / "downloads", work / "library", work / "Movies"), lab, known, work
            )
            verdicts.append(compare(before, after_kill, copies_allowed=action != "move"))
            resumed = cli.run(["--json", "run", "--resume"])
            final = snapshot(work / "downloads", work / "library", work / "Movies").files
        checks += [
            _status_check(resumed, {0, 3}, f"resume after kill {landed}"),
            Check(f"kill {landed}: resumed tree equals the uninterrupted one", final == expected),
        ]
    checks.append(Check(f"{kills} kills landed during --apply", landed == kills, f"{landed} in {attempts}"))
    lost = [v for v in verdicts if v.files_lost or v.half_written]
    checks.append(Check("nothing lost or torn right after any kill", not lost, str(lost[:1])))
    name = f"SIGKILL + resume ({action}{', cross-device' if cross_device else ''})"
    checked = len(before.files) * max(landed, 1)
    return ScenarioResult(name, landed, checked, Verdict(Counter(), Counter(), ()), tuple(checks))


def _without_in_flight(after: TreeSnapshot, lab: Lab, known: set[Path], work: Path) -> TreeSnapshot:
    """Drop what the journal itself declares in flight: the empty reservation at a target whose
    ``done`` line the kill cut off, and the partial copy beside it. ``--resume`` settles both."""
    fresh = [p for p in (lab.work / "home" / "state" / "journals").glob("*.jsonl") if p not in known]
    ours: set[str] = set()
    key = journal_key(lab.work / "home" / "state")
    for step in read_journal(fresh[0], key).in_flight() if fresh else []:
        for path in (step.target, partial_name(step.target)):
            if path.exists() and (path != step.target or path.stat().st_size == 0):
                index, root = (
                    (2, work / "Movies") if (work / "Movies") in path.parents else (1, work / "library")
                )
                ours.add(f"{index}:{os.path.relpath(path, root)}")
    return TreeSnapshot({k: v for k, v in after.files.items() if k not in ours})


def _apply_args(work: Path, action: str) -> list[str]:
    source, library = str(work / "downloads"), str(work / "library")
    return ["--json", "run", "--src", source, "--dst", library, "--apply", "--action", action]


def _fresh_copy(lab: Lab, name: str) -> Path:
    work = lab.work / name
    shutil.copytree(lab.work / "pristine", work / "downloads")
    return work


@contextmanager
def _library_device(library: Path, separate: bool) -> Iterator[None]:
    if not separate:
        yield
        return
    with small_filesystem(library, 256 << 20):
        yield


def _newest(folder: Path) -> Path | None:
    journals = sorted(folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns)
    return journals[-1] if journals else None


def _count_lines(path: Path | None) -> int:
    return sum(1 for _ in path.open("rb")) if path else 0


def _kill_at_line(
    process: subprocess.Popen[str], journals: Path, known: set[Path], rng: random.Random, total: int
) -> bool:
    """Kill ``process`` (SIGKILL; TerminateProcess on Windows) once the new journal has about
    ``total`` lines, anywhere in the operation after; whether it was still running to be killed."""
    target = rng.randint(1, max(1, total - 1))
    while process.poll() is None:
        fresh = [p for p in journals.glob("*.jsonl") if p not in known]
        if fresh and _count_lines(fresh[0]) >= target:
            time.sleep(rng.random() * 0.003)  # land anywhere inside the next file operation
            break
        time.sleep(0.0005)
    running = process.poll() is None
    if running:
        process.kill()
    process.communicate(timeout=60)
    return running


def _undisturbed(lab: Lab) -> dict[str, str]:
    """The tree an undisturbed ``run --apply`` makes of a copy of the downloads (own home, own cache)."""
    reference = lab.work / "reference"
    shutil.copytree(lab.source, reference / "downloads")
    calm = Cli(lab.work / "calm-home", lab.standin.base_url, lab.standin.api_key)
    source, library = str(reference / "downloads"), str(reference / "library")
    calm.run(["--json", "run", "--src", source, "--dst", library, "--apply"])
    return snapshot(reference / "downloads", reference / "library", reference / "Movies").files


def _planned(result: CliResult) -> set[tuple[str, str]]:
    return {
        (str(e["fields"].get("source")), str(e["fields"].get("target")))
        for e in result.events
        if e.get("event") == "entry"
    }


def _rate_check(log: list[dict[str, object]], rate: float) -> Check:
    times = sorted(float(e["t"]) for e in log)  # type: ignore[arg-type]
    worst, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        worst = max(worst, end - start + 1)
    return Check(
        f"never more than {rate:g} requests in any 1-s window", worst <= rate, f"worst window: {worst}"
    )


IN_FLIGHT_SLACK = 0.05
"""Requests already on the wire when a 429 was answered are not a breach of its Retry-After."""


def _retry_deadline(wall: float, retry_after: int | str) -> float:
    """When a 429 answered at ``wall`` lets the client back in: an HTTP-date names a whole second."""
    text = str(retry_after)
    if text.startswith("http-date:"):
        return float(int(wall + int(text.split(":", 1)[1])))
    return wall + float(text)


def _retry_after_check(log: list[dict[str, object]], retry_after: int | str) -> Check:
    entries = sorted(log, key=lambda e: float(e["wall"]))  # type: ignore[arg-type]
    breaches = []
    for index, entry in enumerate(entries):
        if entry["status"] != 429:
            continue
        answered = float(entry["wall"])  # type: ignore[arg-type]
        deadline = _retry_deadline(answered, retry_after)
        for later in entries[index + 1 :]:
            moment = float(later["wall"])  # type: ignore[arg-type]
            if moment >= deadline:
                break
            if moment > answered + IN_FLIGHT_SLACK:
                breaches.append(round(deadline - moment, 3))
    return Check(
        f"no request before a 429's Retry-After ({retry_after}) elapsed",
        not breaches,
        f"early by: {breaches[:5]}",
    )


Scenario = Callable[[Lab], ScenarioResult]
