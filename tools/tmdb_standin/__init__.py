"""Local TMDB v3 stand-in: real HTTP on 127.0.0.1, served from the bundled catalog."""

from tools.tmdb_standin.catalog import Catalog
from tools.tmdb_standin.server import DEFAULT_API_KEY, DEFAULT_BEARER, Knobs, Standin

__all__ = ["DEFAULT_API_KEY", "DEFAULT_BEARER", "Catalog", "Knobs", "Standin"]
