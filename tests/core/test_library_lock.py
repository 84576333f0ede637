"""The library lock: one applying run per destination, released even when the run fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from anivault.core.library_lock import hold_library, lock_path
from anivault.errors import LibraryBusyError


def test_second_holder_of_one_library_is_refused_with_the_holder(tmp_path: Path) -> None:
    library = tmp_path / "library"
    with (
        hold_library(tmp_path / "state", library),
        pytest.raises(LibraryBusyError) as refused,
        hold_library(tmp_path / "state", library),
    ):
        pass
    assert refused.value.code == "E-BUSY"
    assert "pid " in refused.value.message and str(library) in refused.value.message


def test_different_libraries_do_not_block_each_other(tmp_path: Path) -> None:
    with hold_library(tmp_path / "state", tmp_path / "a"), hold_library(tmp_path / "state", tmp_path / "b"):
        assert lock_path(tmp_path / "state", tmp_path / "a") != lock_path(tmp_path / "state", tmp_path / "b")


def test_lock_is_released_when_the_run_raises(tmp_path: Path) -> None:
    library = tmp_path / "library"
    with pytest.raises(RuntimeError), hold_library(tmp_path / "state", library):
        raise RuntimeError("run failed")
    with hold_library(tmp_path / "state", library):
        pass
