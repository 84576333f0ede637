"""Crash states settled from the journal, undo of every action, and Ctrl+C → checkpoint → resume."""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
from tests.core.test_plan_and_organize import matched, write

from anivault.core.apply.apply import ApplyControls, ApplyOutcome, apply_plan
from anivault.core.apply.fsops import partial_name
from anivault.core.apply.journal import Journal, Phase, journal_key
from anivault.core.apply.recovery import read_journal, settle
from anivault.core.apply.session import applying
from anivault.core.apply.undo import undo
from anivault.core.events import NullReporter
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import ListedEntries, Plan, PlanOptions, retarget
from anivault.core.run import resume_last
from anivault.core.state import Checkpoint, journal_path_for, latest_unfinished
from anivault.errors import InterruptedRunError, JournalUntrustedError, PlanUntrustedError, UsageError
from anivault.services.tmdb.client import TmdbClient


def tree(*roots: Path) -> dict[str, str]:
    """Every file (and symlink) under the roots with its content hash."""
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file() or path.is_symlink():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def folders(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir()) if root.exists() else []


def state_of(journal: Path) -> Path:
    """The state folder (and so the journal key) the tests' journals are signed under."""
    return journal.parent / "state"


def key_of(journal: Path) -> bytes:
    return journal_key(state_of(journal))


def apply_all(plan: Plan, journal_path: Path) -> list[ApplyOutcome]:
    journal = Journal(journal_path, key_of(journal_path))
    try:
        return apply_plan(plan, journal, ApplyControls())
    finally:
        journal.close()


def lines(path: Path, *records: dict[str, object]) -> Path:
    """A journal holding ``records``, signed as AniVault signs them (a crash state set up by hand)."""
    journal = Journal(path, key_of(path))
    for record in records:
        fields = dict(record)
        journal.record(Phase(fields.pop("phase")), **fields)
    journal.close()
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return tmp_path / "downloads"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library"
    write(path / "Other Show (2020)" / "Season 01" / "Other Show (2020) S01E01.mkv", b"already here")
    return path


def three_episodes(source: Path) -> list:  # type: ignore[type-arg]
    return [
        matched(
            source,
            f"batch/Frieren - {n:02d}.mkv",
            episode=n,
            content=os.urandom(1000 + n),
            sidecars=(".en.ass",),
        )
        for n in (1, 2, 3)
    ]


# --- undo --------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["move", "copy", "hardlink", "symlink"])
def test_undo_after_apply_restores_the_exact_original_tree(
    action: str, source: Path, library: Path, tmp_path: Path
) -> None:
    items = three_episodes(source)
    before, library_folders = tree(source, library), folders(library)
    journal = tmp_path / "journal.jsonl"
    plan = build_plan(items, library, PlanOptions(action=action))  # type: ignore[arg-type]
    assert [o.status for o in apply_all(plan, journal)] == ["moved"] * 6
    assert tree(source, library) != before

    report = undo(journal, state_of(journal))

    assert (report.restored, report.already_undone, report.left) == (6, 0, ())
    assert report.folders_removed == 2  # "Frieren (2023)" and its "Season 01"; the library was there
    assert tree(source, library) == before
    assert folders(library) == library_folders
    again = undo(journal, state_of(journal))
    assert (again.restored, again.already_undone, again.left) == (0, 6, ())
    assert tree(source, library) == before


