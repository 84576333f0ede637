"""Helpers for the CLI contract tests: run the real entry point, read its NDJSON, a small library."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from anivault.cli.main import main
from tools.make_sample_library import generate


@dataclass(frozen=True)
class Outcome:
    status: int
    out: str
    err: str

    def events(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


SERIES_ROW = re.compile(r"^  (\S.*? \(\S+\) #\d+)\s{2,}(S\d.*|-\s.*)$")
"""A series row of the human output: ``  Title (Year) #id   S01,S03  5 ep  2 sub``."""


def series_rows(out: str) -> dict[str, str]:
    """``{"Title (Year) #id": "S01 5 ep 2 sub"}``: each series row's numbers, blanks collapsed."""
    rows = (SERIES_ROW.match(line.rstrip()) for line in out.splitlines())
    return {row[1]: " ".join(row[2].split()) for row in rows if row}


def listed_names(out: str) -> set[str]:
    """The file names of the problems section (lines indented by four), braces expanded; CRC32
    tags read as ``[…]``."""
    return {
        name
        for line in out.splitlines()
        if line.startswith("    ") and not line.startswith("     ")
        for name in expand_braces(line.strip())
    }


def expand_braces(line: str) -> list[str]:
    """``Show - {01..03,SP1}.{en.ass,mkv}`` as the eight names it stands for."""
    found = re.search(r"\{([^{}]*)\}", line)
    if found is None:
        return [line]
    values: list[str] = []
    for value in found[1].split(","):
        first, dots, last = value.partition("..")
        numbers = range(int(first), int(last) + 1) if dots else range(0)
        values.extend([f"{n:0{len(first)}d}" for n in numbers] if dots else [value])
    head, tail = line[: found.start()], line[found.end() :]
    return [name for value in values for name in expand_braces(head + value + tail)]


def subcommands(command: click.Command) -> Iterator[tuple[str, click.Command]]:
    """A group's commands by name, each loaded (the root group imports a command's module only
    when asked for it); nothing for a command."""
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, name
            yield name, sub


def without_checksum(name: str) -> str:
    return re.sub(r"\[[0-9A-F]{8}\]", "[…]", name)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``cli(*args)`` runs ``anivault args`` in-process and returns its exit status and output."""

    def invoke(*args: str) -> Outcome:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return Outcome(int(exited.value.code or 0), out, err)

    return invoke


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    """A few series and a movie, with sidecars and junk, from the sample-library generator."""
    source = tmp_path / "downloads"
    generate(source, seed=11, series=4, movies=1)
    return source
