"""A local TMDB v3 stand-in over real HTTP, with fault knobs for tests (docs/tmdb-api.md)."""

from __future__ import annotations

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tools.tmdb_standin.catalog import Catalog, Item

DEFAULT_API_KEY = "0123456789abcdef0123456789abcdef"
DEFAULT_BEARER = "eyJhbGciOiJIUzI1NiJ9.anivault-standin.token"
PAGE_SIZE = 20
MAX_PAGE = 500
ERRORS: dict[int, tuple[int, str]] = {
    401: (7, "Invalid API key: You must be granted a valid key."),
    404: (34, "The resource you requested could not be found."),
    429: (25, "Your request count (#) is over the allowed limit of (40)."),
    500: (11, "Internal error: Something went wrong, contact TMDB."),
    502: (43, "Couldn't connect to the backend server."),
    503: (46, "The API is undergoing maintenance. Try again later."),
    504: (24, "Your request to the backend server timed out. Try again."),
}
INVALID_PAGE = "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."
TOO_MANY_APPENDS = "Too many append to response objects: The maximum number of remote calls is 20."
_LANGUAGE_NAMES = {"en": "English", "ja": "日本語", "fr": "Français", "de": "Deutsch", "es": "Español"}


@dataclass
class Knobs:
    """Fault injection, changeable while the server runs."""

    rate: float | None = None
    burst: int = 10
    fail_nth: frozenset[int] = frozenset()
    fail_status: int = 429
    retry_after: int | str = 1
    latency_ms: int = 0
    error_rate: float = 0.0
    stall_seconds: float = 0.0
    down: bool = False
    seed: int = 0


@dataclass
class State:
    catalog: Catalog
    api_key: str
    bearer: str
    knobs: Knobs
    log_file: Path | None = None
    log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ordinal: int = 0
    tokens: float | None = None  # full bucket on first use
    refilled: float = field(default_factory=time.monotonic)
    rng: random.Random = field(default_factory=random.Random)

    def next_ordinal(self) -> int:
        with self.lock:
            self.ordinal += 1
            return self.ordinal

    def rate_limited(self) -> bool:
        knobs = self.knobs
        if knobs.rate is None:
            return False
        with self.lock:
            now = time.monotonic()
            if self.tokens is None:
                self.tokens, self.refilled = float(knobs.burst), now
            self.tokens = min(float(knobs.burst), self.tokens + (now - self.refilled) * knobs.rate)
            self.refilled = now
            if self.tokens >= 1:
                self.tokens -= 1
                return False
            return True

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.log.append(entry)
            if self.log_file is not None:
                with self.log_file.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Handler(BaseHTTPRequestHandler):
    server: StandinHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path == "/__standin__/stats":
            with state.lock:
                by_status: dict[str, int] = {}
                for entry in state.log:
                    by_status[str(entry["status"])] = by_status.get(str(entry["status"]), 0) + 1
                body = {"requests": len(state.log), "by_status": by_status}
            self._send(200, body)
            return
        knobs = state.knobs
        ordinal = state.next_ordinal()
        if knobs.down:
            self.close_connection = True
            self.connection.close()
            self._log(parts.path, query, 0, "down")
            return
        if knobs.stall_seconds:
            time.sleep(knobs.stall_seconds)
        if knobs.latency_ms:
            time.sleep(knobs.latency_ms / 1000)
        auth = self._auth_kind(query)
        status, body, headers = self._answer(parts.path, query, ordinal, auth)
        self._log(parts.path, query, status, auth)
        self._send(status, body, headers)

    def _answer(
        self, path: str, query: dict[str, str], ordinal: int, auth: str
    ) -> tuple[int, Any, dict[str, str]]:
        state, knobs = self.server.state, self.server.state.knobs
        if ordinal in knobs.fail_nth:
            return self._fault(knobs.fail_status)
        if state.rate_limited():
            return self._fault(429)
        if knobs.error_rate and state.rng.random() < knobs.error_rate:
            return self._fault(state.rng.choice([500, 502, 503, 504]))
        if auth == "invalid":
            return _error(401)
        try:
            return 200, route(state.catalog, path, query), {}
        except _HttpError as exc:
            return exc.status, exc.body, {}

    def _fault(self, status: int) -> tuple[int, Any, dict[str, str]]:
        code, body, _ = _error(status)
        retry_after = self.server.state.knobs.retry_after
        if status != 429:
            return code, body, {}
        if isinstance(retry_after, str) and retry_after.startswith("http-date:"):
            value = formatdate(time.time() + int(retry_after.split(":", 1)[1]), usegmt=True)
        else:
            value = str(retry_after)
        return code, body, {"Retry-After": value}

    def _auth_kind(self, query: dict[str, str]) -> str:
        state = self.server.state
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return "bearer" if header[7:] == state.bearer else "invalid"
        return "api_key" if query.get("api_key") == state.api_key else "invalid"

    def _log(self, path: str, query: dict[str, str], status: int, auth: str) -> None:
        clean = {k: v for k, v in query.items() if k != "api_key"}
        self.server.state.record(
            {
                "t": time.monotonic(),
                "wall": time.time(),
                "method": "GET",
                "path": path,
                "query": clean,
                "status": status,
                "auth": auth,
            }
        )

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class StandinHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: State) -> None:
        super().__init__(address, Handler)
        self.state = state


