"""What the one-file binary carries, and how: it unpacks all of it on every start (tools/build_exe.py).

Start-up time itself is measured by bench/bench_startup.py, not here: on a shared machine a timing
assertion would fail for reasons of its own. These tests hold the build to the choices that make
the start cheap.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path, PurePath

import pytest

from tools.build_exe import EXCLUDED_MODULES, OPENCC_DATA, OPENCC_NATIVE, opencc_files

# CArchive's type of entry for shared libraries and extension modules.
SHARED_LIBRARY = "b"


def packed_entries(binary: Path) -> dict[str, tuple[int, int, int, int, str]]:
    """Name → (offset, stored length, unpacked length, compressed flag, type) of each top-level entry."""
    from PyInstaller.archive.readers import CArchiveReader

    return dict(CArchiveReader(str(binary)).toc)


def test_binary_leaves_out_modules_anivault_never_imports(binary: Path) -> None:
    from PyInstaller.archive.readers import CArchiveReader

    modules = set(CArchiveReader(str(binary)).open_embedded_archive("PYZ.pyz").toc)
    files = set(packed_entries(binary))
    assert {"anivault.cli.main", "requests", "rich.console", "cryptography.fernet"} <= modules
    for excluded in EXCLUDED_MODULES:
        assert not {m for m in modules if m == excluded or m.startswith(f"{excluded}.")}, excluded
        assert not {f for f in files if f.startswith(f"{excluded}/")}, excluded


def test_binary_carries_opencc_s_extension_and_one_conversion_only(binary: Path) -> None:
    """OpenCC's wheel brings command-line tools, static libraries, headers and every conversion's
    dictionaries; the Chinese fold reads its extension and one conversion's files."""
    packed = [PurePath(name) for name in packed_entries(binary)]
    native = [path for path in packed if path.is_relative_to(OPENCC_NATIVE)]
    assert {path.name for path in native if path.parent == OPENCC_DATA} == opencc_files()
    others = [path for path in native if path.parent != OPENCC_DATA]
    assert len(others) == 1 and others[0].name.startswith("opencc_clib."), others


def test_shared_libraries_are_stored_uncompressed(binary: Path) -> None:
    libraries = {name: entry for name, entry in packed_entries(binary).items() if entry[4] == SHARED_LIBRARY}
    assert any(name.startswith("cryptography/") for name in libraries)
    assert {name for name, (_, stored, unpacked, compressed, _) in libraries.items() if compressed} == set()
    assert all(stored == unpacked for _, stored, unpacked, _, _ in libraries.values())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the build strips only on Linux")
@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs readelf (binutils, as strip does)")
def test_shared_libraries_carry_no_symbol_tables_on_linux(binary: Path, tmp_path: Path) -> None:
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(binary))
    libraries = [n for n, entry in archive.toc.items() if entry[4] == SHARED_LIBRARY]
    assert any(name.startswith("libpython") for name in libraries)
    for name in libraries:
        unpacked = tmp_path / Path(name).name
        unpacked.write_bytes(archive.extract(name))
        command = ["readelf", "--section-headers", "--wide", str(unpacked)]
        sections = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        assert ".symtab" not in sections and ".debug_info" not in sections, name
