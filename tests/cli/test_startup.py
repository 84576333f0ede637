"""Start-up stays light and ends quietly: ``--version`` and every ``--help`` import nothing heavy,
every option that overrides a setting shows its environment variable and default, and a closed
stdout pipe ends the program without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path

import click
import pytest
from tests.cli.conftest import Outcome

from anivault.cli.flags import MatchFlags, OrganizeFlags, Overrides
from anivault.cli.main import cli as root
from anivault.services.settings import Settings

HEAVY = ("rich", "requests", "urllib3", "tmdbv3api", "anitopy", "cryptography", "anivault.core")


def command_paths(command: click.Command = root, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from command_paths(sub, (*path, name))


def imported_modules(args: list[str], home: Path) -> set[str]:
    """Every module a real ``python -X importtime -m anivault ARGS`` process imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "anivault", *args],
        env=env | {"ANIVAULT_HOME": str(home)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return {
        line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
    }


def heavy(modules: set[str]) -> set[str]:
    return {name for name in modules if any(name == h or name.startswith(f"{h}.") for h in HEAVY)}


@pytest.mark.parametrize(
    "args",
    [["--version"], *([*path, "--help"] for path in command_paths())],
    ids=" ".join,
)
def test_version_and_help_import_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    modules = imported_modules(args, tmp_path)

    assert "anivault" in modules  # the importtime listing is read right
    assert ("click" in modules) == (args != ["--version"])  # --version is answered before Click
    assert heavy(modules) == set()


def test_a_command_that_runs_does_import_its_work(tmp_path: Path) -> None:
    """The check above can fail: a real ``scan`` loads core and rich."""
    modules = imported_modules(["scan", "--src", str(tmp_path)], tmp_path / "home")

    assert {"rich", "anivault.core.lookup.scan"} <= heavy(modules)


SETTING_FLAGS = {
    field.name: field.metadata["setting"]
    for flags in (Overrides, OrganizeFlags, MatchFlags)
    for field in fields(flags)
    if "setting" in field.metadata
}


def option_help(help_text: str) -> dict[str, str]:
    """``--flag`` → its whole help entry, re-joined across the wrapped lines."""
    entries: dict[str, str] = {}
    current = None
    for line in help_text.split("Options:", 1)[1].splitlines():
        if line.startswith("  -"):
            current = line.split()[0].rstrip(",")
            entries[current] = ""
        if current is not None:
            entries[current] += " " + line.strip()
    return {flag: " ".join(text.split()) for flag, text in entries.items()}


@pytest.mark.parametrize("path", [path for path in command_paths() if path], ids=" ".join)
def test_every_option_that_overrides_a_setting_shows_its_env_var_and_default(
    path: tuple[str, ...], cli: Callable[..., Outcome]
) -> None:
    command = root
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    outcome = cli(*path, "--help")
    entries = option_help(outcome.out)
    defaults = Settings()

    for param in command.params:
        setting = SETTING_FLAGS.get(str(param.name))
        if setting is None or not isinstance(param, click.Option):
            continue
        entry = entries[param.opts[0]]
        assert f"env var: ANIVAULT_{setting.upper()};" in entry, entry
        default = getattr(defaults, setting)
        if default not in ("", 0):  # an empty default is described in words
            shown = f"{default:g}" if isinstance(default, float) else str(default)
            assert f"default: {shown}" in entry, entry
        else:
            assert "default: " in entry, entry


def test_rate_and_concurrency_show_their_defaults(cli: Callable[..., Outcome]) -> None:
    entries = option_help(cli("run", "--help").out)

    assert "[setting: tmdb_rate; env var: ANIVAULT_TMDB_RATE; default: 35]" in entries["--rate"]
    assert "env var: ANIVAULT_TMDB_CONCURRENCY; default: 4]" in entries["--tmdb-concurrency"]


def test_no_help_text_shows_a_placeholder(cli: Callable[..., Outcome]) -> None:
    for path in command_paths():
        text = cli(*path, "--help").out
        assert "{home}" not in text and "{exe_dir}" not in text, path


def closed_early(args: list[str], home: Path) -> tuple[int, str]:
    """Run ``anivault ARGS`` with its stdout pipe closed before it writes: exit status, stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "anivault", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env | {"ANIVAULT_HOME": str(home)},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode("utf-8", "replace")
    return process.wait(timeout=60), err


@pytest.mark.parametrize(
    "args", [["--help"], ["--json", "scan", "--src", "{src}"], ["scan", "--src", "{src}"]], ids=" ".join
)
def test_a_closed_stdout_ends_quietly_with_status_0(args: list[str], tmp_path: Path) -> None:
    source = tmp_path / "downloads"
    source.mkdir()
    for episode in range(1, 400):
        (source / f"Some Show - {episode:03d} [1080p].mkv").write_bytes(b"")

    status, err = closed_early([arg.format(src=source) for arg in args], tmp_path / "home")

    assert status == 0, err
    assert err == ""
