"""A lookup's outcome as JSON: the one place a match, its candidates and an unresolved file are
turned into JSON values, for the NDJSON events and the plan file alike.

Each output keeps the keys its schema fixes (``schemas/cli_event.schema.json``,
``schemas/plan.schema.json``) by leaving keys of these out, never by building its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from anivault.core.models import Candidate, Match, MatchedFile


def match_json(match: Match | None) -> dict[str, object]:
    """The match (a file under review: its best guess) with its score parts; every value empty
    when there is none, so a file's JSON has the same keys whatever became of it."""
    if match is None:
        return {
            "media_type": None,
            "tmdb_id": None,
            "title": None,
            "year": None,
            "season": None,
            "episodes": [],
            "score": None,
            "score_parts": {},
        }
    return {
        "media_type": match.media_type,
        "tmdb_id": match.tmdb_id,
        "title": match.title,
        "year": match.year,
        "season": match.season,
        "episodes": list(match.episodes),
        "score": match.score.total,
        "score_parts": dict(match.score.parts),
    }


def candidates_json(candidates: Iterable[Candidate]) -> list[dict[str, object]]:
    """Candidates best first: a matched file's runners-up, or every ranked candidate of a file
    under review (its best guess first)."""
    return [
        {"media_type": c.media_type, "tmdb_id": c.tmdb_id, "title": c.title, "year": c.year, "score": c.score}
        for c in candidates
    ]


def outcome_json(item: MatchedFile) -> dict[str, object]:
    """One file's lookup outcome: its status and why it is not confident, the match, and the
    candidates."""
    return {**_file_json(item), **match_json(item.match), "candidates": candidates_json(item.candidates)}


def unresolved_json(item: MatchedFile) -> dict[str, object]:
    """A file without a match: why, and the candidates it had."""
    return {**_file_json(item), "candidates": candidates_json(item.candidates)}


def _file_json(item: MatchedFile) -> dict[str, object]:
    return {
        "source": item.parsed.scanned.relative,
        "status": item.status,
        "code": item.error_code,
        "note": item.note,
    }


def without(value: dict[str, object], *keys: str) -> dict[str, object]:
    """``value`` less ``keys``, its order kept: an output whose schema has no room for them."""
    return {key: item for key, item in value.items() if key not in keys}
