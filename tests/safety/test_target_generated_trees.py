"""Issue 23, reproduction 9, over generated libraries: whatever mix of real folders and symlinked
folders (leading inside the library or out of it) a library holds when the plan is made, and
whichever of them is swapped for a link out before the plan is applied, nothing is written
outside the real library unless ``allow_target_symlinks`` is on. Real files, real links; the
plan and apply stages as a run chains them, with given matches (no TMDB needed)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.safety.boundary_helpers import files_below, write

from anivault.core.apply.apply import ApplyControls, ApplyOutcome, apply_plan
from anivault.core.apply.journal import Journal, journal_key
from anivault.core.boundaries import is_within
from anivault.core.fingerprint import take_prints
from anivault.core.models import Match, MatchedFile, ParsedFile, ScannedFile, Score
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import PlanOptions

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")

FOLDERS = ("absent", "real", "link inside", "link out")
SHOWS = st.lists(
    st.tuples(st.sampled_from(FOLDERS), st.sampled_from(FOLDERS), st.sampled_from(("keep", "swap out"))),
    min_size=1,
    max_size=4,
)
"""Per show: its show folder, its season folder, and whether its show folder is swapped for a
link out of the library between planning and applying."""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shows=SHOWS, allow=st.booleans())
def test_target_nothing_is_written_outside_a_generated_library(
    shows: list[tuple[str, str, str]], allow: bool
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        library, outside = root / "D", root / "out"
        library.mkdir()
        outside.mkdir()
        for index, (show, season, _) in enumerate(shows):
            _folder(show, library / _show(index), library, outside, f"show {index}")
            if show != "absent":
                _folder(season, library / _show(index) / "Season 01", library, outside, f"season {index}")

        options = PlanOptions(action="copy", allow_target_symlinks=allow)
        plan = build_plan(_matched(root / "S", len(shows)), library, options, source_root=root / "S")
        for entry in plan.entries:
            leads_out = not is_within(os.path.realpath(entry.target.parent), os.path.realpath(library))
            if leads_out and not allow:
                assert (entry.status, entry.error_code) == ("error", "E-FS-OUTSIDE-TARGET"), entry
            elif leads_out:
                assert "allow_target_symlinks" in entry.note, entry

        for index, (_, _, swap) in enumerate(shows):
            if swap == "swap out":
                _swap_out(library / _show(index), outside / f"swapped {index}")
        outcomes: list[ApplyOutcome] = []
        journal = Journal(root / "journal.jsonl", journal_key(root / "state"))
        try:
            apply_plan(plan, journal, ApplyControls(on_outcome=outcomes.append))
        finally:
            journal.close()

        if not allow:
            assert files_below(outside) == {}, "written outside the library"
            refused = {o.entry.entry_id for o in outcomes if o.error_code == "E-FS-OUTSIDE-TARGET"}
            for outcome in outcomes:
                if outcome.status == "moved":
                    assert outcome.entry.entry_id not in refused
                    real = os.path.realpath(outcome.entry.target)
                    assert is_within(real, os.path.realpath(library)), outcome


def _show(index: int) -> str:
    return f"Show {index} (2000)"


def _folder(kind: str, path: Path, library: Path, outside: Path, name: str) -> None:
    if kind == "real":
        path.mkdir()
    elif kind == "link inside":
        (library / f".{name}").mkdir()
        path.symlink_to(library / f".{name}", target_is_directory=True)
    elif kind == "link out":
        (outside / name).mkdir()
        path.symlink_to(outside / name, target_is_directory=True)


def _swap_out(folder: Path, away: Path) -> None:
    """Replace ``folder`` (whatever it is now) by a link to an empty folder outside the library."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder)
    away.mkdir()
    folder.symlink_to(away, target_is_directory=True)


def _matched(source: Path, shows: int) -> list[MatchedFile]:
    matched = []
    for index in range(shows):
        path = write(source / f"Show {index} - 01.mkv", b"show %d" % index)
        scanned = ScannedFile(str(path), path.name)
        parsed = ParsedFile(scanned, None, prints=take_prints(scanned))
        match = Match("tv", 100 + index, f"Show {index}", 2000, 1, (1,), Score(1.0, ()))
        matched.append(MatchedFile(parsed, "matched", match))
    return matched
