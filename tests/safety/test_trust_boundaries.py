"""Issue 23, reproductions 2, 3, 4, 5, 7, 8, 10, 11 and 12: each through the real CLI in
subprocesses, real files and the real TMDB stand-in (``tools/faultlab/trust.py``), each failing on
the code before the fix. Every scenario also counts files written outside --dst and library files
taken from outside --src; both must be 0, like files lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.faultlab import scenarios, trust
from tools.faultlab.cli import CTRL_C_SENDABLE, CTRL_C_UNSENDABLE
from tools.faultlab.mounts import mounts_permitted
from tools.tmdb_standin.server import Standin


@pytest.fixture
def lab(tmp_path: Path, tmdb_standin: Standin) -> scenarios.Lab:
    return scenarios.Lab(tmp_path / "lab", tmdb_standin, series=3, movies=1)


def assert_ok(result: scenarios.ScenarioResult) -> None:
    assert result.files_checked > 0
    assert result.ok, "\n".join(result.failures())


def test_repro_2_edited_shared_and_symlinked_plans_take_nothing_from_outside(lab: scenarios.Lab) -> None:
    assert_ok(trust.hostile_plan(lab))


def test_repro_3_undo_of_a_copy_never_deletes_the_last_copy(lab: scenarios.Lab) -> None:
    assert_ok(trust.undo_keeps_the_last_copy(lab))


def test_repro_4_forged_edited_and_foreign_journals_are_refused(lab: scenarios.Lab) -> None:
    assert_ok(trust.forged_journal(lab))


def test_repro_5_from_plan_status_and_undo_work_from_another_folder(lab: scenarios.Lab) -> None:
    assert_ok(trust.other_working_folder(lab))


def test_repro_7_undo_killed_or_interrupted_then_rerun_restores_exactly(lab: scenarios.Lab) -> None:
    assert_ok(trust.kill_during_undo(lab, kills=2))


def test_repro_7_undo_killed_during_a_cross_device_copy_back(lab: scenarios.Lab, tmp_path: Path) -> None:
    if not mounts_permitted(tmp_path / "probe"):
        pytest.skip("cannot mount a tmpfs here for a second device")
    assert_ok(trust.kill_during_undo(lab, kills=2, cross_device=True))


@pytest.mark.skipif(not CTRL_C_SENDABLE, reason=CTRL_C_UNSENDABLE)
def test_repro_8_resume_after_undoing_an_interrupted_run_moves_nothing(lab: scenarios.Lab) -> None:
    assert_ok(trust.undo_then_resume(lab))


def test_repro_10_broken_settings_cache_entry_and_lock_give_codes(lab: scenarios.Lab) -> None:
    assert_ok(trust.broken_settings_and_state(lab))


def test_repro_11_exit_statuses_and_closing_error_events(lab: scenarios.Lab) -> None:
    assert_ok(trust.exit_statuses(lab))


@pytest.mark.slow
def test_repro_12_rate_holds_on_a_loaded_cpu(lab: scenarios.Lab) -> None:
    assert_ok(trust.rate_on_a_loaded_cpu(lab))
