"""The library lock: one applying run per destination, released even when the run fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from anivault.core.apply.lock import hold_library, lock_path
from anivault.errors import LibraryBusyError

HOLD_AND_WAIT = """
import sys
from pathlib import Path
from anivault.core.apply.lock import hold_library
with hold_library(Path(sys.argv[1]), Path(sys.argv[2])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_second_process_on_one_library_is_refused_with_the_holder(tmp_path: Path) -> None:
    library, state = tmp_path / "library", tmp_path / "state"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT, str(state), str(library)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LibraryBusyError) as refused, hold_library(state, library):
            pass
    finally:
        holder.communicate("", timeout=30)
    assert refused.value.code == "E-BUSY"
    assert f"pid {holder.pid}" in refused.value.message and str(library) in refused.value.message
    with hold_library(state, library):  # released when the other process let go
        pass


def test_a_second_take_in_the_holding_process_is_a_bug(tmp_path: Path) -> None:
    state, library = tmp_path / "state", tmp_path / "lib"
    with hold_library(state, library):
        with pytest.raises(RuntimeError, match="already holds"), hold_library(state, library):
            pass
        # The refused take released nothing: the library is still this process's.
        with pytest.raises(RuntimeError, match="already holds"), hold_library(state, library):
            pass
    with hold_library(state, library):  # free again once the one holder let go
        assert lock_path(state, library).exists()


def test_different_libraries_do_not_block_each_other(tmp_path: Path) -> None:
    with hold_library(tmp_path / "state", tmp_path / "a"), hold_library(tmp_path / "state", tmp_path / "b"):
        assert lock_path(tmp_path / "state", tmp_path / "a") != lock_path(tmp_path / "state", tmp_path / "b")


def test_lock_is_released_when_the_run_raises(tmp_path: Path) -> None:
    library = tmp_path / "library"
    with pytest.raises(RuntimeError), hold_library(tmp_path / "state", library):
        raise RuntimeError("run failed")
    with hold_library(tmp_path / "state", library):
        pass
