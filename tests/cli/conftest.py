"""Helpers for the CLI contract tests: run the real entry point, read its NDJSON, a small library."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