class _HttpError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def _error(status: int) -> tuple[int, Any, dict[str, str]]:
    code, message = ERRORS[status]
    return status, {"status_code": code, "status_message": message, "success": False}, {}


def _not_found() -> _HttpError:
    return _HttpError(*_error(404)[:2])


_TV = re.compile(r"^/3/tv/([^/]+)(?:/(alternative_titles|translations|external_ids|season/(\d+)))?$")
_MOVIE = re.compile(r"^/3/movie/([^/]+)(?:/(alternative_titles|translations|external_ids))?$")


def route(catalog: Catalog, path: str, query: dict[str, str]) -> Any:
    """The JSON body for a successful request; raises _HttpError for TMDB's error answers."""
    language = query.get("language") or "en-US"
    if path.startswith("/3/search/"):
        return _search(catalog, path.rsplit("/", 1)[1], query, language)
    if path == "/3/configuration":
        return CONFIGURATION
    for pattern, media_type in ((_TV, "tv"), (_MOVIE, "movie")):
        found = pattern.match(path)
        if found:
            item = _item(catalog, media_type, found.group(1))
            sub = found.group(2)
            if sub is None:
                return _details(item, language, query.get("append_to_response", ""))
            if sub.startswith("season/"):
                return _season(item, int(found.group(3)))
            return SUBRESOURCES[sub](item)
    raise _not_found()


def _item(catalog: Catalog, media_type: str, raw_id: str) -> Item:
    if not raw_id.isdigit() or int(raw_id) not in catalog.items[media_type]:
        raise _not_found()
    return catalog.items[media_type][int(raw_id)]


