"""Start-up time of ``anivault --version``, ``--help`` and ``run --help``: the venv console script,
and the one-file binary when its path is given.

None of these paths may import rich, requests, the TMDB client, the parser or core, so they
measure the interpreter, Click and the settings. Every run of a one-file binary unpacks its
archive into a fresh temporary folder before Python starts, so each repetition pays that cost;
only the operating system's file cache is warm after the first, which is why the first run is
printed on its own. That unpacking grows with what the binary carries, so with PyInstaller
installed the size it unpacks is printed too. Goals: median ≤ 0.15 s from the venv, ≤ 0.8 s from the binary;
each path's line says whether its median meets the goal.

The venv's bytecode is cached in the temporary folder (``PYTHONPYCACHEPREFIX``) even where
``PYTHONDONTWRITEBYTECODE`` is set, as an installed program's is (pip compiles it on install): the
first run writes that cache, the others read it, so only the first pays for compiling the sources.
On a busy machine the wall-clock figures wander; the CPU time of each child (user + system, POSIX
only) is printed beside them because it hardly does. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_startup.py --repeat 9
    .venv/bin/python bench/bench_startup.py --binary dist/anivault
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VENV_GOAL_SECONDS = 0.15
BINARY_GOAL_SECONDS = 0.8
PATHS = (("--version",), ("--help",), ("run", "--help"))
# Kinds of PyInstaller archive entry that a one-file binary writes out: shared libraries and
# extensions, data files, zip files, symbolic links. Python modules are read from the binary itself.
UNPACKED_KINDS = frozenset("bxZn")


def children_cpu_seconds() -> float:
    if sys.platform == "win32":
        return float("nan")
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timings(command: list[str], repeat: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each of ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        cpu_before, started = children_cpu_seconds(), time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        wall.append(time.perf_counter() - started)
        cpu.append(children_cpu_seconds() - cpu_before)
    return wall, cpu


def report(label: str, measured: tuple[list[float], list[float]], goal: float) -> float:
    seconds, cpu = measured
    median = statistics.median(seconds)
    print(
        f"{label:<30} first {seconds[0]:6.3f} s   min {min(seconds):6.3f} s   "
        f"median {median:6.3f} s   max {max(seconds):6.3f} s   cpu median {statistics.median(cpu):6.3f} s"
        f"   (n={len(seconds)})   {_verdict(median, goal)}"
    )
    return median


def _verdict(median: float, goal: float) -> str:
    return f"goal ≤ {goal} s: {'met' if median <= goal else 'NOT met'}"


def measure(name: str, executable: Path, goal: float, repeat: int, env: dict[str, str]) -> None:
    """Every start-up path of ``executable``, then whether the slowest median meets ``goal``."""
    medians = [
        report(f"{name} {' '.join(args)}", timings([str(executable), *args], repeat, env), goal)
        for args in PATHS
    ]
    print(f"{name}, every path: {_verdict(max(medians), goal)} (slowest median {max(medians):.3f} s)")


def unpacked_size(binary: Path) -> str:
    """What the binary writes to its temporary folder on every start, when PyInstaller is here to read it."""
    try:
        from PyInstaller.archive.readers import CArchiveReader
    except ImportError:
        return ""
    entries = CArchiveReader(str(binary)).toc.values()
    written = sum(unpacked for _, _, unpacked, _, kind in entries if kind in UNPACKED_KINDS)
    return f", unpacks {written / 2**20:.1f} MiB on every start"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--binary", type=Path, help="a built one-file binary to measure as well")
    args = parser.parse_args()
    console_script = Path(sys.executable).with_name("anivault.exe" if sys.platform == "win32" else "anivault")
    with tempfile.TemporaryDirectory(prefix="anivault-bench-") as home:
        env = {
            **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
            "ANIVAULT_HOME": home,  # a command that runs writes its logs here
            "PYTHONPYCACHEPREFIX": str(Path(home) / "bytecode"),
        }
        measure("venv", console_script, VENV_GOAL_SECONDS, args.repeat, env)
        if args.binary is not None:
            measure(f"binary {args.binary.name}", args.binary, BINARY_GOAL_SECONDS, args.repeat, env)
            print(f"binary size: {args.binary.stat().st_size / 2**20:.1f} MiB{unpacked_size(args.binary)}")


if __name__ == "__main__":
    main()
