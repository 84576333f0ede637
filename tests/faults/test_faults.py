"""The fault suite: the real CLI in subprocesses, real files, the real stand-in, one fault each.

Every scenario ends with the same verdict — no file lost, duplicated or half-written — plus the
exit status and error code the docs promise. Scenarios that need root's mounts or permission bits
that bind are skipped with the reason where the machine cannot provide them.
"""

from __future__ import annotations

import os
import signal
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.faultlab import scenarios
from tools.faultlab.cli import CTRL_C_SENDABLE, CTRL_C_UNSENDABLE, unprivileged_available
from tools.faultlab.mounts import mounts_permitted
from tools.tmdb_standin.server import Standin

pytestmark = pytest.mark.faults

needs_unprivileged = pytest.mark.skipif(
    not unprivileged_available(), reason="permission bits do not bind here (root without setpriv)"
)
needs_ctrl_c = pytest.mark.skipif(not CTRL_C_SENDABLE, reason=CTRL_C_UNSENDABLE)
WINDOWS = os.name == "nt"


@pytest.fixture
def lab(tmp_path: Path, tmdb_standin: Standin) -> scenarios.Lab:
    return scenarios.Lab(tmp_path / "lab", tmdb_standin)


def assert_ok(result: scenarios.ScenarioResult) -> None:
    assert result.files_checked > 0
    assert result.ok, "\n".join(result.failures())


KILLS = int(os.environ.get("ANIVAULT_FAULT_KILLS", "4"))


@pytest.mark.parametrize("action", ["move", "copy"])
def test_sigkill_then_resume_equals_an_uninterrupted_run(lab: scenarios.Lab, action: str) -> None:
    assert_ok(scenarios.sigkill_then_resume(lab, kills=KILLS, action=action))


def test_sigkill_during_cross_device_moves_then_resume(lab: scenarios.Lab, tmp_path: Path) -> None:
    if not mounts_permitted(tmp_path / "probe"):
        pytest.skip("cannot mount a tmpfs here for a second device")
    assert_ok(scenarios.sigkill_then_resume(lab, kills=KILLS, cross_device=True))


@needs_ctrl_c
@pytest.mark.parametrize("runner_sigint", ["as inherited", "ignored"])
def test_sigint_during_lookup_is_interrupted_and_rerun_completes(
    lab: scenarios.Lab, runner_sigint: str
) -> None:
    """``ignored``: as in a suite that a script started as ``command &`` (SIGINT ignored, and
    inherited so by every child); the CLI must still get the Ctrl+C the scenario sends."""
    previous = signal.getsignal(signal.SIGINT)
    if runner_sigint == "ignored":
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        result = scenarios.sigint_during_lookup(lab)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert_ok(result)


@needs_ctrl_c
def test_sigint_during_apply_checkpoints_and_resume_finishes(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.sigint_during_apply(lab))


def test_disk_full_removes_partial_target_and_keeps_source(lab: scenarios.Lab, tmp_path: Path) -> None:
    if not mounts_permitted(tmp_path / "probe"):
        pytest.skip("cannot mount a size-limited tmpfs here")
    assert_ok(scenarios.disk_full_on_target(lab))


@needs_unprivileged
def test_read_only_target_fails_per_file_and_loses_nothing(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.read_only_target(lab))


@needs_unprivileged
def test_unreadable_source_folder_is_skipped_and_reported(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.unreadable_source_folder(lab))


def test_corrupt_cache_is_quarantined_and_the_plan_unchanged(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.corrupt_cache(lab))


def test_truncated_plan_is_refused_and_torn_journal_still_undoes(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.damaged_plan_and_journal(lab))


def test_invalid_config_is_a_clear_config_error(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.invalid_config(lab))


@pytest.mark.parametrize("retry_after", [0, 1, "http-date:2"])
def test_429_storm_respects_rate_and_retry_after(lab: scenarios.Lab, retry_after: int | str) -> None:
    assert_ok(scenarios.tmdb_429_storm(lab, retry_after=retry_after))


def test_two_processes_share_cache_and_lock_the_library(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.two_processes(lab))


def test_5xx_bursts_are_retried_to_the_same_plan(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.tmdb_5xx_burst(lab))


def test_stalling_tmdb_ends_in_bounded_time(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.tmdb_stalls(lab))


def test_tmdb_dying_mid_run_still_finishes(lab: scenarios.Lab) -> None:
    assert_ok(scenarios.tmdb_server_dies(lab))


HOSTILE_NAMES = [
    "[Grp] Sousou no Frieren - 07 (1080p) 🎉🔥.mkv".encode(),
    "[Grp] \u05e9\u05dc\u05d5\u05dd \u202eevil\u202c - 01.mkv".encode(),
    unicodedata.normalize("NFD", "[Grp] Kōkaku Kidōtai - 03.mkv").encode(),
    b"[Grp] Trailing dots - 04... .mkv",
    b"aux - 05.mkv",
    ("[Grp] " + "Very Long Title " * 15 + "- 06.mkv").encode(),
]
POSIX_ONLY_NAMES = [
    b"[Grp] Undecodable \xff\xfe name - 02.mkv",
    b"CON.mkv",
    b"[Grp] Re:Zero kara Hajimeru Isekai Seikatsu - 01 [A1B2C3D4].mkv",
    b'[Grp] What? <Who> | "Why" * - 08.mkv',
]
"""Names NTFS cannot hold (bytes that are not UTF-8, a device name, characters it forbids: a colon
would even name an alternate data stream): downloads on Windows never carry them."""
NTFS_FORBIDDEN = '<>:"\\|?*'


def test_hostile_names_are_organised_or_left_alone_never_lost(lab: scenarios.Lab) -> None:
    names = HOSTILE_NAMES if WINDOWS else HOSTILE_NAMES + POSIX_ONLY_NAMES
    assert_ok(scenarios.hostile_names(lab, names))


name_piece = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc") if WINDOWS else ("Cs",),
        blacklist_characters="/\x00" + (NTFS_FORBIDDEN if WINDOWS else ""),
    ),
    min_size=1,
    max_size=40,
)
hostile_name = st.builds(
    lambda title, episode, tail: f"[Grp] {title} - {episode:02d}{tail}.mkv".encode(
        "utf-8", "surrogateescape"
    ),
    name_piece,
    st.integers(0, 130),
    st.sampled_from(["", " ", "...", " (1080p)", "\u200f", "\ufeff"]),
).filter(lambda raw: len(raw) <= 250)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(hostile_name, min_size=3, max_size=8, unique=True))
def test_generated_hostile_trees_lose_nothing(
    tmp_path: Path, tmdb_standin: Standin, names: list[bytes]
) -> None:
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    assert_ok(scenarios.hostile_names(scenarios.Lab(work / "lab", tmdb_standin), names))
