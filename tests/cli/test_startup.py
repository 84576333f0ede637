"""Start-up stays light and ends quietly: ``--version`` and every ``--help`` import nothing heavy
(``anivault --help`` not even a command's module, ``COMMAND --help`` only its own), every option
that overrides a setting shows its environment variable and default, and a closed stdout pipe ends
the program without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path

import click
import pytest
from tests.cli.conftest import Outcome, subcommands

from anivault.cli.flags import MatchFlags, OrganizeFlags, Overrides
from anivault.cli.main import COMMANDS
from anivault.cli.main import cli as root
from anivault.services.settings_model import Settings

HEAVY = (
    "rich",
    "requests",
    "urllib3",
    "tmdbv3api",
    "anitopy",
    "cryptography",
    "tomllib",
    "tomli",
    "tomli_w",
    "logging",
    "json",
    "sqlite3",
    "concurrent",
    "multiprocessing",
)
"""Libraries (and their submodules) that neither ``--version`` nor any ``--help`` may load."""
VERSION_ONLY = ("importlib.metadata",)
"""What ``--version`` reads the installed version with, and no ``--help`` needs."""
HELP_PATH = frozenset(
    {
        "anivault",
        "anivault.__main__",
        "anivault.errors",
        "anivault.cli",
        "anivault.cli.main",
        "anivault.cli.exit_codes",
        "anivault.cli.streams",
        "anivault.cli.output_options",
        "anivault.cli.options",
        "anivault.cli.flags",
        "anivault.cli.commands",
        "anivault.services",
        "anivault.services.settings_model",
        "anivault.services.tmdb",
        "anivault.services.tmdb.media_types",
        "anivault.services.titles",
        "anivault.services.titles.defaults",
    }
)
"""Our modules a ``--help`` may import besides its command's module: the options, their value
lists and defaults; not the settings loader, the app context, logging, core or the TMDB client."""

MODULES_AFTER = "modules imported:"
DRIVER = f"""
import sys
from anivault.__main__ import main
try:
    main()
finally:
    sys.__stderr__.write("\\n".join(["{MODULES_AFTER}", *sys.modules]))
"""
"""The console script's own two lines (``anivault.__main__.main``), then every module it loaded."""


def command_paths(command: click.Command = root, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in subcommands(command):
        yield from command_paths(sub, (*path, name))


def imported_modules(args: list[str], home: Path) -> set[str]:
    """``sys.modules`` of a real ``anivault ARGS`` process when it ends."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        env=env | {"ANIVAULT_HOME": str(home)},
        cwd=home.parent,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return set(done.stderr.split(f"{MODULES_AFTER}\n", 1)[1].splitlines())


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> set[str]:
    return {name for name in modules if any(name == p or name.startswith(f"{p}.") for p in prefixes)}


def test_version_imports_neither_click_nor_the_cli(tmp_path: Path) -> None:
    modules = imported_modules(["--version"], tmp_path)

    assert "importlib.metadata" in modules  # the listing is read right
    assert "click" not in modules
    assert loaded(modules, ("anivault",)) == {"anivault", "anivault.__main__"}
    assert loaded(modules, HEAVY) == set()


@pytest.mark.parametrize("path", list(command_paths()), ids=lambda path: " ".join(path) or "anivault")
def test_every_help_imports_only_light_modules_and_its_own_command(
    path: tuple[str, ...], tmp_path: Path
) -> None:
    modules = imported_modules([*path, "--help"], tmp_path)
    ours = loaded(modules, ("anivault",))
    commands = loaded(ours, ("anivault.cli.commands",)) - {"anivault.cli.commands"}

    assert "click" in modules
    assert loaded(modules, (*HEAVY, *VERSION_ONLY)) == set()
    assert ours - commands <= HELP_PATH, sorted(ours - commands - HELP_PATH)
    assert commands == ({COMMANDS[path[0]].module} if path else set())


def test_a_command_that_runs_does_import_its_work(tmp_path: Path) -> None:
    """The checks above can fail: a real ``scan`` loads core, rich, the settings' TOML reader and
    logging, all outside the help path."""
    modules = imported_modules(["scan", "--src", str(tmp_path)], tmp_path / "home")
    toml = "tomllib" if sys.version_info >= (3, 11) else "tomli"

    assert {"rich", toml, "logging"} <= loaded(modules, HEAVY)
    assert {
        "anivault.core.lookup.scan",
        "anivault.services.settings",
        "anivault.cli.app",
    } <= modules - HELP_PATH


@pytest.mark.usefixtures("anivault_env")
def test_help_as_an_option_s_value_runs_the_command(cli: Callable[..., Outcome]) -> None:
    """``--src --help`` names a folder: the command runs (with its settings), it is no help."""
    outcome = cli("scan", "--src", "--help")

    assert outcome.status == 7
    assert "E-FS-SRC-MISSING: source folder --help does not exist" in outcome.err


def test_the_root_help_lists_each_command_with_the_first_sentence_of_its_own_help() -> None:
    """``anivault --help`` prints the summaries of ``COMMANDS`` without loading the commands."""
    for name, command in subcommands(root):
        assert command.get_short_help_str(limit=1000) == COMMANDS[name].summary, name


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
        command = dict(subcommands(command))[name]
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
