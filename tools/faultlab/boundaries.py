"""Fault scenarios at the trust boundaries (issue 23: 1, 6, 9): a download folder holding links
out of it, a FIFO, a socket and names that are not UTF-8; a library whose folders are links out
of it, one of them swapped in between planning and applying; a run killed while its parse
workers live.

Each returns a ``BoundaryResult``: the usual verdict and checks, plus what these scenarios count,
files written outside ``--dst`` and library files taken from outside ``--src`` (both must be 0).
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tools.faultlab import processes
from tools.faultlab.cli import CliResult
from tools.faultlab.scenarios import Check, Lab, ScenarioResult, _code_check, _no_traceback, _status_check
from tools.faultlab.snapshot import TreeSnapshot, compare, snapshot

RELEASE = "[ASW] DRAGON BALL Z - {episode} [1080p]"
"""Release names the stand-in's catalog matches: Dragon Ball Z (1989), season 1."""
SHOW_FOLDER = "Dragon Ball Z (1989)"
OUTSIDE = "E-FS-OUTSIDE-TARGET"
PARTIAL_STATUS = 3
RUN_TIMEOUT = 300
WORKER_TIMEOUT = 60.0
ODD_EPISODES = (110, 111, 112)


@dataclass(frozen=True, slots=True)
class BoundaryResult:
    scenario: ScenarioResult
    outside_dst: int
    """Files that ended up outside the real library (through a link)."""
    from_outside_src: int
    """Library files whose bytes (or whose link) come from outside the downloads folder."""

    @property
    def ok(self) -> bool:
        return self.scenario.ok and self.outside_dst == 0 and self.from_outside_src == 0


def hostile_source(lab: Lab, *, action: str = "copy") -> BoundaryResult:
    """Links out of the downloads (a video, a subtitle, a relative one, one through another link,
    one to a folder), a FIFO and a socket named like videos, beside a generated library: the run
    files the library and skips each of them with its reason, taking nothing from outside."""
    lab.make_library()
    private = lab.work / "private"
    secret = _write(private / "hostname", b"the machine's own private bytes\n")
    private_episode = _write(private / "more" / _video(107), b"a private episode\n")
    hostile = lab.source / "hostile batch"
    _write(hostile / _video(104), b"a real episode 104\n")
    links = {
        _video(103): secret,
        RELEASE.format(episode=104) + ".ass": secret,
        _video(105): Path(os.path.relpath(secret, hostile)),
        ".hop": secret,
        _video(106): hostile / ".hop",
        "more": private_episode.parent,
    }
    for name, target in links.items():
        (hostile / name).symlink_to(target, target_is_directory=name == "more")
    os.mkfifo(hostile / _video(108))
    listener = _socket_at(hostile, _video(109))
    before = snapshot(lab.source, lab.library, lab.movie_library)
    try:
        result = lab.cli().run(lab.run_args("--action", action), timeout=RUN_TIMEOUT)
    finally:
        listener.close()
    reasons = _skipped(result)
    planted = [*links, _video(108), _video(109)]
    checks = [
        _status_check(result, {0}, f"{action} run beside links, a FIFO and a socket"),
        _no_traceback(result, "hostile-source run"),
        Check("each link, FIFO and socket skipped", all(n in reasons for n in planted), str(reasons)),
        Check("the real episode beside them was filed", _filed(lab.library, b"a real episode 104\n")),
    ]
    outside = {_digest(secret.read_bytes()), _digest(private_episode.read_bytes())}
    copies = action in ("copy", "hardlink")  # the downloads keep their files: same bytes twice
    scenario = _result(f"hostile source ({action})", lab, before, len(planted), checks, copies=copies)
    return BoundaryResult(scenario, 0, _taken_from_outside(lab.library, lab.source, outside))


def odd_names(lab: Lab) -> BoundaryResult:
    """Names that are not UTF-8 (a folder, matched episodes and their subtitles) beside a generated
    library: a dry run and an applying run both finish, and the episodes are filed."""
    lab.make_library()
    folder = os.fsencode(lab.source / "old archive") + b" \xff"
    os.makedirs(folder)
    for episode in ODD_EPISODES:
        name = b"[ASW] DRAGON BALL Z - %d caf\xe9 [1080p]" % episode
        for tail, content in (
            (b".mkv", b"odd episode %d" % episode),
            (b".\xfe.ass", b"odd sub %d" % episode),
        ):
            with open(os.path.join(folder, name + tail), "wb") as handle:
                handle.write(content)
    before = snapshot(lab.source, lab.library, lab.movie_library)
    dry = lab.cli().run(lab.run_args(apply=False), timeout=RUN_TIMEOUT)
    applied = lab.cli().run(lab.run_args(), timeout=RUN_TIMEOUT)
    filed = [_filed(lab.library, b"odd episode %d" % episode) for episode in ODD_EPISODES]
    checks = [
        _status_check(dry, {0}, "dry run over names that are not UTF-8"),
        _no_traceback(dry, "dry run over names that are not UTF-8"),
        _status_check(applied, {0}, "applying run over names that are not UTF-8"),
        _no_traceback(applied, "applying run over names that are not UTF-8"),
        Check("the odd-named episodes were filed", all(filed), str(filed)),
    ]
    return BoundaryResult(_result("names not UTF-8", lab, before, 2 * len(ODD_EPISODES), checks), 0, 0)


