"""Shared fixtures: the real TMDB stand-in (a plugin in tools/) and an isolated AniVault home."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

pytest_plugins = ["tools.tmdb_standin.pytest_plugin"]

# Ctrl+C as a terminal delivers it, also when a harness started the suite with SIGINT ignored (a
# script's ``command &``): the product keeps an inherited ignored SIGINT ignored, so tests that
# press Ctrl+C in this process or in the CLIs it starts would otherwise test nothing.
signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def anivault_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmdb_standin: object) -> Path:
    """Point AniVault at the stand-in with its key, and at a throw-away home folder."""
    home = tmp_path / "anivault-home"
    monkeypatch.setenv("ANIVAULT_HOME", str(home))
    monkeypatch.setenv("ANIVAULT_TMDB_BASE_URL", tmdb_standin.base_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("TMDB_API_KEY", tmdb_standin.api_key)  # type: ignore[attr-defined]
    monkeypatch.delenv("ANIVAULT_TMDB_KEY", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return home
