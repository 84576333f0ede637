"""Frozen TMDB domain objects: the only TMDB shapes that leave ``services``.

Raw JSON stops in ``mapping.py``; ``core`` sees these immutable values, which are safe to share
between worker threads.
"""

from __future__ import annotations

from dataclasses import dataclass

from anivault.services.tmdb.media_types import MediaType


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result, in TMDB's relevance order as received."""

    media_type: MediaType
    tmdb_id: int
    title: str
    original_title: str
    year: int | None
    popularity: float
    original_language: str


@dataclass(frozen=True, slots=True)
class Season:
    number: int
    episode_count: int
    air_year: int | None


@dataclass(frozen=True, slots=True)
class SeasonDetails:
    """A season's episodes as ``/tv/{id}/season/{n}`` lists them: what names can carry."""

    tmdb_id: int
    number: int
    episode_titles: tuple[tuple[int, str], ...]
    """(episode number, title) pairs with a non-empty title."""

    def episode_title(self, episode: int) -> str | None:
        return next((title for number, title in self.episode_titles if number == episode), None)


@dataclass(frozen=True, slots=True)
class TitleDetails:
    """Details of a series or movie with the sub-resources matching needs, from one request."""

    media_type: MediaType
    tmdb_id: int
    title: str
    original_title: str
    year: int | None
    popularity: float
    seasons: tuple[Season, ...]
    alternative_titles: tuple[str, ...]
    translated_titles: tuple[tuple[str, str], ...]
    """(iso_639_1, title) pairs with a non-empty title."""

    def season(self, number: int) -> Season | None:
        return next((s for s in self.seasons if s.number == number), None)
