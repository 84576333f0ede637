"""pytest fixtures: the catalog loaded once per session, a fresh server per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.tmdb_standin.catalog import Catalog
from tools.tmdb_standin.server import Standin


@pytest.fixture(scope="session")
def standin_catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture
def tmdb_standin(standin_catalog: Catalog) -> Iterator[Standin]:
    server = Standin(standin_catalog).start()
    try:
        yield server
    finally:
        server.stop()
