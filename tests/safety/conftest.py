"""The ``cli`` fixture of the source and target boundary tests (helpers: ``boundary_helpers``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.faultlab.cli import Cli
from tools.tmdb_standin import Standin


@pytest.fixture
def cli(tmp_path: Path, tmdb_standin: Standin) -> Cli:
    """The real CLI in a subprocess, with a throw-away home, against the test's stand-in."""
    return Cli(tmp_path / "home", tmdb_standin.base_url, tmdb_standin.api_key)
