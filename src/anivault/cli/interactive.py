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
from dataclasses import dataclass, field, replace
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from anivault.cli.brace import brace_lines
from anivault.cli.progress import progress_reporter
from anivault.cli.report import print_indented, title_with_id
from anivault.core.lookup.overrides import MatchOverride, Pick
from anivault.core.lookup.stream import LookupRequest, lookup_files
from anivault.core.models import Candidate, MatchedFile
from anivault.errors import AniVaultError, UsageError
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.media_types import MediaType

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
        print_indented(console, Text(f"{len(question.files)} files: {question.reason}", style="dim"), 2)
        for line in brace_lines(os.path.basename(path) for path in question.files):
            print_indented(console, Text(line), 2)
        console.print(_candidate_table(client, question.candidates))
        override = _answer(console, client, len(question.candidates), question.candidates)
        if override is not None:
            picks.extend(Pick(source / path, override) for path in question.files)
    return tuple(picks)


def _candidate_table(client: TmdbClient, candidates: tuple[Candidate, ...]) -> Table:
    table = Table(box=None, pad_edge=False)
    for column in ("", "title (year) #TMDB id", "seasons", "score"):
        table.add_column(column, justify="right" if column in ("", "score") else "left")
    for number, candidate in enumerate(candidates, start=1):
        table.add_row(
            str(number),
            title_with_id(candidate.title, candidate.year, candidate.tmdb_id),
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
    hint = {0: "", 1: "1, "}.get(choices, f"1-{choices}, ")
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


def forced_id_picks(
    console: Console,
    client: TmdbClient,
    request: LookupRequest,
    tmdb_id: int,
    *,
    interactive: bool,
    quiet: bool,
) -> tuple[Pick, ...]:
    """Check ``--tmdb-id`` against the names first: look them up without it (the run that follows
    finds these lookups in the cache). Picks for the files that keep their own match; raises
    UsageError as ``settle_forced_id`` does."""
    with progress_reporter(console, quiet=quiet) as progress:
        matched, _skipped = lookup_files(replace(request, match_override=None), client, progress)
    others = disagreeing(matched, tmdb_id)
    if not others:
        return ()
    return settle_forced_id(console, request.source, tmdb_id, others, interactive=interactive)


def disagreeing(matched: Iterable[MatchedFile], tmdb_id: int) -> list[MatchedFile]:
    """Files whose names, looked up without ``--tmdb-id``, match another title with confidence
    and do not even list ``tmdb_id`` among their candidates: a name that could be either title
    agrees; ``Chainsaw Man - 01`` under ``--tmdb-id`` of Shaman King does not."""
    return [
        item
        for item in matched
        if item.status == "matched"
        and item.match is not None
        and item.match.tmdb_id != tmdb_id
        and all(candidate.tmdb_id != tmdb_id for candidate in item.candidates)
    ]


def settle_forced_id(
    console: Console, source: Path, tmdb_id: int, others: list[MatchedFile], *, interactive: bool
) -> tuple[Pick, ...]:
    """``--tmdb-id`` over files whose names say otherwise: refuse, naming them, or (interactive)
    ask whether they keep their own match. Raises UsageError when refusing or told to stop."""
    names = _by_title(others)
    if not interactive:
        raise UsageError(
            f"--tmdb-id {tmdb_id}: {len(others)} files under --src are named for other titles:\n{names}\n"
            "narrow --src to the folder of that title, or file them anyway with --pick PATH=ID per path"
        )
    console.print(Text(f"--tmdb-id {tmdb_id}: {len(others)} files are named for other titles:", style="bold"))
    console.print(Text(names))
    answer = click.prompt(
        f"  file them as #{tmdb_id} anyway (a), keep their own match (k), or stop (s)",
        type=click.Choice(["a", "k", "s"]),
        default="k",
        err=True,
    )
    if answer == "s":
        raise UsageError("stopped: nothing was planned")
    if answer == "a":
        return ()  # --tmdb-id already says so for every file
    return tuple(
        Pick(source / item.parsed.scanned.relative, MatchOverride(item.match.tmdb_id, item.match.media_type))
        for item in others
        if item.match is not None
    )


def _by_title(items: list[MatchedFile]) -> str:
    """``  Chainsaw Man (2022) #114410: Chainsaw Man - 01.mkv, Chainsaw Man - 02.mkv``."""
    groups: dict[str, list[str]] = {}
    for item in items:
        match = item.match
        label = title_with_id(match.title, match.year, match.tmdb_id) if match else "?"
        groups.setdefault(label, []).append(item.parsed.scanned.relative)
    return "\n".join(f"  {label}: {', '.join(sorted(paths))}" for label, paths in sorted(groups.items()))
