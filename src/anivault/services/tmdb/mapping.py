"""Raw TMDB JSON → frozen domain objects. The one place that knows TMDB's field names.

TV and movie bodies differ (``name``/``title``, ``first_air_date``/``release_date``,
``alternative_titles.results``/``.titles``, translation ``data.name``/``data.title``); this module
absorbs those differences so nothing downstream branches on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anivault.errors import TmdbResponseError
from anivault.services.tmdb.media_types import MediaType
from anivault.services.tmdb.models import SearchHit, Season, SeasonDetails, TitleDetails

_TITLE_KEY: dict[MediaType, str] = {"tv": "name", "movie": "title"}
_ORIGINAL_KEY: dict[MediaType, str] = {"tv": "original_name", "movie": "original_title"}
_DATE_KEY: dict[MediaType, str] = {"tv": "first_air_date", "movie": "release_date"}
_ALT_LIST_KEY: dict[MediaType, str] = {"tv": "results", "movie": "titles"}


def year_of(date: object) -> int | None:
    """Year of a TMDB date (``"YYYY-MM-DD"``, ``""`` or ``None``)."""
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def search_hits(media_type: MediaType, body: Mapping[str, Any]) -> tuple[SearchHit, ...]:
    """Map a ``/search/{tv,movie}`` page. Raises TmdbResponseError on a body without results."""
    results = body.get("results")
    if not isinstance(results, list):
        raise TmdbResponseError(f"search/{media_type} body has no 'results' list")
    return tuple(_hit(media_type, item) for item in results if isinstance(item, Mapping))


def _hit(media_type: MediaType, item: Mapping[str, Any]) -> SearchHit:
    try:
        return SearchHit(
            media_type=media_type,
            tmdb_id=int(item["id"]),
            title=str(item.get(_TITLE_KEY[media_type]) or ""),
            original_title=str(item.get(_ORIGINAL_KEY[media_type]) or ""),
            year=year_of(item.get(_DATE_KEY[media_type])),
            popularity=float(item.get("popularity") or 0.0),
            original_language=str(item.get("original_language") or ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TmdbResponseError(f"unexpected {media_type} search item: {exc}") from exc


def title_details(media_type: MediaType, body: Mapping[str, Any]) -> TitleDetails:
    """Map ``/tv/{id}`` or ``/movie/{id}`` fetched with alternative_titles,translations appended."""
    try:
        return TitleDetails(
            media_type=media_type,
            tmdb_id=int(body["id"]),
            title=str(body.get(_TITLE_KEY[media_type]) or body.get(_ORIGINAL_KEY[media_type]) or ""),
            original_title=str(body.get(_ORIGINAL_KEY[media_type]) or ""),
            year=year_of(body.get(_DATE_KEY[media_type])),
            popularity=float(body.get("popularity") or 0.0),
            seasons=tuple(_season(s) for s in body.get("seasons") or () if isinstance(s, Mapping)),
            alternative_titles=_alternative_titles(media_type, body.get("alternative_titles")),
            translated_titles=_translated_titles(media_type, body.get("translations")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TmdbResponseError(f"unexpected {media_type} details body: {exc}") from exc


def season_details(tmdb_id: int, number: int, body: Mapping[str, Any]) -> SeasonDetails:
    """Map ``/tv/{id}/season/{n}``: its episodes' numbers and titles."""
    episodes = body.get("episodes")
    if not isinstance(episodes, list):
        raise TmdbResponseError(f"tv/{tmdb_id}/season/{number} body has no 'episodes' list")
    try:
        titles = tuple(
            (int(e["episode_number"]), str(e["name"]))
            for e in episodes
            if isinstance(e, Mapping) and e.get("name")
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TmdbResponseError(f"unexpected tv/{tmdb_id}/season/{number} episode: {exc}") from exc
    return SeasonDetails(tmdb_id, number, titles)


def _season(item: Mapping[str, Any]) -> Season:
    return Season(
        number=int(item["season_number"]),
        episode_count=int(item.get("episode_count") or 0),
        air_year=year_of(item.get("air_date")),
    )


def _alternative_titles(media_type: MediaType, block: object) -> tuple[str, ...]:
    if not isinstance(block, Mapping):
        return ()
    items = block.get(_ALT_LIST_KEY[media_type]) or ()
    return tuple(str(i["title"]) for i in items if isinstance(i, Mapping) and i.get("title"))


def _translated_titles(media_type: MediaType, block: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(block, Mapping):
        return ()
    pairs: list[tuple[str, str]] = []
    for item in block.get("translations") or ():
        data = item.get("data") if isinstance(item, Mapping) else None
        title = data.get(_TITLE_KEY[media_type]) if isinstance(data, Mapping) else None
        if title:
            pairs.append((str(item.get("iso_639_1") or ""), str(title)))
    return tuple(pairs)