def test_undo_leaves_a_file_changed_since_the_run_and_says_so(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = three_episodes(source)
    journal = tmp_path / "journal.jsonl"
    plan = build_plan(items, library)
    apply_all(plan, journal)
    edited = next(e.target for e in plan.entries if e.relative_source.endswith("02.mkv"))
    edited.write_bytes(b"re-encoded by the user")
    report = undo(journal, state_of(journal))
    assert report.restored == 5
    assert len(report.left) == 1
    assert str(edited) in report.left[0]
    assert edited.read_bytes() == b"re-encoded by the user"
    assert edited.parent.is_dir()  # not empty, so kept


def test_undo_keeps_a_copy_whose_original_is_gone(source: Path, library: Path, tmp_path: Path) -> None:
    items = three_episodes(source)
    journal = tmp_path / "journal.jsonl"
    plan = build_plan(items, library, PlanOptions(action="copy"))
    apply_all(plan, journal)
    Path(items[0].parsed.scanned.path).unlink()
    report = undo(journal, state_of(journal))
    assert len(report.left) == 1
    assert "is gone, so this copy is kept" in report.left[0]


def test_undo_of_a_missing_journal_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        undo(tmp_path / "nope.jsonl", tmp_path / "state")


# --- crash states --------------------------------------------------------------------------------


def intent(src: Path, dst: Path, op: str = "move", entry: str = "e1") -> dict[str, object]:
    return {"phase": "intent", "op": op, "id": entry, "src": str(src), "dst": str(dst)}


def test_an_empty_reservation_is_removed_and_the_step_rolled_back(tmp_path: Path) -> None:
    src = write(tmp_path / "a.mkv", b"mine")
    dst = write(tmp_path / "lib" / "a.mkv", b"")
    journal = lines(tmp_path / "j.jsonl", intent(src, dst), {"phase": "reserved", "id": "e1"})
    assert settle(journal, key_of(journal)).steps["e1"].phase == "rolled_back"
    assert not dst.exists()
    assert src.read_bytes() == b"mine"
    assert read_journal(journal, key_of(journal)).done_ids() == frozenset()


def test_a_rename_that_happened_before_the_crash_counts_as_done(tmp_path: Path) -> None:
    src = tmp_path / "a.mkv"
    dst = write(tmp_path / "lib" / "a.mkv", b"mine")
    journal = lines(tmp_path / "j.jsonl", {**intent(src, dst), "size": 4}, {"phase": "reserved", "id": "e1"})
    assert settle(journal, key_of(journal)).done_ids() == frozenset({"e1"})
    assert dst.read_bytes() == b"mine"


def test_a_verified_cross_device_copy_finishes_by_deleting_the_source(tmp_path: Path) -> None:
    src = write(tmp_path / "a.mkv", b"mine")
    dst = write(tmp_path / "lib" / "a.mkv", b"mine")
    leftover = write(partial_name(dst), b"mi")
    journal = lines(tmp_path / "j.jsonl", intent(src, dst), {"phase": "reserved", "id": "e1"})
    assert settle(journal, key_of(journal)).done_ids() == frozenset({"e1"})
    assert not src.exists() and not leftover.exists()
    assert dst.read_bytes() == b"mine"


def test_a_half_written_copy_is_discarded_and_the_source_kept(tmp_path: Path) -> None:
    src = write(tmp_path / "a.mkv", b"mine")
    dst = write(tmp_path / "lib" / "a.mkv", b"")
    leftover = write(partial_name(dst), b"mi")
    journal = lines(tmp_path / "j.jsonl", intent(src, dst, op="copy"), {"phase": "reserved", "id": "e1"})
    assert settle(journal, key_of(journal)).steps["e1"].phase == "rolled_back"
    assert not dst.exists() and not leftover.exists()
    assert src.read_bytes() == b"mine"


def test_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    src = write(tmp_path / "a.mkv", b"mine")
    dst = tmp_path / "lib" / "a.mkv"
    journal = lines(tmp_path / "j.jsonl", intent(src, dst))
    with journal.open("a", encoding="utf-8") as handle:
        handle.write('{"phase": "reser')
    assert settle(journal, key_of(journal)).steps["e1"].phase == "rolled_back"


@pytest.mark.parametrize("op", ["hardlink", "symlink"])
def test_links_are_done_when_they_exist_and_redone_otherwise(op: str, tmp_path: Path) -> None:
    src = write(tmp_path / "a.mkv", b"mine")
    made = tmp_path / "lib" / "made.mkv"
    missing = tmp_path / "lib" / "missing.mkv"
    made.parent.mkdir()
    if op == "hardlink":
        os.link(src, made)
    else:
        os.symlink(src.absolute(), made)
    journal = lines(tmp_path / "j.jsonl", intent(src, made, op, "e1"), intent(src, missing, op, "e2"))
    state = settle(journal, key_of(journal))
    assert (state.steps["e1"].phase, state.steps["e2"].phase) == ("done", "rolled_back")


# --- Ctrl+C, checkpoint, resume ------------------------------------------------------------------


def test_ctrl_c_checkpoints_and_resume_finishes_without_redoing(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = three_episodes(source)
    before = sorted(tree(source, library).values())
    state_dir = tmp_path / "state"
    plan = build_plan(items, library, source_root=source)
    checkpoint = Checkpoint("20260101T000000.000-abcdef", "apply", str(journal_path_for(state_dir, "r")))
    seen: list[ApplyOutcome] = []

    def press_ctrl_c_once(outcome: ApplyOutcome) -> None:
        seen.append(outcome)
        if len(seen) == 2:
            signal.raise_signal(signal.SIGINT)  # Windows too (os.kill would end the process)

    with (
        pytest.raises(InterruptedRunError) as caught,
        applying(state_dir, plan.target_root, checkpoint) as session,
    ):
        session.apply(plan, reporter=NullReporter(), on_outcome=press_ctrl_c_once)
    assert caught.value.code == "E-INTERRUPTED"
    assert "--resume" in caught.value.message
    assert len(seen) == 2
    saved = latest_unfinished(state_dir)
    assert (saved.phase, saved.done, saved.total) == ("apply", 2, 6)

    def no_client() -> TmdbClient:
        raise AssertionError("an apply-phase resume must not need TMDB")

    result = resume_last(state_dir, client_factory=no_client, reporter=NullReporter())

    assert [o.status for o in result.outcomes] == ["moved"] * 4
    assert {o.entry.entry_id for o in result.outcomes}.isdisjoint({o.entry.entry_id for o in seen})
    assert sorted(tree(source, library).values()) == before
    assert not [p for p in source.rglob("*") if p.is_file()]
    with pytest.raises(UsageError, match="no interrupted run"):
        latest_unfinished(state_dir)
    again = resume_last(state_dir, client_factory=no_client, reporter=NullReporter())
    assert (again.outcomes, again.error_codes, len(again.plan.entries)) == ((), (), 0)


def test_resume_before_any_run_is_a_usage_error(tmp_path: Path) -> None:
    def no_client() -> TmdbClient:
        raise AssertionError("nothing to resume: no client needed")

    with pytest.raises(UsageError, match="no interrupted run"):
        resume_last(tmp_path / "state", client_factory=no_client, reporter=NullReporter())


def test_an_empty_reservation_whose_reserved_line_was_cut_off_is_ours(tmp_path: Path) -> None:
    """Found by the SIGKILL suite: killed between the O_EXCL create and the ``reserved`` line."""
    src = write(tmp_path / "a.mkv", b"mine")
    dst = write(tmp_path / "lib" / "a.mkv", b"")
    journal = lines(tmp_path / "j.jsonl", intent(src, dst))
    assert settle(journal, key_of(journal)).steps["e1"].phase == "rolled_back"
    assert not dst.exists()
    assert src.read_bytes() == b"mine"


def test_a_non_empty_file_at_a_target_with_only_an_intent_is_not_ours(tmp_path: Path) -> None:
    src = write(tmp_path / "a.mkv", b"mine")
    dst = write(tmp_path / "lib" / "a.mkv", b"someone else's")
    journal = lines(tmp_path / "j.jsonl", intent(src, dst))
    assert settle(journal, key_of(journal)).steps["e1"].phase == "rolled_back"
    assert dst.read_bytes() == b"someone else's"


def test_a_checkpoint_keeps_the_runs_extensions_and_exclude_globs(tmp_path: Path) -> None:
    from anivault.core.config import RunConfig
    from anivault.core.lookup.scan import ScanFilter
    from anivault.core.lookup.stream import LookupRequest

    select = ScanFilter(frozenset({".mkv", ".mp4"}), ("*.part", "Specials"))
    config = RunConfig(LookupRequest(tmp_path / "src", None, 0, 0.6, select=select), tmp_path / "dst")

    stored = json.loads(json.dumps(config.to_json()))

    assert RunConfig.from_json(stored).lookup.select == select
    assert RunConfig.from_json(stored | {"extensions": [], "exclude": []}).lookup.select is None


# --- journals are untrusted (issue 23) -----------------------------------------------------------


def test_the_journal_key_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    first = journal_key(tmp_path / "state")
    assert journal_key(tmp_path / "state") == first
    assert len(first) == 32
    assert (tmp_path / "state" / "journal.key").stat().st_mode & 0o777 == 0o600


def signed_journal(tmp_path: Path) -> Path:
    src = write(tmp_path / "a.mkv", b"mine")
    dst = tmp_path / "lib" / "a.mkv"
    return lines(tmp_path / "j.jsonl", intent(src, dst), {"phase": "done", "id": "e1"})


@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: text.replace("a.mkv", "b.mkv", 1),  # a path edited
        lambda text: text + json.dumps({"phase": "mkdir", "path": "/tmp"}) + "\n",  # a line added
        lambda text: "\n".join(reversed(text.splitlines())) + "\n",  # lines reordered
    ],
)
def test_a_journal_edited_by_hand_is_refused(tmp_path: Path, tamper: Callable[[str], str]) -> None:
    journal = signed_journal(tmp_path)
    journal.write_text(tamper(journal.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(JournalUntrustedError) as caught:
        read_journal(journal, key_of(journal))
    assert caught.value.code == "E-JOURNAL-UNTRUSTED"
    with pytest.raises(JournalUntrustedError):
        undo(journal, state_of(journal))


def test_a_journal_signed_under_another_home_is_refused(tmp_path: Path) -> None:
    journal = signed_journal(tmp_path)
    with pytest.raises(JournalUntrustedError):
        undo(journal, tmp_path / "another-home" / "state")


# --- undo never deletes the last copy, and is itself interruptible (issue 23) ------------------


def test_undo_keeps_both_when_the_original_of_a_copy_changed(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = three_episodes(source)
    journal = tmp_path / "journal.jsonl"
    plan = build_plan(items, library, PlanOptions(action="copy"))
    apply_all(plan, journal)
    original = Path(items[0].parsed.scanned.path)
    copied = next(e.target for e in plan.entries if e.source == original)
    kept = copied.read_bytes()
    original.write_bytes(b"another file under the same name")
    report = undo(journal, state_of(journal))
    assert report.restored == 5
    assert len(report.left) == 1 and str(original) in report.left[0] and str(copied) in report.left[0]
    assert copied.read_bytes() == kept  # the only copy of the original bytes stays


def test_an_undo_killed_mid_copy_back_is_settled_by_the_next_undo(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = three_episodes(source)
    before = tree(source, library)
    journal = tmp_path / "journal.jsonl"
    plan = build_plan(items, library)
    apply_all(plan, journal)
    entry = plan.entries[0]
    # The state a kill leaves mid cross-device copy back: intent and reservation journalled, an
    # empty reservation at the original name, a partial copy beside it, the library file intact.
    record = Journal(journal, key_of(journal))
    record.record(Phase.UNDO_INTENT, id=entry.entry_id)
    record.record(Phase.UNDO_RESERVED, id=entry.entry_id)
    record.close()
    entry.source.write_bytes(b"")
    partial_name(entry.source).write_bytes(entry.target.read_bytes()[:10])

    report = undo(journal, state_of(journal))

    assert (report.restored, report.left) == (6, ())
    assert tree(source, library) == before
    assert not partial_name(entry.source).exists()


def test_an_undo_killed_after_the_copy_back_but_before_the_delete_finishes_it(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = three_episodes(source)
    before = tree(source, library)
    journal = tmp_path / "journal.jsonl"
    plan = build_plan(items, library)
    apply_all(plan, journal)
    entry = plan.entries[0]
    record = Journal(journal, key_of(journal))
    record.record(Phase.UNDO_INTENT, id=entry.entry_id)
    record.close()
    entry.source.write_bytes(entry.target.read_bytes())  # verified copy renamed back; kill

    report = undo(journal, state_of(journal))

    assert (report.restored, report.left) == (6, ())
    assert tree(source, library) == before


def test_an_undone_run_leaves_nothing_for_resume(source: Path, library: Path, tmp_path: Path) -> None:
    items = three_episodes(source)
    before = tree(source, library)
    state_dir = tmp_path / "state"
    plan = build_plan(items, library, source_root=source)
    run_id = "20260101T000000.000-abcdef"
    checkpoint = Checkpoint(run_id, "apply", str(journal_path_for(state_dir, run_id)))
    seen: list[ApplyOutcome] = []

    def press_ctrl_c_once(outcome: ApplyOutcome) -> None:
        seen.append(outcome)
        if len(seen) == 2:
            signal.raise_signal(signal.SIGINT)  # Windows too (os.kill would end the process)

    with pytest.raises(InterruptedRunError), applying(state_dir, plan.target_root, checkpoint) as session:
        session.apply(plan, reporter=NullReporter(), on_outcome=press_ctrl_c_once)
    report = undo(Path(checkpoint.journal), state_dir)
    assert (report.restored, report.left) == (2, ())

    def no_client() -> TmdbClient:
        raise AssertionError("nothing to resume: no client needed")

    again = resume_last(state_dir, client_factory=no_client, reporter=NullReporter())
    assert again.outcomes == ()
    assert tree(source, library) == before


def test_a_plan_naming_one_entry_twice_is_refused_before_anything_moves(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = three_episodes(source)
    before = tree(source, library)
    plan = build_plan(items, library)
    first = plan.entries[0]
    twice = Plan(
        library, ListedEntries((*plan.entries, retarget(first, library, PurePosixPath("Twice/again.mkv"))))
    )
    with pytest.raises(PlanUntrustedError):
        apply_all(twice, tmp_path / "journal.jsonl")
    assert tree(source, library) == before
