"""Rendering: NDJSON events for machines, and the small tables of scan, status and titles.

Progress for people is in ``progress.py``, the end of a run or match in ``report.py``.

Data goes to stdout, progress and diagnostics to stderr; in ``--json`` mode stdout carries only
NDJSON events, one per line: ``{"ts", "phase", "event", "fields"}``.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import IO

from rich.console import Console
from rich.table import Table

from anivault.cli.events import MatchOutcome, MatchSummary, PlanEntryEvent, RunSummaryEvent
from anivault.core.events import Event, Reporter
from anivault.core.lookup.scan import ListedVideo
from anivault.core.models import MatchedFile, Skipped
from anivault.core.run import RunResult
from anivault.core.state import RunSnapshot
from anivault.services.titles.index import TitleHit

MAX_PLAN_ROWS = 400

FLUSH_EVERY_SECONDS = 0.05


class NdjsonReporter:
    """Writes every event as one JSON line on ``stream`` (stdout); use it as a context manager.

    Lines about single files are gathered and written together by a ticker thread, at most
    ``FLUSH_EVERY_SECONDS`` after they were emitted; every other event (progress, state changes,
    the summary) writes what is gathered at once, and leaving the ``with`` block writes the rest,
    also on an error. A large run writes a line per file, and with ``PYTHONUNBUFFERED`` (set in
    many container images) each ``write`` to stdout is a system call on the busiest thread.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stdout
        self._pending: list[str] = []
        self._lock = threading.Lock()  # TMDB state events come from the match threads
        self._closed = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="anivault-ndjson", daemon=True)

    def __enter__(self) -> NdjsonReporter:
        self._ticker.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._closed.set()
        self._ticker.join()
        self.flush()

    def emit(self, event: Event) -> None:
        line = {
            "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "phase": event.phase,
            "event": event.event,
            "fields": event.to_json(),
        }
        text = ndjson_line(line)
        with self._lock:
            self._pending.append(text)
        if not event.per_file:
            self.flush()

    def flush(self) -> None:
        """Write the gathered lines in one call."""
        with self._lock:
            lines, self._pending = self._pending, []
            if lines:
                self._stream.write("".join(f"{line}\n" for line in lines))
            self._stream.flush()

    def _tick(self) -> None:
        while not self._closed.wait(FLUSH_EVERY_SECONDS):
            if self._pending:
                self.flush()


_UTF8_JSON = json.JSONEncoder(ensure_ascii=False, default=str)
_ASCII_JSON = json.JSONEncoder(ensure_ascii=True, default=str)
"""Built once: ``json.dumps`` with options builds an encoder per call, on the busiest thread."""


def ndjson_line(value: object) -> str:
    """One JSON line, UTF-8 as it reads best; a file name with undecodable bytes (lone surrogates on
    Linux) is escaped as ``\\udcXX`` instead, which is still valid JSON and round-trips to the bytes."""
    text = _UTF8_JSON.encode(value)
    if text.isascii():  # the common line: nothing to check
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _ASCII_JSON.encode(value)
    return text


def emit_run_result(reporter: Reporter, result: RunResult) -> None:
    """The machine-readable end of a run: one event per plan entry and unresolved file, a summary."""
    for entry in result.plan.entries:
        reporter.emit(PlanEntryEvent(entry))
    for item in result.unresolved:
        reporter.emit(MatchOutcome(item))
    reporter.emit(RunSummaryEvent(result.summary))


def first_message_per_code(result: RunResult) -> list[tuple[str, str]]:
    """Each run-level problem said once (a dead key must not print 200 identical lines)."""
    seen: dict[str, str] = {}
    for item in result.unresolved:
        if item.error_code and item.error_code not in seen:
            seen[item.error_code] = item.note
    if result.plan.status_counts()["error"]:  # entries refused when planning (path too long, outside)
        for entry in result.plan.entries:
            if entry.status == "error" and entry.error_code and entry.error_code not in seen:
                seen[entry.error_code] = entry.note
    for outcome in result.outcomes:
        if outcome.error_code and outcome.error_code not in seen:
            seen[outcome.error_code] = outcome.message
    return list(seen.items())


def render_scan(console: Console, files: list[ListedVideo], skipped: list[Skipped]) -> None:
    table = Table(title=f"{len(files)} videos", expand=False)
    table.add_column("File", overflow="fold", ratio=1)
    table.add_column("MB", justify="right", no_wrap=True)
    table.add_column("Sidecars", justify="right", no_wrap=True)
    for listed in files[:MAX_PLAN_ROWS]:
        scanned = listed.scanned
        table.add_row(scanned.relative, f"{listed.size / 1e6:.1f}", str(len(scanned.sidecars)))
    console.print(table)
    if len(files) > MAX_PLAN_ROWS:
        console.print(f"… and {len(files) - MAX_PLAN_ROWS} more videos")
    reasons: dict[str, int] = {}
    for item in skipped:
        reasons[item.reason] = reasons.get(item.reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        console.print(f"skipped {count}: {reason}", markup=False)


def emit_matches(reporter: Reporter, matched: Iterable[MatchedFile]) -> None:
    """One event per file: ``matched`` with the match, or its status with the candidates."""
    statuses: dict[str, int] = {}
    for item in matched:
        statuses[item.status] = statuses.get(item.status, 0) + 1
        reporter.emit(MatchOutcome(item))
    reporter.emit(MatchSummary(statuses))


def render_status(console: Console, snapshot: RunSnapshot | None) -> None:
    if snapshot is None:
        console.print("no run recorded yet: try  anivault run --src DIR --dst DIR", markup=False)
        return
    table = Table(title=f"Last run {snapshot.run_id}", show_header=False, expand=False)
    table.add_column("", style="bold", no_wrap=True)
    table.add_column("", overflow="fold")
    rows: list[tuple[str, object]] = [
        ("state", snapshot.state),
        ("started", snapshot.started_at),
        ("ended", snapshot.ended_at or "-"),
        ("source", snapshot.source),
        ("target", snapshot.target),
        ("mode", "apply" if snapshot.apply else "dry-run"),
        ("journal", snapshot.journal or "-"),
        ("logs", snapshot.log_dir or "-"),
        ("resumable", "yes" if snapshot.resumable else "no"),
        ("error codes", ", ".join(snapshot.error_codes) or "-"),
        *((name, value) for name, value in snapshot.counts.items()),
    ]
    if snapshot.message:
        rows.append(("message", snapshot.message))
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)


def render_title_hits(console: Console, query: str, hits: list[TitleHit], source: str) -> None:
    """Where ``query`` leads, one row per hit, and which index said so."""
    if not hits:
        console.print(f"no title found for {query!r}", markup=False)
    else:
        table = Table(title=f"Titles for {query!r}", expand=False)
        for column in ("tmdb id", "type", "season", "offset", "indexed title", "similarity"):
            table.add_column(column, overflow="fold")
        for hit in hits:
            season = "series" if hit.season is None else str(hit.season)
            table.add_row(
                str(hit.tmdb_id),
                hit.media_type,
                "-" if hit.media_type == "movie" else season,
                f"{hit.episode_offset:+d}",
                hit.title,
                f"{hit.similarity:.2f}",
            )
        console.print(table)
    console.print(f"index: {source}", markup=False, soft_wrap=True)
