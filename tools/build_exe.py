"""Build the one-file ``anivault`` console executable with PyInstaller.

    .venv/bin/python -m tools.build_exe            # → dist/anivault (dist/anivault.exe on Windows)
    .venv/bin/python -m tools.build_exe --if-stale # rebuild only when sources are newer

The binary must behave like the venv console script, so it is built from the same entry point
(``anivault/__main__.py``) in the same environment. PyInstaller follows imports, which covers
anitopy, cryptography, tmdbv3api, requests and rich; what it cannot see is named explicitly: the
command modules (the root group imports each by name, when it runs), the ``anivault`` distribution
metadata (``--version`` reads it through ``importlib.metadata``), the JSON schemas in ``schemas/``
and the package's data files in ``src/anivault/data/`` (the title index, read through
``importlib.resources``). OpenCC (the Chinese script fold of ``utils/titles.py``)
comes with PyInstaller's hook for it, which copies the whole wheel; only its extension and the
dictionaries of the one conversion AniVault runs are kept. No UPX: it slows the start-up and upsets
virus scanners.

A one-file executable unpacks everything it carries into a fresh temporary folder on every start,
so what it carries, and how, is start-up time: modules AniVault never imports are left out, shared
libraries are stripped of their debug symbols on Linux, and shared libraries and extension modules
are stored uncompressed: inflating them would cost CPU time on every start, while the release zip
compresses them for the download anyway. The settings are below; ``tools/anivault.spec`` hands
them to PyInstaller.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path, PurePath

from anivault.cli.main import COMMANDS
from anivault.utils.titles import CHINESE_FOLD_CONFIG

ROOT = Path(__file__).resolve().parents[1]
DIST_DIR = ROOT / "dist"
WORK_DIR = ROOT / "build" / "pyinstaller"
ENTRY_POINT = ROOT / "src" / "anivault" / "__main__.py"
SPEC_FILE = ROOT / "tools" / "anivault.spec"
SCHEMAS_DIR = ROOT / "schemas"
PACKAGE_DATA_DIR = ROOT / "src" / "anivault" / "data"
APP_NAME = "anivault"
# Modules imported by name (importlib), which PyInstaller's import analysis cannot follow.
HIDDEN_IMPORTS = tuple(sorted(entry.module for entry in COMMANDS.values()))
# Importable in the build environment, followed by PyInstaller, never imported by AniVault at run
# time. A one-file binary unpacks everything it carries on every start, so each costs start-up time.
EXCLUDED_MODULES = (
    "chardet",  # requests prefers it when importable; its own dependency charset_normalizer does the job
    "attr",  # rich.pretty pretty-prints attrs classes when attrs is importable; we have none
    "pygments",  # rich's Syntax and Traceback renderables, which we never show
    "markdown_it",  # rich's Markdown renderable, likewise
    "mdurl",  # markdown_it's
    "pydoc",  # imported only by rich.markdown
    "asyncio",  # only filelock's asyncio locks; we take the blocking ones
    "xmlrpc",  # only multiprocessing's XML-RPC connections
    "xml",  # only xmlrpc
    "bz2",  # optional in shutil, zipfile and tarfile; we only read gzip
    "lzma",  # likewise
    # settings.py falls back to tomli only before Python 3.11, where tomllib is missing.
    *(("tomli",) if sys.version_info >= (3, 11) else ()),
)
# On Windows and macOS PyInstaller advises against strip (Windows binaries carry no symbols anyway).
STRIP_BINARIES = sys.platform.startswith("linux")
# Archive compression by PyInstaller's type of entry: PyInstaller's default except for shared
# libraries and extension modules, the bulk of the archive. The PYZ holds compressed modules already.
ARCHIVE_COMPRESSION = {
    "BINARY": False,
    "EXTENSION": False,
    "EXECUTABLE": False,
    "DATA": True,
    "PYSOURCE": True,
    "PYMODULE": True,
    "SPLASH": True,
    "PYZ": False,
    "SYMLINK": False,
}
# OpenCC's wheel carries its command-line tools, static libraries, headers and the dictionaries of
# every conversion; AniVault needs its extension module and one conversion's files.
OPENCC_NATIVE = PurePath("opencc", "clib")
OPENCC_EXTENSION_STEM = "opencc_clib"
OPENCC_DATA = OPENCC_NATIVE / "share" / "opencc"
# Trees and files whose change makes an existing binary stale.
SOURCE_INPUTS = (ROOT / "src", SCHEMAS_DIR, ROOT / "pyproject.toml", Path(__file__).resolve(), SPEC_FILE)


def binary_path(dist_dir: Path = DIST_DIR) -> Path:
    """Where the build puts the executable on this platform."""
    return dist_dir / (f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME)


def toc_dir(work_dir: Path = WORK_DIR) -> Path:
    """Where PyInstaller leaves its table of contents (what it packed, and from where)."""
    return work_dir / APP_NAME


def data_folders() -> list[tuple[str, str]]:
    """(source folder, folder inside the executable) of the files PyInstaller cannot find by imports."""
    folders = ((SCHEMAS_DIR, "schemas"), (PACKAGE_DATA_DIR, "anivault/data"))
    return [(str(source), target) for source, target in folders if source.is_dir()]


def opencc_files(config: str = CHINESE_FOLD_CONFIG) -> frozenset[str]:
    """The files OpenCC reads for ``config``: its JSON and every dictionary the JSON names."""
    spec = find_spec("opencc")
    if spec is None or spec.origin is None:
        raise SystemExit("opencc is not installed in the build environment")
    package = Path(spec.origin).parent
    config_file = package.joinpath(*OPENCC_DATA.relative_to("opencc").parts, f"{config}.json")
    text = config_file.read_text(encoding="utf-8")
    return frozenset({config_file.name, *_dictionary_files(json.loads(text))})


def _dictionary_files(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("file"), str):
            yield node["file"]
        for value in node.values():
            yield from _dictionary_files(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dictionary_files(value)


def is_needed(name: str, needed_opencc_files: frozenset[str]) -> bool:
    """Whether the entry PyInstaller packs as ``name`` belongs in the executable: anything but
    the parts of OpenCC's native folder that the Chinese fold never reads."""
    path = PurePath(name)
    if not path.is_relative_to(OPENCC_NATIVE) or path.name.startswith(f"{OPENCC_EXTENSION_STEM}."):
        return True
    return path.parent == OPENCC_DATA and path.name in needed_opencc_files


def pyinstaller_args(dist_dir: Path, work_dir: Path) -> list[str]:
    """The PyInstaller command line; a function so the release and the tests build identically."""
    return [
        str(SPEC_FILE),
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist_dir),
        "--workpath",
        str(work_dir),
    ]


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
