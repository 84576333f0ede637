"""Every NDJSON line of real commands validates against schemas/cli_event.schema.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from tests.cli.conftest import Outcome

from anivault.cli import events as cli_events
from anivault.cli.events import MatchOutcome
from anivault.core import events as core_events
from anivault.core.events import Event
from tools.tmdb_standin.server import Standin

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "cli_event.schema.json"

Cli = Callable[..., Outcome]


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validated(outcome: Outcome, validator: jsonschema.protocols.Validator) -> set[str]:
    """Validate every stdout line; return the ``phase.event`` names seen."""
    seen = set()
    for line in outcome.out.splitlines():
        event = json.loads(line)
        errors = sorted(validator.iter_errors(event), key=str)
        assert not errors, f"{line}\n{errors[0].message if errors else ''}"
        seen.add(f"{event['phase']}.{event['event']}")
    return seen


def test_schema_has_one_def_per_event_and_refs_them_all() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    events = {name for name in schema["$defs"] if name != "envelope"}
    referenced = {ref["$ref"].removeprefix("#/$defs/") for ref in schema["allOf"][1]["oneOf"]}
    assert referenced == events


def test_each_event_class_has_its_schema_definition_and_each_definition_a_class() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    defined = {name for name in schema["$defs"] if name != "envelope"}
    classes = [*vars(core_events).values(), *vars(cli_events).values()]
    events = {c for c in classes if isinstance(c, type) and issubclass(c, Event) and c is not Event}
    named = {f"{c.phase}.{c.event}" for c in events if isinstance(c.event, str)}
    by_status = {c for c in events if not isinstance(c.event, str)}
    assert by_status == {MatchOutcome}  # the file's status names it: match.matched or match.unresolved
    assert named | {"match.matched", "match.unresolved"} == defined


@pytest.mark.usefixtures("anivault_env")
def test_every_line_of_real_commands_validates(
    cli: Cli, small_library: Path, tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    target = tmp_path / "library"
    seen: set[str] = set()

    scanned = cli("--json", "scan", "--src", str(small_library))
    assert scanned.status == 0
    seen |= validated(scanned, validator)

    matched = cli("--json", "match", "--src", str(small_library), "--max-workers", "0")
    assert matched.status == 0
    seen |= validated(matched, validator)

    dry = cli("--json", "run", "--src", str(small_library), "--dst", str(target))
    assert dry.status == 0
    seen |= validated(dry, validator)

    applied = cli("--json", "run", "--src", str(small_library), "--dst", str(target), "--apply")
    assert applied.status == 0
    seen |= validated(applied, validator)

    status = cli("--json", "status")
    assert status.status == 0
    seen |= validated(status, validator)
    snapshot = status.events()[0]["fields"]
    assert snapshot["state"] == "finished"  # type: ignore[index]

    undone = cli("--json", "organize", "--undo", str(snapshot["journal"]))  # type: ignore[index]
    assert undone.status == 0
    seen |= validated(undone, validator)

    resumed = cli("--json", "run", "--resume")
    assert resumed.status == 0
    seen |= validated(resumed, validator)

    for args in (("show",), ("get", "tmdb_rate"), ("set", "tmdb_rate", "12"), ("path",)):
        settings = cli("--json", "settings", *args)
        assert settings.status == 0
        seen |= validated(settings, validator)

    usage = cli("--json", "run", "--src", str(small_library))
    assert usage.status == 2
    seen |= validated(usage, validator)

    expected = {
        "scan.file", "scan.skipped", "scan.summary",
        "match.progress", "match.result", "match.matched", "match.summary",
        "run.started", "run.finished", "run.summary", "run.resumed", "run.error",
        "plan.built", "plan.entry", "organize.started", "organize.file", "undo.finished",
        "status.snapshot", "settings.value", "settings.key", "settings.set", "settings.path",
    }  # fmt: skip
    assert expected <= seen


@pytest.mark.usefixtures("anivault_env")
def test_deferred_run_lines_validate(
    cli: Cli,
    small_library: Path,
    tmp_path: Path,
    tmdb_standin: Standin,
    monkeypatch: pytest.MonkeyPatch,
    validator: jsonschema.protocols.Validator,
) -> None:
    """TMDB answering 429 to everything: deferred files, tmdb.state changes, run.deferred."""
    monkeypatch.setenv("ANIVAULT_TMDB_MAX_ATTEMPTS", "1")
    tmdb_standin.configure(fail_nth=set(range(1, 5000)), fail_status=429, retry_after=0)

    outcome = cli("--json", "run", "--src", str(small_library), "--dst", str(tmp_path / "lib"), "--apply")

    assert outcome.status == 3
    seen = validated(outcome, validator)
    assert {"run.deferred", "tmdb.state"} <= seen
    deferred = [e for e in outcome.events() if e["event"] == "deferred" and e["phase"] == "match"]
    codes = {e["fields"]["code"] for e in deferred}  # type: ignore[index]
    assert "E-TMDB-429" in codes, codes


@pytest.mark.usefixtures("anivault_env")
def test_cache_command_and_outlier_lines_validate(
    cli: Cli, small_library: Path, tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    seen: set[str] = set()
    for args in (
        ("warm", "--src", str(small_library)),
        ("stats",),
        ("verify",),
        ("purge", "--older-than", "30d"),
        ("clear",),
    ):
        outcome = cli("--json", "cache", *args)
        assert outcome.status == 0, outcome.err
        seen |= validated(outcome, validator)
    folder = tmp_path / "mixed" / "Dan Da Dan [SubsPlease]"
    folder.mkdir(parents=True)
    for name in (
        "Dan Da Dan - 01.mkv",
        "Dan Da Dan - 02.mkv",
        "Dan Da Dan - 03.mkv",
        "Psycho-Pass 3 - 07.mkv",
    ):
        (folder / name).write_bytes(name.encode())
    mixed = cli("--json", "match", "--src", str(folder.parent))
    assert mixed.status == 0
    seen |= validated(mixed, validator)
    expected = {
        "cache.warmed",
        "cache.stats",
        "cache.verified",
        "cache.purged",
        "cache.cleared",
        "match.outlier",
    }
    assert expected <= seen


@pytest.mark.usefixtures("anivault_env")
def test_titles_lines_validate(cli: Cli, validator: jsonschema.protocols.Validator) -> None:
    seen: set[str] = set()
    for query in ("Eureka Seven AO", "Zzyzx Qwerty Nothing"):
        outcome = cli("--json", "titles", query)
        assert outcome.status == 0, outcome.err
        seen |= validated(outcome, validator)
    assert seen == {"titles.lookup"}
