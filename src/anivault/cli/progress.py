"""Progress for people, on stderr: live bars on a terminal, one stable line per stage elsewhere.

On a terminal each stage (scan, parse, match, organize) gets a bar with its count, rate and ETA,
and the live counters (parse failures, cache hits, TMDB requests, 429s, link state) get a line
of their own below the bars, so no column is squeezed out at 80 columns. The bars go when the
work is done: the summary that follows says the same in one line, and the screen is the result's.
Piped into a file or a CI log, bars would only repeat themselves; each stage then prints one line
when it is done.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from anivault.core.events import Event

LOOKUP_STAGES = ("scan", "parse", "match")
"""The lookup's stages, in order; the scan's count is the number the later ones count towards."""


class RateColumn(ProgressColumn):
    """Items per second, which rich only offers for bytes."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:7.1f}/s" if task.speed else "      -/s", style="progress.data.speed")


class _CountersProgress(Progress):
    """Bars, then the counters line below them (rich's documented ``get_renderables`` hook)."""

    counters: Text = Text()

    def get_renderables(self) -> Iterable[RenderableType]:
        yield from super().get_renderables()
        if self.counters:
            yield self.counters


def counters_text(fields: Mapping[str, object], link_state: str) -> str:
    """The live counters people watch during a lookup, as one line."""
    hits, misses = _int(fields, "cache_hits"), _int(fields, "cache_misses")
    hit_rate = f"{100 * hits / (hits + misses):.0f}%" if hits + misses else "-"
    return (
        f"parse failures {_int(fields, 'parse_failed')} · cache hits {hit_rate}"
        f" · TMDB requests {_int(fields, 'tmdb_requests')} · 429s {_int(fields, 'rate_limited')}"
        f" · link {link_state}"
    )


class RichReporter:
    """Live bars per stage on a terminal: count, rate and ETA, counters on their own line."""

    def __init__(self, console: Console) -> None:
        self._progress = _CountersProgress(
            TextColumn("{task.description:<8}"),
            BarColumn(bar_width=None),
            MofNCompleteColumn(),
            RateColumn(),
            TimeRemainingColumn(),
            console=console,
            expand=True,
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {}
        self._counter_fields: Mapping[str, object] = {}
        self._link_state = "normal"

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._end_scan()
        self._progress.stop()

    def _end_scan(self) -> None:
        """The scan's total is known only once it is over: its bar then shows full."""
        for task in self._progress.tasks:
            if task.id == self._tasks.get("scan"):
                self._progress.update(task.id, total=task.completed)

    def emit(self, event: Event) -> None:
        if event.phase == "match" and event.event == "progress":
            seen = _int(event.fields, "source")
            for stage in LOOKUP_STAGES:
                done = _int(event.fields, "source" if stage == "scan" else stage)
                self._bar(stage, done, total=None if stage == "scan" else seen)
            self._counter_fields = event.fields
            self._show_counters()
        elif event.phase == "match" and event.event == "outlier":
            self._progress.console.print(Text.assemble(("outlier", "yellow"), outlier_text(event.fields)))
        elif event.phase == "tmdb" and event.event == "state":
            self._link_state = str(event.fields["to"])
            self._show_counters()
        elif event.phase == "plan" and event.event == "built":
            self._end_scan()
        elif event.phase == "organize" and event.event == "started":
            self._bar("organize", 0, total=_int(event.fields, "entries"))
        elif event.phase == "organize" and event.event == "file":
            self._progress.advance(self._tasks["organize"])

    def _show_counters(self) -> None:
        self._progress.counters = Text(counters_text(self._counter_fields, self._link_state), style="dim")
        self._progress.refresh()

    def _bar(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)


class StageLines:
    """Without a terminal: one line per stage once it is done (no bars redrawn into a log)."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._started = time.monotonic()
        self._lookup: Mapping[str, object] | None = None
        self._link_state = "normal"
        self._organize_started = 0.0
        self._organized = 0

    def __enter__(self) -> StageLines:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._end_lookup()
        if self._organize_started:
            seconds = time.monotonic() - self._organize_started
            self._line(f"organize {self._organized} files in {seconds:.1f} s")

    def emit(self, event: Event) -> None:
        if event.phase == "match" and event.event == "progress":
            self._lookup = event.fields
        elif event.phase == "match" and event.event == "outlier":
            self._line(f"outlier{outlier_text(event.fields)}")
        elif event.phase == "tmdb" and event.event == "state":
            self._link_state = str(event.fields["to"])
        elif event.phase in ("plan", "organize") and self._lookup is not None:
            self._end_lookup()
        if event.phase == "organize" and event.event == "started":
            self._organize_started = time.monotonic()
        elif event.phase == "organize" and event.event == "file":
            self._organized += 1

    def _end_lookup(self) -> None:
        fields, self._lookup = self._lookup, None
        if fields is None:
            return
        seconds = time.monotonic() - self._started
        rate = _int(fields, "match") / seconds if seconds else 0.0
        self._line(f"scan     {_int(fields, 'source')} videos")
        self._line(f"parse    {_int(fields, 'parse')} files, {_int(fields, 'parse_failed')} failed")
        self._line(f"match    {_int(fields, 'match')} files in {seconds:.1f} s ({rate:.1f}/s)")
        self._line(counters_text(fields, self._link_state))

    def _line(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False, soft_wrap=True)


class Silent:
    """``--quiet``: no progress at all; errors and the summary still print."""

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def emit(self, event: Event) -> None:
        return None


def progress_reporter(console: Console, *, quiet: bool) -> RichReporter | StageLines | Silent:
    """The progress a person gets on ``console``: bars on a terminal, stage lines elsewhere."""
    if quiet:
        return Silent()
    if console.is_terminal:
        return RichReporter(console)
    return StageLines(console)


def outlier_text(fields: Mapping[str, Any]) -> str:
    return (
        f": {fields['source']} matched {fields['title']} #{fields['tmdb_id']}, but"
        f" {fields['folder_agreeing']} of {fields['folder_matched']} files in its folder are"
        f" {fields['folder_title']} #{fields['folder_tmdb_id']}"
    )


def _int(fields: Mapping[str, object], name: str) -> int:
    return int(str(fields.get(name, 0)))
