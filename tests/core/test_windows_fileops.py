"""Windows file-operation failures on any OS: a ``FileOps`` that raises what Windows raises for
chosen paths (a player holding a video open, no symlink privilege, another volume), over real
files, through ``apply_retrying_locked`` (what every ``--apply`` runs) and the real journal."""

from __future__ import annotations

import errno
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from tests.core.test_plan_and_organize import by_source, matched

from anivault.core.apply.apply import ApplyControls, ApplyOutcome
from anivault.core.apply.fileops import (
    ERROR_PRIVILEGE_NOT_HELD,
    ERROR_SHARING_VIOLATION,
    OsFileOps,
    copy_instead,
    is_locked,
)
from anivault.core.apply.fsops import translate_os_error
from anivault.core.apply.journal import Journal, journal_key
from anivault.core.apply.recovery import read_journal
from anivault.core.apply.retry import apply_retrying_locked
from anivault.core.apply.undo import undo
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import Plan, PlanOptions
from anivault.core.plan.pathrules import POSIX_RULES, WINDOWS_RULES
from anivault.core.run import fallback_warnings
from anivault.services.settings_model import Action


def windows_error(winerror: int, message: str, path: str) -> OSError:
    """An OSError as Python raises it on Windows: errno from its own table, ``winerror`` kept."""
    exc = OSError(errno.EACCES if winerror == ERROR_SHARING_VIOLATION else errno.EINVAL, message, path)
    exc.winerror = winerror  # type: ignore[attr-defined]
    return exc


class Player(OsFileOps):
    """Holds files open the way a Windows video player does: renaming or deleting them fails with
    a sharing violation, for the first ``holds`` attempts on each (every attempt, by default)."""

    def __init__(self, *names: str, holds: int = 1_000) -> None:
        self.names = names
        self.holds = holds
        self.attempts: Counter[str] = Counter()

    def _refuse(self, path: str) -> None:
        name = os.path.basename(path)
        if name in self.names:
            self.attempts[name] += 1
            if self.attempts[name] <= self.holds:
                raise windows_error(ERROR_SHARING_VIOLATION, "being used by another process", path)

    def rename(self, source: str, target: str) -> None:
        self._refuse(source)
        super().rename(source, target)

    def remove(self, path: str) -> None:
        self._refuse(path)
        super().remove(path)


