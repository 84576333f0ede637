"""Start-up time of ``anivault --version``: the one-file binary against the venv console script.

Every run of a one-file binary unpacks its archive into a fresh temporary folder before Python
starts, so each repetition pays that cost; only the operating system's file cache is warm after
the first. The first run is printed on its own for that reason. Goal: the binary's median ≤ 1.5 s.
Prints figures; asserts nothing.

    .venv/bin/python bench/bench_startup.py --repeat 9
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.build_exe import binary_path, ensure_built, is_fresh

GOAL_SECONDS = 1.5


def timings(command: list[str], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return seconds


def report(label: str, seconds: list[float]) -> float:
    median = statistics.median(seconds)
    print(
        f"{label:<28} first {seconds[0]:6.3f} s   min {min(seconds):6.3f} s   "
        f"median {median:6.3f} s   max {max(seconds):6.3f} s   (n={len(seconds)})"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--binary", type=Path, help="default: dist/anivault, built first if stale")
    args = parser.parse_args()
    binary = args.binary
    if binary is None:
        if not is_fresh(binary_path()):
            print("dist/anivault is missing or older than the sources: building it first", file=sys.stderr)
        binary = ensure_built()
    console_script = Path(sys.executable).with_name("anivault.exe" if sys.platform == "win32" else "anivault")
    frozen = report(f"binary {binary.name} --version", timings([str(binary), "--version"], args.repeat))
    report("venv anivault --version", timings([str(console_script), "--version"], args.repeat))
    verdict = "met" if frozen <= GOAL_SECONDS else "NOT met"
    print(f"goal: binary median ≤ {GOAL_SECONDS} s: {verdict} ({frozen:.3f} s)")
    print(f"binary size: {binary.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
