"""A run writes its checkpoint once per change of state: ``run --apply``, ``--from-plan`` and
``--resume`` alike, never the same state twice.

The writes are observed as the interpreter reports them: every checkpoint is replaced into place
with ``os.replace``, which raises the audit event ``os.rename`` before it renames, while the temp
file still holds the new content.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.core.test_plan_and_organize import matched, write

from anivault.cli.deps import build_tmdb_client
from anivault.core.apply.apply import ApplyOutcome
from anivault.core.apply.session import applying
from anivault.core.config import RunConfig
from anivault.core.events import NullReporter
from anivault.core.lookup.stream import LookupRequest
from anivault.core.plan.build import build_plan
from anivault.core.plan.planfile import write_plan
from anivault.core.run import RunRequest, RunResult, apply_plan_file, resume_last, run_library
from anivault.core.state import CHECKPOINT_NAME, Checkpoint, journal_path_for, save_checkpoint
from anivault.errors import InterruptedRunError
from anivault.services.settings import Settings
from anivault.services.tmdb.client import TmdbClient
from tools.tmdb_standin import Standin

RUN_ID = "20260101T000000.000-abcdef"
_recorders: list[list[dict[str, Any]]] = []
"""The checkpoint writes of the test now recording; an audit hook cannot be removed, so the one
hook installed stays idle while this is empty."""


def _on_audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "os.rename" or not _recorders:
        return
    source, target = (os.fsdecode(arg) for arg in args[:2])
    if Path(target).name == CHECKPOINT_NAME:
        _recorders[-1].append(json.loads(Path(source).read_text(encoding="utf-8")))


@pytest.fixture(scope="module", autouse=True)
def _audit_hook() -> None:
    sys.addaudithook(_on_audit)


@pytest.fixture
def written() -> Iterator[list[dict[str, Any]]]:
    """Each checkpoint written while the test runs, as the file's content."""
    record: list[dict[str, Any]] = []
    _recorders.append(record)
    try:
        yield record
    finally:
        _recorders.remove(record)


def states(record: list[dict[str, Any]]) -> list[tuple[str, int, int, bool]]:
    return [(raw["phase"], raw["done"], raw["total"], raw["plan"] is not None) for raw in record]


def episodes(source: Path) -> list:  # type: ignore[type-arg]
    return [matched(source, f"Frieren - {n:02d}.mkv", episode=n, content=b"x" * n) for n in (1, 2, 3)]


def no_client() -> TmdbClient:
    raise AssertionError("applying a saved plan must not need TMDB")


@dataclass(frozen=True)
class LookupRun:
    """A run that looks one file up on the stand-in, and its home's settings."""

    settings: Settings
    config: RunConfig
    api_key: str

    def client(self) -> TmdbClient:
        return build_tmdb_client(self.settings, self.api_key)


@pytest.fixture
def lookup_run(tmp_path: Path, tmdb_standin: Standin) -> LookupRun:
    source = tmp_path / "downloads"
    write(source / "Frieren - 01.mkv", b"video")
    settings = Settings(tmdb_base_url=tmdb_standin.base_url, home=str(tmp_path / "home"))
    lookup = LookupRequest(source, None, workers=0, min_confidence=settings.min_confidence)
    return LookupRun(settings, RunConfig(lookup, tmp_path / "library"), tmdb_standin.api_key)


def applied_and_finished(result: RunResult) -> list[tuple[str, int, int, bool]]:
    """The states of a run that applies its plan from the start and finishes."""
    planned = result.summary.planned
    return [("apply", 0, planned, True), ("finished", result.summary.moved, planned, True)]


def test_run_apply_writes_lookup_then_apply_then_finished(
    lookup_run: LookupRun, written: list[dict[str, Any]]
) -> None:
    state_dir = lookup_run.settings.state_dir
    request = RunRequest(lookup_run.config, apply=True, state_dir=state_dir)

    result = run_library(request, client=lookup_run.client(), reporter=NullReporter())

    assert states(written) == [("lookup", 0, 0, False), *applied_and_finished(result)]


def test_from_plan_writes_its_first_checkpoint_when_it_applies(
    tmp_path: Path, written: list[dict[str, Any]]
) -> None:
    source, library = tmp_path / "downloads", tmp_path / "library"
    plan_file = tmp_path / "plan.json"
    write_plan(build_plan(episodes(source), library, source_root=source), plan_file)

    result = apply_plan_file(
        plan_file,
        state_dir=tmp_path / "state",
        apply=True,
        io_pace_limit=None,
        reporter=NullReporter(),
        source_root=source,
        target_root=library,
    )

    assert [o.status for o in result.outcomes] == ["moved"] * 3
    assert states(written) == [("apply", 0, 3, True), ("finished", 3, 3, True)]


def test_resume_writes_only_what_changed_since_the_interruption(
    tmp_path: Path, written: list[dict[str, Any]]
) -> None:
    source, library, state_dir = tmp_path / "downloads", tmp_path / "library", tmp_path / "state"
    plan = build_plan(episodes(source), library, source_root=source)
    checkpoint = Checkpoint(RUN_ID, "apply", str(journal_path_for(state_dir, RUN_ID)))

    def press_ctrl_c(_outcome: ApplyOutcome) -> None:
        signal.raise_signal(signal.SIGINT)

    with pytest.raises(InterruptedRunError), applying(state_dir, library, checkpoint) as session:
        session.apply(plan, reporter=NullReporter(), on_outcome=press_ctrl_c)
    assert states(written) == [("apply", 0, 3, True), ("apply", 1, 3, True)]
    written.clear()

    result = resume_last(state_dir, client_factory=no_client, reporter=NullReporter())

    assert [o.status for o in result.outcomes] == ["moved"] * 2
    assert states(written) == [("finished", 3, 3, True)]


def test_resume_of_a_lookup_writes_nothing_before_it_applies(
    lookup_run: LookupRun, written: list[dict[str, Any]]
) -> None:
    state = lookup_run.settings.state_dir
    journal = str(journal_path_for(state, RUN_ID))
    save_checkpoint(state, Checkpoint(RUN_ID, "lookup", journal, config=lookup_run.config))
    written.clear()

    result = resume_last(state, client_factory=lookup_run.client, reporter=NullReporter())

    assert states(written) == applied_and_finished(result)