def _search(catalog: Catalog, kind: str, query: dict[str, str], language: str) -> Any:
    if kind not in ("tv", "movie", "multi"):
        raise _not_found()
    text = query.get("query", "").strip()
    if not text:
        raise _HttpError(422, {"errors": ["query must be provided"]})
    page = int(query.get("page") or 1) if (query.get("page") or "1").isdigit() else 0
    if page > MAX_PAGE:
        raise _HttpError(422, {"errors": ["page must be less than or equal to 500"]})
    if page < 1:
        raise _HttpError(
            400,
            {
                "status_code": 22,
                "status_message": INVALID_PAGE,
                "success": False,
            },
        )
    kinds = ("tv", "movie") if kind == "multi" else (kind,)
    items = [i for k in kinds for i in catalog.search(k, text) if _year_ok(i, query, kind)]
    results = [_summary(i, language, multi=kind == "multi") for i in items]
    start = (page - 1) * PAGE_SIZE
    return {
        "page": page,
        "results": results[start : start + PAGE_SIZE],
        "total_pages": max(1, -(-len(results) // PAGE_SIZE)),
        "total_results": len(results),
    }


def _year_ok(item: Item, query: dict[str, str], kind: str) -> bool:
    raw = item.raw
    if kind == "tv":
        first = query.get("first_air_date_year")
        if first and (raw.get("first_air_date") or "")[:4] != first:
            return False
        year = query.get("year")
        years = {(raw.get("first_air_date") or "")[:4]} | {
            (s.get("air_date") or "")[:4] for s in raw.get("seasons", [])
        }
        return not year or year in years
    if kind == "movie":
        wanted = query.get("primary_release_year") or query.get("year")
        return not wanted or (raw.get("release_date") or "")[:4] == wanted
    return True


def _title(item: Item, language: str) -> str:
    raw, lang = item.raw, language.split("-", maxsplit=1)[0].lower()
    key, original = ("name", "original_name") if item.media_type == "tv" else ("title", "original_title")
    if lang == "en":
        return str(raw.get(key) or raw.get(original) or "")
    translated = next(
        (t.get("name") for t in raw.get("translations", []) if t.get("iso_639_1") == lang), None
    )
    return str(translated or raw.get(original) or "")


def _summary(item: Item, language: str, *, multi: bool = False) -> dict[str, Any]:
    raw = item.raw
    common: dict[str, Any] = {
        "adult": False,
        "backdrop_path": None,
        "genre_ids": raw.get("genre_ids", [16]),
        "id": item.id,
        "original_language": raw.get("original_language", ""),
        "overview": "",
        "popularity": item.popularity,
        "poster_path": None,
        "vote_average": 0.0,
        "vote_count": 0,
    }
    if item.media_type == "tv":
        common |= {
            "name": _title(item, language),
            "original_name": raw.get("original_name", ""),
            "first_air_date": raw.get("first_air_date") or "",
            "origin_country": raw.get("origin_country", []),
        }
    else:
        common |= {
            "title": _title(item, language),
            "original_title": raw.get("original_title", ""),
            "release_date": raw.get("release_date") or "",
            "video": False,
        }
    if multi:
        common["media_type"] = item.media_type
    return common


def _details(item: Item, language: str, appends: str) -> dict[str, Any]:
    requested = [a for a in appends.split(",") if a]
    if len(requested) > 20:
        raise _HttpError(
            400,
            {
                "status_code": 27,
                "status_message": TOO_MANY_APPENDS,
                "success": False,
            },
        )
    body = _summary(item, language)
    body.pop("genre_ids", None)
    body["genres"] = [{"id": 16, "name": "Animation"}]
    raw = item.raw
    if item.media_type == "tv":
        seasons = raw.get("seasons", [])
        body |= {
            "seasons": [
                {
                    "id": item.id * 100 + s["season_number"],
                    "season_number": s["season_number"],
                    "name": s.get("name"),
                    "episode_count": s.get("episode_count", 0),
                    "air_date": s.get("air_date"),
                    "overview": "",
                    "poster_path": None,
                }
                for s in seasons
            ],
            "number_of_seasons": sum(1 for s in seasons if s["season_number"] > 0),
            "number_of_episodes": sum(s.get("episode_count", 0) for s in seasons if s["season_number"] > 0),
            "status": "Ended",
            "in_production": False,
            "last_air_date": None,
        }
    else:
        body |= {"runtime": None, "status": "Released", "belongs_to_collection": None}
    for name in requested:
        body[name] = SUBRESOURCES[name](item) if name in SUBRESOURCES else {"results": []}
    return body


def _season(item: Item, number: int) -> dict[str, Any]:
    season = next((s for s in item.raw.get("seasons", []) if s["season_number"] == number), None)
    if item.media_type != "tv" or season is None:
        raise _not_found()
    return {
        "id": item.id * 100 + number,
        "season_number": number,
        "name": season.get("name"),
        "overview": "",
        "air_date": season.get("air_date"),
        "poster_path": None,
        "episodes": [
            {
                "id": item.id * 100000 + number * 1000 + e,
                "episode_number": e,
                "season_number": number,
                "name": f"Episode {e}",
                "air_date": season.get("air_date") if e == 1 else None,
                "overview": "",
                "runtime": None,
                "still_path": None,
                "show_id": item.id,
            }
            for e in range(1, int(season.get("episode_count", 0)) + 1)
        ],
    }


def _alternative_titles(item: Item) -> dict[str, Any]:
    key = "results" if item.media_type == "tv" else "titles"
    return {"id": item.id, key: item.raw.get("alternative_titles", [])}


def _translations(item: Item) -> dict[str, Any]:
    data_key = "name" if item.media_type == "tv" else "title"
    return {
        "id": item.id,
        "translations": [
            {
                "iso_3166_1": t.get("iso_3166_1", ""),
                "iso_639_1": t.get("iso_639_1", ""),
                "name": _LANGUAGE_NAMES.get(t.get("iso_639_1", ""), t.get("iso_639_1", "")),
                "english_name": t.get("iso_639_1", ""),
                "data": {data_key: t.get("name") or "", "overview": "", "homepage": ""},
            }
            for t in item.raw.get("translations", [])
        ],
    }


def _external_ids(item: Item) -> dict[str, Any]:
    ids = item.raw.get("external_ids") or {}
    return {"id": item.id, "tvdb_id": ids.get("tvdb_id"), "imdb_id": None}


SUBRESOURCES = {
    "alternative_titles": _alternative_titles,
    "translations": _translations,
    "external_ids": _external_ids,
}
CONFIGURATION = {
    "images": {
        "base_url": "http://image.tmdb.org/t/p/",
        "secure_base_url": "https://image.tmdb.org/t/p/",
        "backdrop_sizes": ["w300", "w780", "w1280", "original"],
        "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
        "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
        "profile_sizes": ["w45", "w185", "h632", "original"],
        "still_sizes": ["w92", "w185", "w300", "original"],
    },
    "change_keys": ["alternative_titles", "name", "season", "translations"],
}


class Standin:
    """A running stand-in: start() in a background thread, stop() joins it."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        bearer: str = DEFAULT_BEARER,
        knobs: Knobs | None = None,
        log_file: Path | None = None,
    ) -> None:
        knobs = knobs or Knobs()
        self.state = State(catalog, api_key, bearer, knobs, log_file, rng=random.Random(knobs.seed))
        self.httpd = StandinHTTPServer((host, port), self.state)
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="tmdb-standin", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/3"

    @property
    def api_key(self) -> str:
        return self.state.api_key

    @property
    def bearer_token(self) -> str:
        return self.state.bearer

    @property
    def request_log(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return list(self.state.log)

    @property
    def request_count(self) -> int:
        with self.state.lock:
            return len(self.state.log)

    def reset_log(self) -> None:
        with self.state.lock:
            self.state.log.clear()

    def configure(self, **changes: Any) -> None:
        for name, value in changes.items():
            if not hasattr(self.state.knobs, name):
                raise TypeError(f"unknown knob {name}")
            setattr(self.state.knobs, name, frozenset(value) if name == "fail_nth" else value)

    def start(self) -> Standin:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
