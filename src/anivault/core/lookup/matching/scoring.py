"""Pure, explainable scoring of a TMDB candidate for a parsed name: named parts, weights as an argument.

Model: beets' ``Distance`` of named penalties and subliminal's weight table pinned by a test. Every
part lands in the plan and ``--json``, so a match can always be explained.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from anivault.core.models import ParsedName
from anivault.services.tmdb.models import TitleDetails
from anivault.utils.titles import fold_chinese_script

SHORTENED_TITLE = 0.9
_YEAR_TAG = re.compile(r"\s*\((?:19|20)\d{2}\)\s*$")


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each part of the evidence counts; pinned by a test so changes are deliberate."""

    title: float = 0.80
    exact_name: float = 0.04
    """The name is the candidate's own title, not only one of its aliases (a remake's, a spin-off's)."""
    year_match: float = 0.10
    year_mismatch: float = -0.15
    popularity: float = 0.05
    episode_fits: float = 0.05
    episode_misfit: float = -0.40
    unknown_words: float = -0.10
    """Words after the title that no title of the series has and that name no season of it: the
    file is placed as if they were not there, which is a guess."""
    folder_consensus: float = 0.15
    """Given only to a file its own name left unmatched, when its folder's clear majority is one
    of its candidates: enough to settle a same-title tie, not to rescue a stranger's name."""


@lru_cache(maxsize=1 << 16)
def normalize_title(text: str) -> str:
    """NFKC, Chinese folded to Simplified (``fold_chinese_script``: a Traditional name meets TMDB's
    Simplified translation), case-folded, punctuation as spaces. Memoised: every file of a series
    compares its name with the same few dozen TMDB titles and aliases."""
    text = fold_chinese_script(unicodedata.normalize("NFKC", text)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def title_similarity(query: str, titles: Sequence[str], *, shortened: bool = True) -> float:
    """Best similarity in [0, 1] between ``query`` and any of ``titles`` (order-insensitive).

    A query whose every word is in a longer title ("Ajin" / "Ajin: Demi-Human") scores
    ``SHORTENED_TITLE``: groups shorten long official titles, but the full title still ranks first.
    ``shortened=False`` leaves that out, to shortlist search hits by how literally they match.
    An alias with a trailing ``(2016)`` ("Ajin (2016)") that is the query without its year scores
    ``SHORTENED_TITLE`` too: the tag tells same-named works apart, so it is the name, but the
    name of one of several works, and an untagged exact title still ranks above it.
    """
    return _similarity(query, tuple(titles), shortened)


@lru_cache(maxsize=1 << 16)
def _similarity(query: str, titles: tuple[str, ...], shortened: bool) -> float:
    """``title_similarity``, memoised: every file of a series is compared with the same titles of
    the same candidates, and a file's own sequel words and closest title are judged from these."""
    wanted = normalize_title(query)
    words = set(wanted.split())
    best = 0.0
    for title in titles:
        candidate = normalize_title(title)
        if candidate:
            best = max(best, fuzz.ratio(wanted, candidate), fuzz.token_sort_ratio(wanted, candidate))
            if shortened and len(words) >= 2 and words <= set(candidate.split()):
                best = max(best, 100 * SHORTENED_TITLE)
        untagged = _YEAR_TAG.sub("", title)
        if shortened and untagged != title and normalize_title(untagged) == wanted:
            best = max(best, 100 * SHORTENED_TITLE)
    return best / 100.0


def all_titles(details: TitleDetails) -> tuple[str, ...]:
    return (
        details.title,
        details.original_title,
        *details.alternative_titles,
        *(t for _, t in details.translated_titles),
    )


def queried_titles(parsed: ParsedName) -> tuple[str, ...]:
    """The titles a name carries: ``Jungle Taitei (Kimba the White Lion)`` gives both, and a title
    written in two scripts (``蜂蜜檸檬蘇打水 Honey Lemon Soda``) gives each script's part too."""
    return carried_titles(parsed.title, parsed.alternative_title)


@lru_cache(maxsize=1 << 16)
def carried_titles(title: str, alternative_title: str | None) -> tuple[str, ...]:
    """``queried_titles`` of a name's title and alternative title; memoised, as a series' every
    file carries the same."""
    titles = (title, alternative_title) if alternative_title else (title,)
    return tuple(dict.fromkeys((*titles, *(run for carried in titles for run in script_runs(carried)))))


MIN_RUN_LETTERS = 3
"""A script's part must have this many letters to count as a title (not ``S2`` or ``Ⅳ``)."""


@lru_cache(maxsize=1 << 16)
def script_runs(title: str) -> tuple[str, ...]:
    """The CJK part and the Latin part of a title that has both, each as written; () otherwise.

    Chinese and Japanese release groups write the local title and the romaji or English one side
    by side, and TMDB's search ANDs every word: neither part is found while the other is there.
    Memoised: a series' every file carries the same title.
    """
    runs: list[tuple[bool, str]] = []
    for char in title:
        cjk = is_cjk(char)
        if runs and (runs[-1][0] == cjk or not char.isalnum()):
            runs[-1] = (runs[-1][0], runs[-1][1] + char)
        else:
            runs.append((cjk, char))
    parts: dict[bool, list[str]] = {True: [], False: []}
    for cjk, text in runs:
        parts[cjk].append(text)
    found = {cjk: " ".join(" ".join(texts).split()).strip(" -_~/·:") for cjk, texts in parts.items()}
    if sum(ch.isalpha() for ch in found[False]) < MIN_RUN_LETTERS or not found[True]:
        return ()
    return found[True], found[False]


def is_cjk(char: str) -> bool:
    """Han, kana, hangul (and their full-width punctuation): the scripts groups pair with Latin."""
    return "\u3000" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af" or "\uff00" <= char <= "\uff60"


def score_series(
    parsed: ParsedName, details: TitleDetails, weights: Weights
) -> tuple[tuple[str, float], ...]:
    """Named score parts for ``details`` as the series/movie of ``parsed`` (pure)."""
    titles = all_titles(details)
    similarity = max(title_similarity(query, titles) for query in queried_titles(parsed))
    parts = [("title", weights.title * similarity)]
    own_names = {normalize_title(details.title), normalize_title(details.original_title)}
    if any(normalize_title(query) in own_names for query in queried_titles(parsed)):
        parts.append(("exact_name", weights.exact_name))
    if parsed.year is not None and details.year is not None:
        season_years = {s.air_year for s in details.seasons}
        fits = parsed.year == details.year or parsed.year in season_years
        parts.append(("year", weights.year_match if fits else weights.year_mismatch))
    parts.append(("popularity", weights.popularity * min(1.0, math.log10(1 + details.popularity) / 3)))
    return tuple(parts)


def display_title(details: TitleDetails, language: str | None) -> str:
    """The title in ``language`` (``ja-JP`` or ``ja``) from TMDB's translations, else TMDB's title."""
    if not language:
        return details.title
    code = language.split("-", maxsplit=1)[0].casefold()
    return next((title for iso, title in details.translated_titles if iso.casefold() == code), details.title)
