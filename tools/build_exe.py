"""Build the one-file ``anivault`` console executable with PyInstaller.

    .venv/bin/python -m tools.build_exe            # → dist/anivault (dist/anivault.exe on Windows)
    .venv/bin/python -m tools.build_exe --if-stale # rebuild only when sources are newer

The binary must behave like the venv console script, so it is built from the same entry point
(``anivault/__main__.py``) in the same environment. PyInstaller follows imports, which covers
anitopy, cryptography, tmdbv3api, requests and rich; what it cannot see is copied explicitly:
the ``anivault`` distribution metadata (``--version`` reads it through ``importlib.metadata``),
the JSON schemas in ``schemas/`` and the package's data files in ``src/anivault/data/`` (the title
index, read through ``importlib.resources``). No UPX: it slows the start-up and upsets virus scanners.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST_DIR = ROOT / "dist"
WORK_DIR = ROOT / "build" / "pyinstaller"
ENTRY_POINT = ROOT / "src" / "anivault" / "__main__.py"
SCHEMAS_DIR = ROOT / "schemas"
PACKAGE_DATA_DIR = ROOT / "src" / "anivault" / "data"
APP_NAME = "anivault"
# Trees and files whose change makes an existing binary stale.
SOURCE_INPUTS = (ROOT / "src", SCHEMAS_DIR, ROOT / "pyproject.toml", Path(__file__).resolve())


def binary_path(dist_dir: Path = DIST_DIR) -> Path:
    """Where the build puts the executable on this platform."""
    return dist_dir / (f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME)


def toc_dir(work_dir: Path = WORK_DIR) -> Path:
    """Where PyInstaller leaves its table of contents (what it packed, and from where)."""
    return work_dir / APP_NAME


def pyinstaller_args(dist_dir: Path, work_dir: Path) -> list[str]:
    """The PyInstaller command line; a function so the release and the tests build identically."""
    args = [
        str(ENTRY_POINT),
        "--name",
        APP_NAME,
        "--onefile",
        "--console",
        "--noupx",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist_dir),
        "--workpath",
        str(work_dir),
        "--specpath",
        str(work_dir),
        "--copy-metadata",
        APP_NAME,
    ]
    if SCHEMAS_DIR.is_dir():
        args += ["--add-data", f"{SCHEMAS_DIR}{os.pathsep}schemas"]
    if PACKAGE_DATA_DIR.is_dir():
        args += ["--add-data", f"{PACKAGE_DATA_DIR}{os.pathsep}anivault/data"]
    return args


def _build_inputs() -> Iterator[Path]:
    for path in SOURCE_INPUTS:
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in path.rglob("*") if p.is_file() and p.suffix != ".pyc")
    # The folder itself changes when a package is installed, upgraded or removed there.
    yield Path(sysconfig.get_paths()["purelib"])


def is_fresh(binary: Path, work_dir: Path = WORK_DIR) -> bool:
    """True when ``binary`` and the TOC of the build that made it are newer than every input.

    The TOC must not be newer than the binary either: then another build reused the work folder
    and the TOC no longer describes this binary.
    """
    toc = toc_dir(work_dir) / "PKG-00.toc"
    if not (binary.is_file() and toc.is_file()):
        return False
    built = binary.stat().st_mtime
    return toc.stat().st_mtime <= built and all(path.stat().st_mtime < built for path in _build_inputs())


def build(dist_dir: Path = DIST_DIR, work_dir: Path = WORK_DIR) -> Path:
    """Run PyInstaller from this interpreter's environment; returns the executable.

    Raises CalledProcessError when PyInstaller fails, SystemExit when it left no executable.
    """
    subprocess.run([sys.executable, "-m", "PyInstaller", *pyinstaller_args(dist_dir, work_dir)], check=True)
    binary = binary_path(dist_dir)
    if not binary.is_file():
        raise SystemExit(f"PyInstaller finished but {binary} is missing")
    return binary


def ensure_built(dist_dir: Path = DIST_DIR, work_dir: Path = WORK_DIR) -> Path:
    """Reuse a fresh binary, otherwise build one."""
    binary = binary_path(dist_dir)
    return binary if is_fresh(binary, work_dir) else build(dist_dir, work_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--if-stale", action="store_true", help="keep a binary newer than its sources")
    parser.add_argument("--dist", type=Path, default=DIST_DIR, help="output folder (default: dist/)")
    args = parser.parse_args(argv)
    binary = ensure_built(args.dist) if args.if_stale else build(args.dist)
    print(binary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
