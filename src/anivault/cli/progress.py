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
from collections.abc import Iterable
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from anivault.core.lookup.matching.consensus import Outlier

from anivault.core.events import (
    Event,
    MatchOutlier,
    MatchProgress,
    OrganizeFile,
    OrganizeNetworkFs,
    OrganizeStarted,
    PlanBuilt,
    TmdbState,
)

AFTER_LOOKUP = (PlanBuilt, OrganizeNetworkFs, OrganizeStarted, OrganizeFile)
"""Events that come once the lookup is over: planning or moving has begun."""


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


def counters_text(progress: MatchProgress | None, link_state: str) -> str:
    """The live counters people watch during a lookup, as one line (zeros before the first count)."""
    stats = progress.stats if progress else None
    hits, misses = (stats.cache.hits, stats.cache.misses) if stats else (0, 0)
    hit_rate = f"{100 * hits / (hits + misses):.0f}%" if hits + misses else "-"
    return (
        f"parse failures {progress.parse_failed if progress else 0} · cache hits {hit_rate}"
        f" · TMDB requests {stats.requests_sent if stats else 0} · 429s {stats.rate_limited if stats else 0}"
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
        self._lookup: MatchProgress | None = None
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
        match event:
            case MatchProgress():  # the scan's count is the number the later stages count towards
                self._bar("scan", event.listed, total=None)
                self._bar("parse", event.parsed, total=event.listed)
                self._bar("match", event.looked_up, total=event.listed)
                self._lookup = event
                self._show_counters()
            case MatchOutlier():
                self._progress.console.print(
                    Text.assemble(("outlier", "yellow"), outlier_text(event.outlier))
                )
            case TmdbState():
                self._link_state = event.change.after
                self._show_counters()
            case PlanBuilt():
                self._end_scan()
            case OrganizeStarted():
                self._bar("organize", 0, total=event.entries)
            case OrganizeFile():
                self._progress.advance(self._tasks["organize"])

    def _show_counters(self) -> None:
        self._progress.counters = Text(counters_text(self._lookup, self._link_state), style="dim")
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
        self._lookup: MatchProgress | None = None
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
        if isinstance(event, AFTER_LOOKUP):
            self._end_lookup()
        match event:
            case MatchProgress():
                self._lookup = event
            case MatchOutlier():
                self._line(f"outlier{outlier_text(event.outlier)}")
            case TmdbState():
                self._link_state = event.change.after
            case OrganizeStarted():
                self._organize_started = time.monotonic()
            case OrganizeFile():
                self._organized += 1

    def _end_lookup(self) -> None:
        progress, self._lookup = self._lookup, None
        if progress is None:
            return
        seconds = time.monotonic() - self._started
        rate = progress.looked_up / seconds if seconds else 0.0
        self._line(f"scan     {progress.listed} videos")
        self._line(f"parse    {progress.parsed} files, {progress.parse_failed} failed")
        self._line(f"match    {progress.looked_up} files in {seconds:.1f} s ({rate:.1f}/s)")
        self._line(counters_text(progress, self._link_state))

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


def outlier_text(outlier: Outlier) -> str:
    folder = outlier.folder
    return (
        f": {outlier.source} matched {outlier.title} #{outlier.tmdb_id}, but"
        f" {folder.agreeing} of {folder.matched} files in its folder are"
        f" {folder.title} #{folder.tmdb_id}"
    )
