"""Run the real ``anivault`` CLI in a subprocess, pointed at the stand-in and a throw-away home."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UNPRIVILEGED = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner")
"""Root without the capabilities that ignore permission bits: a real permission check, even in CI
containers where tests run as root and no other user can reach the interpreter."""

KILLED_STATUS = 1 if os.name == "nt" else -signal.SIGKILL
"""How a process ended by ``Popen.kill`` exits: SIGKILL on POSIX; on Windows TerminateProcess,
given the status 1 by ``Popen.kill`` (Windows has no SIGKILL)."""
CTRL_C_SENDABLE = os.name != "nt"
CTRL_C_UNSENDABLE = (
    "Windows cannot send Ctrl+C to one child process: CTRL_C_EVENT reaches a whole console, and a "
    "child in its own process group ignores it (CTRL_BREAK_EVENT would arrive as SIGBREAK, not SIGINT)"
)
"""Why scenarios that press Ctrl+C (SIGINT) are POSIX-only."""
AS_FROM_A_TERMINAL = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('anivault', run_name='__main__', alter_sys=True)"
)
"""``python -m anivault`` as a terminal starts it: Ctrl+C raises KeyboardInterrupt. A process
inherits an ignored SIGINT, and Python then leaves it ignored; a non-interactive shell ignores it
for every ``command &``, so a suite started in the background (as CI harnesses do) would
otherwise run a CLI that sleeps through the Ctrl+C a fault scenario sends during lookup."""


@dataclass(frozen=True, slots=True)
class CliResult:
    status: int
    stdout: str
    stderr: str

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    @property
    def error_codes(self) -> set[str]:
        """Every stable error code the run reported, in its events or on stderr."""
        codes = {
            str(event["fields"]["code"])
            for event in self.events
            if isinstance(event.get("fields"), dict) and event["fields"].get("code")
        }
        for line in self.stderr.splitlines():
            if line.startswith("error E-"):
                codes.add(line.split()[1].rstrip(":"))
        return codes

    @property
    def crashed(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr + self.stdout


@dataclass(frozen=True, slots=True)
class Cli:
    home: Path
    base_url: str
    api_key: str
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
        env.update(
            ANIVAULT_HOME=str(self.home),
            ANIVAULT_TMDB_BASE_URL=self.base_url,
            TMDB_API_KEY=self.api_key,
            COLUMNS="200",
            PYTHONIOENCODING="utf-8",
        )
        env.update(self.extra_env)
        return env

    def command(self, args: Sequence[str], *, unprivileged: bool = False) -> list[str]:
        prefix = list(UNPRIVILEGED) if unprivileged and _is_root() else []
        return [*prefix, sys.executable, "-c", AS_FROM_A_TERMINAL, *args]

    def run(
        self,
        args: Sequence[str],
        *,
        timeout: float = 180,
        unprivileged: bool = False,
        cwd: Path | None = None,
    ) -> CliResult:
        done = subprocess.run(
            self.command(args, unprivileged=unprivileged),
            env=self.env(),
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)

    def start(self, args: Sequence[str], *, cwd: Path | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(args),
            env=self.env(),
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )


def finish(process: subprocess.Popen[str], timeout: float = 120) -> CliResult:
    stdout, stderr = process.communicate(timeout=timeout)
    return CliResult(process.returncode, stdout, stderr)


def interrupt_at_line(
    process: subprocess.Popen[str], marker: str, *, count: int = 1, timeout: float = 120
) -> tuple[bool, CliResult]:
    """Send SIGINT (Ctrl+C) once ``count`` lines of the process's stdout contain ``marker``, and
    collect all of its output: whether the signal was sent (not when the output ended first), and
    the result. Waiting for what the run reports rather than for a delay keeps the signal in the
    phase a scenario means, however fast the run has become. Reads stdout to its end itself
    (``communicate`` would miss what this text reader has buffered) and stderr on a thread."""
    assert process.stdout is not None and process.stderr is not None
    errors: list[str] = []
    stderr = process.stderr
    reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
    reader.start()
    lines: list[str] = []
    seen = 0
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            seen += 1
            if seen == count:
                process.send_signal(signal.SIGINT)
    process.wait(timeout=timeout)
    reader.join(timeout)
    return seen >= count, CliResult(process.returncode, "".join(lines), "".join(errors))


def unprivileged_available() -> bool:
    """Whether permission bits bind the CLI: a non-root user, or root able to drop its overrides.
    Never on Windows, where mode bits do not make a folder unreadable."""
    if not hasattr(os, "geteuid"):
        return False
    if not _is_root():
        return True
    if shutil.which("setpriv") is None:
        return False
    probe = subprocess.run([*UNPRIVILEGED, "true"], capture_output=True, check=False)
    return probe.returncode == 0


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
