"""The core's events, as real runs against the TMDB stand-in emit them: each family's ``to_json``
is plain JSON and validates against ``schemas/cli_event.schema.json`` as its NDJSON line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from anivault.cli.deps import build_tmdb_client
from anivault.core.config import RunConfig
from anivault.core.events import (
    Event,
    MatchOutlier,
    MatchProgress,
    MatchResult,
    OrganizeFile,
    OrganizeStarted,
    PlanBuilt,
    RunDeferred,
    RunFinished,
    RunResumed,
    RunStarted,
    ScanSkipped,
    TmdbState,
)
from anivault.core.lookup.stream import LookupRequest, iter_lookup
from anivault.core.models import MatchedFile
from anivault.core.run import RunRequest, resume_last, run_library
from anivault.services.settings import Settings
from anivault.services.tmdb.client import TmdbClient
from tools.make_sample_library import generate
from tools.tmdb_standin import Standin

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "cli_event.schema.json"
TS = "2026-01-01T00:00:00.000Z"


class Recorder:
    """A Reporter that keeps what it is told."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def kinds(self) -> set[type[Event]]:
        return {type(event) for event in self.events}


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def assert_valid(events: list[Event], validator: jsonschema.protocols.Validator) -> None:
    """Each event as its NDJSON line; ``json.dumps`` without a fallback: the fields are JSON already."""
    for event in events:
        line = {"ts": TS, "phase": event.phase, "event": event.event, "fields": event.to_json()}
        errors = list(validator.iter_errors(json.loads(json.dumps(line))))
        assert not errors, f"{event!r}\n{errors[0].message}"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A few series, junk and samples (skipped), and a folder with one file of another series."""
    source = tmp_path / "downloads"
    generate(source, seed=11, series=4, movies=1)
    mixed = source / "Dan Da Dan [SubsPlease]"
    mixed.mkdir()
    for name in (
        "Dan Da Dan - 01.mkv",
        "Dan Da Dan - 02.mkv",
        "Dan Da Dan - 03.mkv",
        "Psycho-Pass 3 - 07.mkv",
    ):
        (mixed / name).write_bytes(name.encode())
    return source


def settings_for(standin: Standin, home: Path, *, max_attempts: int = 6) -> Settings:
    return Settings(tmdb_base_url=standin.base_url, home=str(home), tmdb_max_attempts=max_attempts)


def run_request(settings: Settings, source: Path, target: Path) -> RunRequest:
    lookup = LookupRequest(source, None, workers=0, min_confidence=settings.min_confidence)
    return RunRequest(RunConfig(lookup, target), apply=True, state_dir=settings.state_dir)


def test_lookup_events_validate(
    library: Path, tmp_path: Path, tmdb_standin: Standin, validator: jsonschema.protocols.Validator
) -> None:
    settings = settings_for(tmdb_standin, tmp_path / "home")
    request = LookupRequest(library, None, workers=0, min_confidence=settings.min_confidence)
    recorder = Recorder()

    items = list(iter_lookup(request, build_tmdb_client(settings, tmdb_standin.api_key), recorder))

    assert {ScanSkipped, MatchProgress, MatchResult, MatchOutlier} <= recorder.kinds()
    results = [event.item for event in recorder.events if isinstance(event, MatchResult)]
    assert results == [item for item in items if isinstance(item, MatchedFile)]
    assert_valid(recorder.events, validator)


def test_run_apply_and_resume_events_validate(
    library: Path, tmp_path: Path, tmdb_standin: Standin, validator: jsonschema.protocols.Validator
) -> None:
    settings = settings_for(tmdb_standin, tmp_path / "home")
    recorder = Recorder()

    def client() -> TmdbClient:
        return build_tmdb_client(settings, tmdb_standin.api_key)

    result = run_library(
        run_request(settings, library, tmp_path / "library"), client=client(), reporter=recorder
    )
    resume_last(settings.state_dir, client_factory=client, reporter=recorder)

    assert result.summary.moved > 0
    assert {RunStarted, PlanBuilt, OrganizeStarted, OrganizeFile, RunFinished, RunResumed} <= recorder.kinds()
    organized = [event for event in recorder.events if isinstance(event, OrganizeFile)]
    assert len(organized) == len(result.outcomes)
    resumed = [event for event in recorder.events if isinstance(event, RunResumed)]
    assert resumed[0].to_json() == {"run_id": result.run_id, "done": resumed[0].done, "nothing_left": True}
    assert_valid(recorder.events, validator)


def test_tmdb_state_and_deferred_events_validate(
    library: Path, tmp_path: Path, tmdb_standin: Standin, validator: jsonschema.protocols.Validator
) -> None:
    """TMDB answering 429 to everything: the link changes state and the lookups are deferred."""
    tmdb_standin.configure(fail_nth=set(range(1, 5000)), fail_status=429, retry_after=0)
    settings = settings_for(tmdb_standin, tmp_path / "home", max_attempts=1)
    recorder = Recorder()

    run_library(
        run_request(settings, library, tmp_path / "library"),
        client=build_tmdb_client(settings, tmdb_standin.api_key),
        reporter=recorder,
    )

    assert {TmdbState, RunDeferred} <= recorder.kinds()
    assert_valid(recorder.events, validator)
