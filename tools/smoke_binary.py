"""Smoke-test a built ``anivault`` executable the way a user first meets it.

    .venv/bin/python -m tools.smoke_binary dist/anivault
    .venv\\Scripts\\python -m tools.smoke_binary dist\\anivault.exe

Runs the executable against the local TMDB stand-in (127.0.0.1, no key, no internet) on the sample
library, in throw-away folders: ``--version``, ``--help``, a dry ``run`` for people and one with
``--json``, the same run with ``--apply``, then ``organize --undo`` of its journal. It checks that
the dry runs leave the disk alone, that ``--apply`` moves exactly the planned files, and that the
undo restores the downloads as they were. The first failed check ends it with status 1.

The executable gets this process's environment without any AniVault, TMDB or Python I/O encoding
settings, so it writes to its pipes in the platform's own code page, as it does for users; the
NDJSON must still arrive as UTF-8. CI runs this on every binary it builds and tests/packaging runs
it on the locally built one.
"""

from __future__ import annotations

import argparse
import json
import locale
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tools.make_sample_library import generate
from tools.tmdb_standin import Catalog, Standin

RUN_SECONDS = 300
# Settings that would make the executable behave unlike a user's: ours, and Python's I/O encoding.
STRIPPED_ENV_PREFIXES = ("ANIVAULT_", "TMDB_", "PYTHONIOENCODING", "PYTHONUTF8")
# What a run over the sample library may end with: done, or done with files left unmatched/deferred.
RUN_STATUSES = (0, 3)


class SmokeFailure(Exception):
    """A check failed; the message says which and shows what the executable printed."""


@dataclass(frozen=True)
class Done:
    status: int
    stdout: str
    stderr: str

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def user_env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(STRIPPED_ENV_PREFIXES)}
    return {**env, "ANIVAULT_HOME": str(home), "COLUMNS": "200", **extra}


def plan_entries(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["fields"] for e in events if (e["phase"], e["event"]) == ("plan", "entry")]


def files_under(root: Path) -> set[str]:
    """Paths below ``root``, POSIX and relative, as plan entries give their targets."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def check(condition: bool, what: str, done: Done | None = None) -> None:
    if not condition:
        shown = f"\n--- status {done.status}\n--- stderr\n{done.stderr[-2000:]}" if done else ""
        raise SmokeFailure(f"{what}{shown}")


class Smoke:
    """The checks, in the order a user would try them; each prints one line when it passes."""

    def __init__(self, binary: Path, work: Path, standin: Standin, log: Callable[[str], None]) -> None:
        self.binary = binary
        self.source, self.library = work / "downloads", work / "library"
        self.movies = work / "Movies"  # the default movie root: beside the library
        self.env = user_env(
            work / "home", {"ANIVAULT_TMDB_BASE_URL": standin.base_url, "TMDB_API_KEY": standin.api_key}
        )
        self.log = log

    def anivault(self, *args: str, json_output: bool = False) -> Done:
        # NDJSON must be UTF-8 whatever the code page; people's output is in the code page itself.
        encoding = "utf-8" if json_output else locale.getpreferredencoding(False)
        done = subprocess.run(
            [str(self.binary), *(["--json"] if json_output else []), *args],
            env=self.env,
            capture_output=True,
            encoding=encoding,
            errors="strict",
            timeout=RUN_SECONDS,
            check=False,
        )
        return Done(done.returncode, done.stdout, done.stderr)

    def run_all(self) -> None:
        self.version()
        self.help()
        generate(self.source)  # the demo's sample library
        before = files_under(self.source)
        self.human_dry_run()
        planned = self.json_dry_run()
        journal = self.apply(planned)
        self.undo(journal, before)

    def version(self) -> None:
        done = self.anivault("--version")
        expected = f"anivault, version {version('anivault')}"
        check(done.status == 0 and done.stdout.strip() == expected, f"--version is not {expected!r}", done)
        self.log(f"ok  --version: {expected}")

    def help(self) -> None:
        done = self.anivault("--help")
        check(done.status == 0 and done.stdout.startswith("Usage: anivault"), "--help shows no usage", done)
        check("run  " in done.stdout and "--json" in done.stdout, "--help lacks run or --json", done)
        self.log("ok  --help")

    def human_dry_run(self) -> None:
        done = self.anivault("run", "--src", str(self.source), "--dst", str(self.library))
        check(done.status in RUN_STATUSES, "the dry run failed", done)
        check("dry run: nothing moved" in done.stdout, "the dry run does not say that nothing moved", done)
        check("videos:" in done.stdout, "the dry run shows no summary", done)
        check("Traceback" not in done.stderr, "the dry run printed a traceback", done)
        check(not self.library.exists(), "the dry run wrote into the library")
        self.log(f"ok  dry run for people: status {done.status}")

    def json_dry_run(self) -> set[str]:
        """The targets the dry run plans to fill."""
        done = self.anivault("run", "--src", str(self.source), "--dst", str(self.library), json_output=True)
        check(done.status in RUN_STATUSES, "the --json dry run failed", done)
        planned = {str(e["target"]) for e in plan_entries(done.events()) if e["status"] == "planned"}
        check(len(planned) > 0, "the --json dry run planned nothing", done)
        check(not self.library.exists(), "the --json dry run wrote into the library")
        self.log(f"ok  --json dry run: {len(planned)} planned moves")
        return planned

    def apply(self, planned: set[str]) -> Path:
        """Returns the journal of the applied run."""
        done = self.anivault(
            "run", "--src", str(self.source), "--dst", str(self.library), "--apply", json_output=True
        )
        check(done.status in RUN_STATUSES, "--apply failed", done)
        filed = files_under(self.library) | files_under(self.movies)
        check(filed == planned, "--apply did not move exactly the planned files", done)
        started = [e["fields"] for e in done.events() if (e["phase"], e["event"]) == ("organize", "started")]
        check(len(started) == 1, "--apply reported no journal", done)
        self.log(f"ok  --apply: {len(planned)} files moved")
        return Path(started[0]["journal"])

    def undo(self, journal: Path, before: set[str]) -> None:
        done = self.anivault("organize", "--undo", str(journal), json_output=True)
        check(done.status == 0, "--undo failed", done)
        check(files_under(self.source) == before, "--undo did not restore the downloads", done)
        check(
            not files_under(self.library) | files_under(self.movies), "--undo left files in the library", done
        )
        self.log("ok  --undo: downloads restored")


def smoke(binary: Path, log: Callable[[str], None] = print) -> None:
    """Every check on ``binary``; raises SmokeFailure at the first that fails."""
    check(binary.is_file(), f"{binary} does not exist")
    standin = Standin(Catalog.load()).start()
    try:
        with tempfile.TemporaryDirectory(prefix="anivault-smoke-") as work:
            Smoke(binary.resolve(), Path(work), standin, log).run_all()
    finally:
        standin.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("binary", type=Path, help="the executable to test, e.g. dist/anivault")
    args = parser.parse_args(argv)
    try:
        smoke(args.binary)
    except SmokeFailure as failure:
        print(f"smoke test FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"smoke test passed: {args.binary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
