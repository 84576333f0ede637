"""``--interactive``: the person answers where the matcher could not, one group of files at a time.

A group is the files of one folder left for the same reason with the same candidates (a season
folder of one release, or the loose episodes of one series in a download folder), so a season is
one question, not twelve. Each answer becomes a pick for exactly those files, which the run then
uses as an override of their match.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from anivault.cli.report import brace_names, title_with_id
from anivault.core.lookup.overrides import MatchOverride, Pick
from anivault.core.models import Candidate, MatchedFile
from anivault.errors import AniVaultError, UsageError
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.models import MediaType

DOUBTFUL = ("unmatched", "review")
"""Statuses a person can settle by naming the title; deferred and parse failures need other fixes."""


def require_terminal(*, json_output: bool) -> None:
    """Raises UsageError when nobody can answer: stdin is not a terminal, or output is NDJSON."""
    if json_output or not sys.stdin.isatty():
        raise UsageError(
            "--interactive needs a terminal on stdin and human output; in scripts use --pick PATH=ID"
        )


@dataclass(slots=True)
class Question:
    folder: str
    reason: str
    candidates: tuple[Candidate, ...]
    files: list[str] = field(default_factory=list)


def questions(matched: Iterable[MatchedFile]) -> list[Question]:
    """The doubtful files, grouped by folder, reason and candidates, in folder order."""
    groups: dict[tuple[str, str, tuple[int, ...]], Question] = {}
    for item in matched:
        if item.status not in DOUBTFUL:
            continue
        folder = os.path.dirname(item.parsed.scanned.relative)
        key = (folder, item.note, tuple(candidate.tmdb_id for candidate in item.candidates))
        question = groups.setdefault(key, Question(folder, item.note, item.candidates))
        question.files.append(item.parsed.scanned.relative)
    return [groups[key] for key in sorted(groups)]


def ask_all(console: Console, client: TmdbClient, source: Path, asked: list[Question]) -> tuple[Pick, ...]:
    """Ask each question on ``console``; the picks for the files whose title the person named."""
    picks: list[Pick] = []
    for number, question in enumerate(asked, start=1):
        console.print(Text(f"\n[{number}/{len(asked)}] {question.folder or '.'}/", style="bold"))
        console.print(Text(f"  {len(question.files)} files: {question.reason}", style="dim"))
        names = brace_names([os.path.basename(path) for path in question.files])
        console.print(Text("\n".join(f"  {line}" for line in names.splitlines())))
        console.print(_candidate_table(client, question.candidates))
        override = _answer(console, client, len(question.candidates), question.candidates)
        if override is not None:
            picks.extend(Pick(source / path, override) for path in question.files)
    return tuple(picks)


def _candidate_table(client: TmdbClient, candidates: tuple[Candidate, ...]) -> Table:
    table = Table(box=None, pad_edge=False)
    for column in ("", "title", "year", "seasons", "score"):
        table.add_column(column, justify="right" if column in ("", "score") else "left")
    for number, candidate in enumerate(candidates, start=1):
        table.add_row(
            str(number),
            title_with_id(candidate.title, candidate.year, candidate.tmdb_id),
            str(candidate.year or "?"),
            _seasons(client, candidate.media_type, candidate.tmdb_id),
            f"{candidate.score:.2f}",
        )
    return table


def _seasons(client: TmdbClient, media_type: MediaType, tmdb_id: int) -> str:
    if media_type == "movie":
        return "movie"
    try:
        details = client.details(media_type, tmdb_id)
    except AniVaultError:
        return "?"
    return str(sum(1 for season in details.seasons if season.number > 0))


def _answer(
    console: Console, client: TmdbClient, choices: int, candidates: tuple[Candidate, ...]
) -> MatchOverride | None:
    """A candidate's number, ``#ID`` or ``ID`` (``movie:ID`` for a movie), or ``s`` to skip."""
    hint = f"1-{choices}, " if choices else ""
    while True:
        text = str(click.prompt(f"  pick {hint}a TMDB id, or s to skip", default="s", err=True)).strip()
        if text.lower() in ("s", "skip"):
            return None
        media_type: MediaType = "movie" if text.lower().startswith("movie:") else "tv"
        number = text.lower().removeprefix("movie:").lstrip("#")
        if not number.isdigit() or int(number) < 1:
            console.print(Text(f"  not a number or id: {text!r}", style="yellow"))
            continue
        if 1 <= int(number) <= choices and not text.startswith("#") and media_type == "tv":
            chosen = candidates[int(number) - 1]
            return MatchOverride(chosen.tmdb_id, chosen.media_type)
        try:
            details = client.details(media_type, int(number))
        except AniVaultError as exc:
            console.print(Text(f"  {media_type} #{number}: {exc}", style="yellow"))
            continue
        console.print(Text(f"  → {title_with_id(details.title, details.year, details.tmdb_id)}"))
        return MatchOverride(details.tmdb_id, media_type)