class OtherVolume(Player):
    """The target is on another volume: every rename and link crosses devices."""

    def rename(self, source: str, target: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link", source)

    def hardlink(self, source: str, target: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link", source)


class Unprivileged(OsFileOps):
    def __init__(self, error: OSError) -> None:
        self.error = error

    def symlink(self, source: str, target: str) -> None:
        raise self.error


def key_for(journal_path: Path) -> bytes:
    """The journal key of a home whose state folder sits beside the journal."""
    return journal_key(journal_path.parent / "state")


def apply_with(
    plan: Plan, ops: OsFileOps, journal_path: Path
) -> tuple[list[ApplyOutcome], list[ApplyOutcome]]:
    reported: list[ApplyOutcome] = []
    journal = Journal(journal_path, key_for(journal_path))
    try:
        outcomes = apply_retrying_locked(plan, journal, ApplyControls(on_outcome=reported.append, ops=ops))
    finally:
        journal.close()
    return outcomes, reported


def library_plan(tmp_path: Path, action: Action = "move") -> Plan:
    source = tmp_path / "downloads"
    items = [
        matched(source, "Frieren - 01.mkv", episode=1, sidecars=(".en.ass",)),
        matched(source, "Frieren - 02.mkv", episode=2, sidecars=(".en.ass",)),
    ]
    return build_plan(items, tmp_path / "library", PlanOptions(action=action))


def test_a_file_held_open_throughout_fails_locked_after_one_retry_and_nothing_is_half_moved(
    tmp_path: Path,
) -> None:
    plan = library_plan(tmp_path)
    player = Player("Frieren - 01.mkv")

    outcomes, reported = apply_with(plan, player, tmp_path / "journal.jsonl")

    assert player.attempts["Frieren - 01.mkv"] == 2, "tried once, and once more at the end"
    assert reported == outcomes, "each entry reported once, with its final outcome"
    final = {o.entry.relative_source: o for o in outcomes}
    assert final["Frieren - 01.mkv"].status == "failed"
    assert final["Frieren - 01.mkv"].error_code == "E-FS-LOCKED"
    assert "open in another program" in final["Frieren - 01.mkv"].message
    assert final["Frieren - 01.en.ass"].status == "skipped", "a sidecar never moves without its video"
    assert final["Frieren - 02.mkv"].status == final["Frieren - 02.en.ass"].status == "moved"
    entries = by_source(plan)
    for name in ("Frieren - 01.mkv", "Frieren - 01.en.ass"):
        assert entries[name].source.read_bytes() == name.encode()
        assert not entries[name].target.exists()
    assert not list(entries["Frieren - 01.mkv"].target.parent.glob("*anivault-partial"))
    state = read_journal(tmp_path / "journal.jsonl", key_for(tmp_path / "journal.jsonl"))
    assert state.steps[entries["Frieren - 01.mkv"].entry_id].phase == "failed"


def test_a_file_let_go_by_the_end_of_the_apply_moves_on_the_retry_with_its_sidecar(tmp_path: Path) -> None:
    plan = library_plan(tmp_path)
    player = Player("Frieren - 01.mkv", holds=1)

    outcomes, reported = apply_with(plan, player, tmp_path / "journal.jsonl")

    assert reported == outcomes
    assert [o.status for o in outcomes] == ["moved"] * 4
    assert [o.entry.relative_source for o in outcomes[-2:]] == ["Frieren - 01.mkv", "Frieren - 01.en.ass"]
    for entry in plan.entries:
        assert entry.target.read_bytes() == entry.relative_source.encode()
        assert not entry.source.exists()
    state = read_journal(tmp_path / "journal.jsonl", key_for(tmp_path / "journal.jsonl"))
    assert state.done_ids() == {e.entry_id for e in plan.entries}
    report = undo(tmp_path / "journal.jsonl", tmp_path / "state")
    assert report.restored == 4 and not report.left
    assert all(e.source.read_bytes() == e.relative_source.encode() for e in plan.entries)


def test_a_cross_volume_move_whose_source_cannot_be_deleted_takes_its_copy_back(tmp_path: Path) -> None:
    plan = library_plan(tmp_path)
    volume = OtherVolume("Frieren - 01.mkv")

    outcomes, _ = apply_with(plan, volume, tmp_path / "journal.jsonl")

    final = {o.entry.relative_source: o for o in outcomes}
    assert final["Frieren - 01.mkv"].error_code == "E-FS-LOCKED"
    assert final["Frieren - 02.mkv"].status == "moved"
    video = by_source(plan)["Frieren - 01.mkv"]
    assert video.source.read_bytes() == b"Frieren - 01.mkv"
    assert not video.target.exists(), "the verified copy went again: the file is in one place only"


def test_a_cross_volume_move_is_copy_verify_delete_and_journalled(tmp_path: Path) -> None:
    plan = library_plan(tmp_path)

    outcomes, _ = apply_with(plan, OtherVolume(), tmp_path / "journal.jsonl")

    assert [o.status for o in outcomes] == ["moved"] * 4
    for entry in plan.entries:
        assert entry.target.read_bytes() == entry.relative_source.encode()
        assert not entry.source.exists()
    records = [
        json.loads(line) for line in (tmp_path / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for entry in plan.entries:
        phases = [r["phase"] for r in records if r.get("id") == entry.entry_id]
        assert phases == ["intent", "reserved", "done"]


def test_a_hardlink_refused_across_volumes_at_apply_time_fails_cross_device_and_copies_nothing(
    tmp_path: Path,
) -> None:
    plan = library_plan(tmp_path, "hardlink")

    outcomes, reported = apply_with(plan, OtherVolume(), tmp_path / "journal.jsonl")

    assert reported == outcomes
    final = {o.entry.relative_source: o for o in outcomes}
    for video in ("Frieren - 01.mkv", "Frieren - 02.mkv"):
        assert (final[video].status, final[video].error_code) == ("failed", "E-FS-CROSS-DEVICE")
        message = final[video].message
        assert "hard links cannot cross volumes" in message and "--action copy" in message
    assert final["Frieren - 01.en.ass"].status == final["Frieren - 02.en.ass"].status == "skipped"
    for entry in plan.entries:
        assert entry.source.read_bytes() == entry.relative_source.encode()
        assert not entry.target.exists()
    assert not [p for p in (tmp_path / "library").rglob("*") if p.is_file()]
    state = read_journal(tmp_path / "journal.jsonl", key_for(tmp_path / "journal.jsonl"))
    assert {state.steps[final[v].entry.entry_id].phase for v in ("Frieren - 01.mkv", "Frieren - 02.mkv")} == {
        "failed"
    }
    assert "fallback" not in (tmp_path / "journal.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("source", "folder", "other"),
    [
        ("C:\\Downloads\\x.mkv", "D:\\Anime", True),
        ("C:\\Downloads\\x.mkv", "\\\\nas\\anime", True),
        ("\\\\nas\\downloads\\x.mkv", "\\\\nas\\anime", True),
        ("\\\\nas\\anime\\new\\x.mkv", "\\\\NAS\\Anime\\TV", False),
        ("c:\\Downloads\\x.mkv", "C:\\Anime", False),
    ],
)
def test_under_windows_rules_drive_letters_and_unc_shares_are_volumes(
    source: str, folder: str, other: bool
) -> None:
    assert WINDOWS_RULES.other_volume(Path(source), Path(folder)) is other
    refusal = WINDOWS_RULES.link_refusal("hardlink", Path(source), Path(folder))
    assert (refusal is not None and refusal.code == "E-FS-CROSS-DEVICE") is other
    assert WINDOWS_RULES.link_refusal("copy", Path(source), Path(folder)) is None
    assert not POSIX_RULES.other_volume(Path(source), Path(folder)), "posix rules read no drive letters"


@pytest.mark.parametrize(
    "error",
    [
        windows_error(ERROR_PRIVILEGE_NOT_HELD, "A required privilege is not held by the client", "x"),
        OSError(errno.EPERM, "Operation not permitted", "x"),
    ],
    ids=["winerror-1314", "EPERM"],
)
def test_a_symlink_without_the_privilege_falls_back_to_a_copy_with_a_warning(
    tmp_path: Path, error: OSError
) -> None:
    plan = library_plan(tmp_path, "symlink")

    outcomes, _ = apply_with(plan, Unprivileged(error), tmp_path / "journal.jsonl")

    assert {o.status for o in outcomes} == {"moved"}
    assert all("symbolic links not permitted" in o.message for o in outcomes)
    for entry in plan.entries:
        assert not entry.target.is_symlink()
        assert entry.target.read_bytes() == entry.relative_source.encode()
        assert entry.source.exists()
    (warning,) = fallback_warnings(outcomes)
    assert warning.startswith("4 file(s): symbolic links not permitted here")


def test_a_hardlink_never_becomes_a_copy_and_a_symlink_only_for_want_of_the_privilege() -> None:
    assert copy_instead("hardlink", OSError(errno.EPERM, "Operation not permitted")) is None
    assert copy_instead("hardlink", OSError(errno.EXDEV, "Invalid cross-device link")) is None
    assert copy_instead("symlink", OSError(errno.EACCES, "Permission denied")) is None


@pytest.mark.parametrize(
    "error",
    [
        windows_error(ERROR_SHARING_VIOLATION, "being used by another process", "x"),
        windows_error(33, "another process has locked a portion of the file", "x"),
        OSError(errno.EBUSY, "Device or resource busy"),
        OSError(errno.ETXTBSY, "Text file busy"),
    ],
    ids=["sharing-violation", "lock-violation", "EBUSY", "ETXTBSY"],
)
def test_in_use_errors_are_e_fs_locked_before_their_errno_is_read(error: OSError) -> None:
    assert is_locked(error)
    assert translate_os_error(error, Path("x.mkv")).code == "E-FS-LOCKED"


def test_a_plain_permission_error_is_still_e_fs_perm() -> None:
    error = OSError(errno.EACCES, "Permission denied")
    assert not is_locked(error)
    assert translate_os_error(error, Path("x.mkv")).code == "E-FS-PERM"
