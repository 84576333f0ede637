"""``warm_cache``: look every file up (scan → parse → match) so the cache holds its answers, and plan
nothing. A later ``run`` over the same folder then sends no TMDB requests, which is how people
with metered access fill the cache overnight, or ahead of a trip with no network."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from anivault.core.events import Reporter
from anivault.core.lookup.stream import LookupRequest, iter_lookup
from anivault.core.models import Skipped
from anivault.services.tmdb.client import ClientStats, TmdbClient


@dataclass(frozen=True, slots=True)
class WarmResult:
    files: int
    skipped: int
    statuses: Mapping[str, int]
    """matched / unmatched / deferred / parse_failed … → count."""
    error_codes: tuple[str, ...]
    stats: ClientStats


def warm_cache(request: LookupRequest, client: TmdbClient, reporter: Reporter) -> WarmResult:
    """Look up every video below ``request.source``, keeping only counts (memory stays flat).

    Files TMDB could not be asked about (CacheOnly, a dead key) come back ``deferred`` with their
    error code, as in ``run``. Raises InterruptedRunError on Ctrl+C; the cache keeps what was
    fetched so far and the index is written on the way out.
    """
    statuses: Counter[str] = Counter()
    codes: dict[str, None] = {}
    skipped = 0
    try:
        for item in iter_lookup(request, client, reporter):
            if isinstance(item, Skipped):
                skipped += 1
                continue
            statuses[item.status] += 1
            if item.error_code:
                codes.setdefault(item.error_code)
    finally:
        client.close()
    return WarmResult(sum(statuses.values()), skipped, dict(statuses), tuple(codes), client.stats())
