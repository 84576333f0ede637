"""The CLI surface: help with examples everywhere, shared options, and plain human output."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from rich.cells import cell_len
from tests.cli.conftest import Outcome, subcommands

from anivault.cli.main import cli as root
from tools.tmdb_standin.server import Standin

Run = Callable[..., Outcome]

ESCAPE = re.compile(r"\x1b\[")
OUTPUT_OPTIONS = ("--json", "--no-color", "--log-level")
SHARED_BY_LOOKUPS = ("--lang", "--max-workers", "--tmdb-concurrency", "--rate")
SHARED_BY_ORGANIZERS = ("--apply", "--resume")


def walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    for name, sub in sorted(subcommands(command)):
        yield from walk(sub, (*path, name))


def flags(command: click.Command) -> dict[str, click.Parameter]:
    return {opt: p for p in command.params for opt in (*p.opts, *p.secondary_opts)}


COMMANDS = dict(walk(root))


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "anivault")
def test_every_help_shows_an_example(path: tuple[str, ...], cli: Run, anivault_env: Path) -> None:
    outcome = cli(*path, "--help")

    assert outcome.status == 0
    assert "Example" in outcome.out, f"anivault {' '.join(path)} --help has no example"
    assert f"anivault {' '.join(path)}".strip() in outcome.out.split("Example", 1)[1]


def test_the_tree_has_every_command_of_the_contract() -> None:
    assert {p[0] for p in COMMANDS if p} >= {"run", "scan", "match", "organize", "settings", "status"}


@pytest.mark.parametrize("path", [p for p in sorted(COMMANDS) if p], ids=" ".join)
def test_every_command_takes_the_output_options(path: tuple[str, ...]) -> None:
    assert set(OUTPUT_OPTIONS) <= set(flags(COMMANDS[path]))


@pytest.mark.parametrize(
    ("names", "commands"),
    [(SHARED_BY_LOOKUPS, ("run", "organize", "match")), (SHARED_BY_ORGANIZERS, ("run", "organize"))],
)
def test_shared_options_are_one_definition(names: tuple[str, ...], commands: tuple[str, ...]) -> None:
    for name in names:
        defined = [flags(COMMANDS[(command,)])[name] for command in commands]
        assert len({(p.help, repr(p.type), p.envvar) for p in defined if isinstance(p, click.Option)}) == 1, (
            name
        )


@pytest.mark.usefixtures("anivault_env")
def test_output_options_work_after_the_command_name(cli: Run, small_library: Path) -> None:
    before = cli("--json", "scan", "--src", str(small_library))
    after = cli("scan", "--src", str(small_library), "--json", "--log-level", "debug")

    assert after.status == 0
    assert [e["fields"] for e in after.events()] == [e["fields"] for e in before.events()]


@pytest.mark.usefixtures("anivault_env")
def test_json_stdout_is_only_ndjson_even_when_a_run_fails(
    cli: Run, small_library: Path, tmp_path: Path
) -> None:
    outcome = cli("run", "--json", "--src", str(small_library), "--dst", str(small_library))

    assert outcome.status == 2
    assert [e["event"] for e in outcome.events()] == ["error"]


def run_human(cli: Run, source: Path, target: Path, *options: str) -> Outcome:
    return cli(*options, "run", "--src", str(source), "--dst", str(target), "--max-workers", "0")


@pytest.mark.usefixtures("anivault_env")
def test_non_tty_output_has_no_escape_codes(cli: Run, small_library: Path, tmp_path: Path) -> None:
    outcome = run_human(cli, small_library, tmp_path / "lib")

    assert outcome.status == 0
    assert "plan: " in outcome.out
    assert not ESCAPE.search(outcome.out) and not ESCAPE.search(outcome.err)


@pytest.mark.usefixtures("anivault_env")
def test_no_color_has_no_escape_codes_even_on_a_forced_terminal(
    cli: Run, small_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = run_human(cli, small_library, tmp_path / "lib")
    assert ESCAPE.search(coloured.out), "FORCE_COLOR should make rich style the tables"

    plain = run_human(cli, small_library, tmp_path / "lib", "--no-color")

    assert "plan: " in plain.out
    assert "\x1b" not in plain.out + plain.err  # no styles, and no cursor moves of live progress


@pytest.mark.usefixtures("anivault_env")
def test_plan_tables_fit_80_columns(
    cli: Run, small_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    outcome = run_human(cli, small_library, tmp_path / "lib")

    assert "Series" in outcome.out and "plan: " in outcome.out
    widths = [cell_len(line) for line in outcome.out.splitlines()]
    assert max(widths) <= 80, max(widths)
    assert any(len(line) > 60 for line in outcome.out.splitlines()), "the table should use the width"


@pytest.mark.usefixtures("anivault_env")
def test_human_progress_shows_live_counters_and_the_tmdb_link_state(
    cli: Run, small_library: Path, tmp_path: Path, tmdb_standin: Standin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANIVAULT_TMDB_MAX_ATTEMPTS", "1")
    tmdb_standin.configure(fail_nth=set(range(1, 5000)), fail_status=429, retry_after=0)

    outcome = run_human(cli, small_library, tmp_path / "lib")

    counters = [line for line in outcome.err.splitlines() if "parse failures" in line]
    assert counters, outcome.err
    assert re.search(r"429s [1-9]", counters[-1]), counters[-1]
    assert re.search(r" · link (throttle|sleep_then_resume|cache_only)$", counters[-1]), counters[-1]
