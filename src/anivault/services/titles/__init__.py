"""The anime title index: every title a series, season or movie is released under → TMDB id,
media type, season and episode offset (``docs/title-index.md``)."""

from anivault.services.titles.index import (
    DEFAULT_LIMIT,
    DEFAULT_MIN_SIMILARITY,
    TitleHit,
    TitleIndex,
    bundled_index_path,
    default_title_index,
)
from anivault.services.titles.index_file import SCHEMA, IndexedTitle, Target, write_index

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MIN_SIMILARITY",
    "SCHEMA",
    "IndexedTitle",
    "Target",
    "TitleHit",
    "TitleIndex",
    "bundled_index_path",
    "default_title_index",
    "write_index",
]
