"""Where planning may write (``core/boundaries.py``): the remembered verdicts of planning must be
the verdicts the file system gives, on real folders and links in temp folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from anivault.core.boundaries import TargetBoundary
from anivault.errors import OutsideTargetError


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_a_target_ending_in_dotdot_is_judged_where_it_leads_after_its_folder_was_remembered(
    tmp_path: Path,
) -> None:
    library = tmp_path / "library"
    boundary = TargetBoundary(library, remember=True)
    assert boundary.check(library / "Show" / "Show S01E01.mkv") == ""
    with pytest.raises(OutsideTargetError):
        boundary.check(library / "Show" / "..")  # its folder is the one holding the library


def test_planning_finds_links_leading_out_at_any_depth_of_an_existing_library(
    tmp_path: Path, outside: Path
) -> None:
    library = tmp_path / "library"
    (library / "Real Show" / "Season 01").mkdir(parents=True)
    (library / "Linked Show").symlink_to(outside, target_is_directory=True)
    (library / "Real Show" / "Season 02").symlink_to(outside, target_is_directory=True)
    boundary = TargetBoundary(library, remember=True)
    assert boundary.check(library / "Real Show" / "Season 01" / "a.mkv") == ""
    assert boundary.check(library / "New Show" / "Season 01" / "a.mkv") == ""
    for leading_out in (library / "Linked Show" / "Season 01", library / "Real Show" / "Season 02"):
        with pytest.raises(OutsideTargetError, match="symbolic link"):
            boundary.check(leading_out / "a.mkv")
    allowed = TargetBoundary(library, remember=True, allow_symlinks=True)
    assert "written through a link" in allowed.check(library / "Linked Show" / "Season 01" / "a.mkv")


def test_a_link_made_after_a_folder_was_listed_is_still_caught_by_the_apply(
    tmp_path: Path, outside: Path
) -> None:
    """Planning remembers; the apply's boundary does not, so a swap in between is refused there."""
    library = tmp_path / "library"
    (library / "Show").mkdir(parents=True)
    planning = TargetBoundary(library, remember=True)
    assert planning.check(library / "Show" / "Season 01" / "a.mkv") == ""
    os.symlink(outside, library / "Show" / "Season 01", target_is_directory=True)
    with pytest.raises(OutsideTargetError):
        TargetBoundary(library).check(library / "Show" / "Season 01" / "a.mkv")
