"""Episode titles for names (the template field ``{episode_title}``), from TMDB season details.

One request per season of a series, cached by the TMDB client and kept for the run here, and none at
all unless the template uses the field. A season TMDB cannot give (offline, unknown) names its
episodes without titles rather than failing the plan.
"""

from __future__ import annotations

from collections.abc import Callable

from anivault.core.models import Match
from anivault.core.plan.naming import Naming
from anivault.errors import TmdbError
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.models import SeasonDetails

EpisodeTitle = Callable[[Match], "str | None"]
"""A matched video's episode title (several episodes joined by `` + ``), or None."""
EPISODE_TITLE_FIELD = "episode_title"


def episode_titles_for(naming: Naming, client: TmdbClient) -> EpisodeTitle | None:
    """The lookup a plan needs for ``naming``: None when its templates do not use the field."""
    if not naming.scheme.tv.uses(EPISODE_TITLE_FIELD):
        return None
    return _SeasonTitles(client).title


class _SeasonTitles:
    def __init__(self, client: TmdbClient) -> None:
        self._client = client
        self._seasons: dict[tuple[int, int], SeasonDetails | None] = {}

    def title(self, match: Match) -> str | None:
        if match.media_type != "tv" or match.season is None or not match.episodes or match.extra:
            return None
        season = self._season(match.tmdb_id, match.season)
        if season is None:
            return None
        titles = [season.episode_title(e) for e in match.episodes]
        return " + ".join(dict.fromkeys(t for t in titles if t)) or None

    def _season(self, tmdb_id: int, number: int) -> SeasonDetails | None:
        key = (tmdb_id, number)
        if key not in self._seasons:
            try:
                self._seasons[key] = self._client.season(tmdb_id, number)
            except TmdbError:
                self._seasons[key] = None
        return self._seasons[key]
