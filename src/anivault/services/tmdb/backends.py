"""Two interchangeable ways to fetch TMDB JSON over the shared ``TmdbTransport``.

``TmdbV3ApiBackend`` is the default, as the product design asks; ``RequestsBackend`` is the
fallback (setting ``tmdb_backend = "requests"``) for when tmdbv3api misbehaves. Both return raw
JSON bodies to ``client.py``, which caches and maps them; neither leaks dicts further.

tmdbv3api needs taming before it is safe to use (see its ``tmdb.py``): it hard-codes its base URL,
reads the key, language, cache switch and proxies (through ``eval``!) from ``os.environ``, keeps
its session on the *class*, and has a process-wide ``lru_cache``. We give every backend private
subclasses whose properties return fixed values instead of reading the environment, our own
session, ``obj_cached=False`` and our base URL. The key it puts in the URL is a placeholder that
the transport strips and replaces, so the real key never enters tmdbv3api or ``os.environ``.
"""

from __future__ import annotations

from typing import Any, Protocol

from tmdbv3api import TV, Movie, Search, Season
from tmdbv3api.exceptions import TMDbException

from anivault.errors import TmdbResponseError
from anivault.services.tmdb.media_types import MediaType
from anivault.services.tmdb.transport import TmdbTransport

DETAIL_APPENDS = "alternative_titles,translations"
_PLACEHOLDER_KEY = "set-by-anivault-transport"


class TmdbBackend(Protocol):
    """Fetches raw TMDB bodies; raises TmdbError subclasses (from the transport) on failure."""

    def search(self, media_type: MediaType, query: str, *, year: int | None) -> dict[str, Any]: ...

    def details(self, media_type: MediaType, tmdb_id: int) -> dict[str, Any]: ...

    def season(self, tmdb_id: int, number: int) -> dict[str, Any]: ...


class RequestsBackend:
    """Plain ``requests`` calls through the transport: the dependable fallback."""

    def __init__(self, transport: TmdbTransport, *, language: str) -> None:
        self._transport = transport
        self._base = transport.settings.base_url.rstrip("/")
        self._language = language

    def search(self, media_type: MediaType, query: str, *, year: int | None) -> dict[str, Any]:
        params: dict[str, str | int] = {"query": query, "page": 1, "language": self._language}
        if year is not None:
            params["first_air_date_year" if media_type == "tv" else "year"] = year
        return self._get(f"/search/{media_type}", params)

    def details(self, media_type: MediaType, tmdb_id: int) -> dict[str, Any]:
        params = {"append_to_response": DETAIL_APPENDS, "language": self._language}
        return self._get(f"/{media_type}/{tmdb_id}", params)

    def season(self, tmdb_id: int, number: int) -> dict[str, Any]:
        return self._get(f"/tv/{tmdb_id}/season/{number}", {"language": self._language})

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        response = self._transport.get(self._base + path, params=params)
        return _json_object(response.json, path)


class TmdbV3ApiBackend:
    """tmdbv3api, isolated from the environment and from other backends in the process."""

    def __init__(self, transport: TmdbTransport, *, language: str) -> None:
        base = transport.settings.base_url.rstrip("/")
        self._search = _tamed(Search, transport, base, language)
        self._tv = _tamed(TV, transport, base, language)
        self._movie = _tamed(Movie, transport, base, language)
        self._season = _tamed(Season, transport, base, language)

    def search(self, media_type: MediaType, query: str, *, year: int | None) -> dict[str, Any]:
        where = f"/search/{media_type}"
        try:
            if media_type == "tv":
                result = self._search.tv_shows(query, release_year=year)
            else:
                result = self._search.movies(query, year=year)
        except TMDbException as exc:  # TMDB's {"errors": [...]} / success:false bodies
            raise TmdbResponseError(f"TMDB {where} refused the request: {exc}") from exc
        return _json_object(lambda: result._json, where)

    def details(self, media_type: MediaType, tmdb_id: int) -> dict[str, Any]:
        where = f"/{media_type}/{tmdb_id}"
        api = self._tv if media_type == "tv" else self._movie
        try:
            result = api.details(tmdb_id, append_to_response=DETAIL_APPENDS)
        except TMDbException as exc:
            raise TmdbResponseError(f"TMDB {where} refused the request: {exc}") from exc
        return _json_object(lambda: result._json, where)

    def season(self, tmdb_id: int, number: int) -> dict[str, Any]:
        where = f"/tv/{tmdb_id}/season/{number}"
        try:
            result = self._season.details(tmdb_id, number, append_to_response="")
        except TMDbException as exc:
            raise TmdbResponseError(f"TMDB {where} refused the request: {exc}") from exc
        return _json_object(lambda: result._json, where)


def _tamed(api_class: type[Any], transport: TmdbTransport, base: str, language: str) -> Any:
    """A private subclass instance of a tmdbv3api class that reads nothing from ``os.environ``."""
    fixed = {
        "api_key": property(lambda _self: _PLACEHOLDER_KEY),
        "language": property(lambda _self: language),
        "cache": property(lambda _self: False),
        "proxies": property(lambda _self: None),
        "debug": property(lambda _self: False),
        "wait_on_rate_limit": property(lambda _self: False),
    }
    tamed_class = type(f"AniVault{api_class.__name__}", (api_class,), fixed)
    instance = tamed_class(obj_cached=False, session=transport)
    instance._base = base
    return instance


def _json_object(read: Any, where: str) -> dict[str, Any]:
    try:
        body = read()
    except ValueError as exc:
        raise TmdbResponseError(f"TMDB {where} did not return JSON") from exc
    if not isinstance(body, dict):
        raise TmdbResponseError(f"TMDB {where} returned {type(body).__name__}, not an object")
    return body