def target_links_out(lab: Lab) -> BoundaryResult:
    """A library whose show folders are links out of it: one there when the plan is made, one
    swapped in after the plan was written. Both are refused (``E-FS-OUTSIDE-TARGET``), every other
    show is filed, and nothing lands outside."""
    lab.make_library()
    _write(lab.source / "dbz" / _video(104), b"episode 104\n")
    outside = lab.work / "outside"
    plan = lab.work / "plan.json"
    first = lab.cli().run([*lab.run_args(apply=False), "--plan", str(plan)], timeout=RUN_TIMEOUT)
    shows = {
        str(e["fields"]["target"]).split("/")[0]
        for e in first.events
        if e.get("event") == "entry"
        and e["fields"]["status"] == "planned"
        and e["fields"]["media_type"] == "tv"
    }
    swapped, *others = sorted(shows - {SHOW_FOLDER})
    (outside / "linked").mkdir(parents=True)
    lab.library.mkdir(parents=True)
    (lab.library / SHOW_FOLDER).symlink_to(outside / "linked", target_is_directory=True)
    planned = lab.cli().run([*lab.run_args(apply=False), "--plan", str(plan)], timeout=RUN_TIMEOUT)
    (outside / "swapped").mkdir()
    (lab.library / swapped).symlink_to(outside / "swapped", target_is_directory=True)
    before = snapshot(lab.source, lab.library, lab.movie_library)
    applied = lab.cli().run(["--json", "organize", "--from-plan", str(plan), "--apply"], timeout=RUN_TIMEOUT)
    refused = [e for e in applied.events if e.get("event") == "file" and e["fields"].get("code") == OUTSIDE]
    checks = [
        _code_check(planned, OUTSIDE, "plan over a show folder linked out"),
        _status_check(applied, {PARTIAL_STATUS}, "apply with a folder swapped for a link out"),
        Check("the swapped folder's files refused at apply", bool(refused), f"{len(refused)} refused"),
        _no_traceback(applied, "apply with a folder swapped for a link out"),
        Check("the other shows were filed", all(_files(lab.library / show) for show in others)),
    ]
    return BoundaryResult(
        _result("library folders linked out", lab, before, 2, checks), len(_files(outside)), 0
    )


def killed_with_workers(lab: Lab) -> BoundaryResult:
    """SIGKILL of a run while its parse workers live (TMDB slow): none of them outlives it."""
    before = lab.make_library()
    if not processes.available():
        unmeasured = Check("needs /proc to see the workers", True, "not measured")
        return BoundaryResult(_result("kill -9, parse workers", lab, before, 0, [unmeasured]), 0, 0)
    lab.standin.configure(latency_ms=3000)
    cli = lab.cli(ANIVAULT_PARSE_PROCESSES="2", ANIVAULT_MAX_WORKERS="1")
    run = subprocess.Popen(
        cli.command(lab.run_args(apply=False)),
        env=cli.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    survivors: set[int] = set()
    try:
        workers = processes.wait_for_workers(run.pid, timeout=WORKER_TIMEOUT)
        run.kill()
        run.wait(timeout=10)
        survivors = processes.still_running(workers, timeout=15)
    finally:
        lab.standin.configure(latency_ms=0)
        for pid in survivors:  # never leave one behind, even when the check fails (/proc: POSIX)
            os.kill(pid, signal.SIGKILL)
    checks = [Check("no parse worker outlived the run", not survivors, f"survivors: {sorted(survivors)}")]
    return BoundaryResult(_result("kill -9, parse workers", lab, before, 1, checks), 0, 0)


def _result(
    name: str, lab: Lab, before: TreeSnapshot, faults: int, checks: list[Check], *, copies: bool = False
) -> ScenarioResult:
    """The verdict over downloads and library; ``copies``: a copy run's duplicates are its point."""
    verdict = compare(before, snapshot(lab.source, lab.library, lab.movie_library), copies_allowed=copies)
    return ScenarioResult(name, faults, len(before.files), verdict, tuple(checks))


def _video(episode: int) -> str:
    return RELEASE.format(episode=episode) + ".mkv"


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _socket_at(folder: Path, name: str) -> socket.socket:
    """A listening Unix socket at ``folder/name`` (bound from inside: its paths are short)."""
    listener = socket.socket(socket.AF_UNIX)
    here = Path.cwd()
    os.chdir(folder)
    try:
        listener.bind(name)
    finally:
        os.chdir(here)
    return listener


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _files(root: Path) -> list[Path]:
    """Every file or link below ``root``, without following folder links."""
    return [Path(folder, name) for folder, _, names in os.walk(root) for name in names]


def _filed(library: Path, content: bytes) -> bool:
    return any(path.read_bytes() == content for path in _files(library) if path.is_file())


def _taken_from_outside(library: Path, source: Path, outside: set[str]) -> int:
    """Library files holding outside bytes, and library links resolving outside the downloads."""
    real_source = os.path.realpath(source)
    taken = 0
    for path in _files(library):
        if path.is_symlink():
            taken += os.path.commonpath((os.path.realpath(path), real_source)) != real_source
        elif path.is_file():
            taken += _digest(path.read_bytes()) in outside
    return taken


def _skipped(result: CliResult) -> dict[str, str]:
    return {
        os.path.basename(str(e["fields"]["path"])): str(e["fields"]["reason"])
        for e in result.events
        if e.get("phase") == "scan" and e.get("event") == "skipped"
    }
