"""What a person reads at the end of ``run``, ``organize`` and ``match``.

Sized for a terminal and for any library: one line per series (not per file), then every problem
file grouped by folder and reason (never cut by a row cap: a problem hidden is a problem kept),
then the counts and the next step. Per-file lines only with ``--verbose``/``--show files``;
``--quiet`` prints the counts and the next step alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text

from anivault.cli.brace import brace_lines
from anivault.core.apply.apply import ApplyOutcome
from anivault.core.models import Candidate, Match, MatchedFile
from anivault.core.plan.build import REVIEW_NOTES
from anivault.core.plan.model import PlanEntry
from anivault.core.run import RunResult
from anivault.services.settings_model import ACTION_WORDS

PROBLEM_ORDER = ("review", "unmatched", "deferred", "parse_failed", "conflict", "error", "failed")
"""Problems in the order a person should look at them: decisions first, then what failed."""

PROBLEM_TITLES = {
    "review": "under review",
    "unmatched": "not matched",
    "deferred": "TMDB unreachable, looked up again by --resume",
    "parse_failed": "name not understood",
    "conflict": "conflict at the target",
    "error": "cannot be planned",
    "failed": "failed",
}


GUESS = "→ "
"""Before a best guess under review: where the files would go, were it accepted."""


def title_with_id(title: str, year: int | None, tmdb_id: int) -> str:
    """``Title (Year) #12345``: what a person checks on TMDB or passes to ``--tmdb-id``/``--pick``."""
    return f"{title} ({year or '?'}) #{tmdb_id}"


def candidate_text(candidate: Candidate) -> str:
    return f"{title_with_id(candidate.title, candidate.year, candidate.tmdb_id)} {candidate.score:.2f}"


def place_text(match: Match) -> str:
    where = f"S{match.season:02d}" if match.season is not None else ""
    return where + "".join(f"E{e:02d}" for e in match.episodes)


@dataclass(slots=True)
class SeriesLine:
    """One TMDB title of a run: what lands where."""

    title: str
    year: int | None
    tmdb_id: int
    movie: bool
    seasons: set[int] = field(default_factory=set)
    videos: int = 0
    sidecars: int = 0
    folders: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return title_with_id(self.title, self.year, self.tmdb_id)

    def add(self, match: Match, *, sidecar: bool, target: str | None) -> None:
        if sidecar:
            self.sidecars += 1
        else:
            self.videos += 1
            if match.season is not None:
                self.seasons.add(match.season)
        if target is not None:
            self.folders.add(_series_folder(target, movie=self.movie))


def series_line(series: dict[tuple[str, int], SeriesLine], match: Match) -> SeriesLine:
    """The line of ``match``'s title, started on its first file."""
    key = (match.media_type, match.tmdb_id)
    if key not in series:
        series[key] = SeriesLine(match.title, match.year, match.tmdb_id, movie=match.media_type == "movie")
    return series[key]


def _series_folder(relative_target: str, *, movie: bool) -> str:
    """``Title (Year)/`` of ``Title (Year)/Season 01/x.mkv``; a movie's own folder."""
    parts = Path(relative_target).parts
    keep = len(parts) - 1 if movie else 1
    return "/".join(parts[: max(keep, 1)]) + "/"


@dataclass(frozen=True, slots=True)
class ProblemKey:
    kind: str
    folder: str
    reason: str


@dataclass(slots=True)
class ProblemGroup:
    files: list[str] = field(default_factory=list)
    candidates: tuple[Candidate, ...] = ()
    detail: str = ""
    """One file's own message, where the reason is only a code (failed moves name paths)."""
    detail_from_video: bool = False


class Problems:
    """Problem files grouped by kind, folder and reason, in the order they should be read."""

    def __init__(self) -> None:
        self._groups: dict[ProblemKey, ProblemGroup] = {}

    def add(
        self,
        kind: str,
        path: str,
        reason: str,
        candidates: tuple[Candidate, ...] = (),
        detail: str = "",
        *,
        video: bool = True,
    ) -> None:
        """``detail``: the file's own message; a video's is shown before a sidecar's."""
        folder, name = os.path.split(path)
        group = self._groups.setdefault(ProblemKey(kind, folder, reason), ProblemGroup())
        group.files.append(name)
        group.candidates = group.candidates or candidates
        if detail and (not group.detail or (video and not group.detail_from_video)):
            group.detail, group.detail_from_video = detail, video

    def add_unresolved(self, item: MatchedFile) -> None:
        """A file without a plan entry; one under review with a guess that has no place in the
        series shows the guess."""
        match = item.match
        if item.status == "review" and match is not None:
            label = title_with_id(match.title, match.year, match.tmdb_id)
            where = "" if item.plannable else " (no place in it)"
            reason, detail = f"{GUESS}{label}{where}", _reason(item.error_code, item.note)
        else:
            reason, detail = _reason(item.error_code, item.note), ""
        self.add(item.status, item.parsed.scanned.relative, reason, item.candidates, detail=detail)

    def __len__(self) -> int:
        return sum(len(group.files) for group in self._groups.values())

    def groups(self) -> list[tuple[ProblemKey, ProblemGroup]]:
        rank = {kind: n for n, kind in enumerate(PROBLEM_ORDER)}
        return sorted(self._groups.items(), key=lambda kv: (rank.get(kv[0].kind, 99), kv[0].folder))

    def count(self, *kinds: str) -> int:
        return sum(len(group.files) for key, group in self._groups.items() if key.kind in kinds)


def _reason(code: str | None, note: str) -> str:
    return " ".join(part for part in (code, note) if part) or "-"


@dataclass(frozen=True, slots=True)
class NextStep:
    """What the command line told us that the result does not know: where the plan went."""

    plan_file: Path | None = None


def render_run(
    console: Console, result: RunResult, *, applied: bool, detail: str, next_step: NextStep
) -> None:
    """Series, problems, counts and the next step of a run (or of an applied/shown plan)."""
    outcomes = {outcome.entry.entry_id: outcome for outcome in result.outcomes}
    series: dict[tuple[str, int], SeriesLine] = {}
    problems = Problems()
    for item in result.unresolved:
        problems.add_unresolved(item)
    files: list[tuple[PlanEntry, ApplyOutcome | None]] = []
    for entry in result.plan.entries:
        outcome = outcomes.get(entry.entry_id)
        _tally_entry(entry, outcome, series, problems)
        if detail == "files":
            files.append((entry, outcome))
    if detail != "summary":
        _print_series(console, series.values(), (result.plan.target_root, result.plan.options.movies_root))
        _print_problems(console, problems)
    if detail == "files":
        _print_entries(console, files)
        _print_unresolved_files(console, result.unresolved)
    _print_run_summary(console, result, problems, applied=applied, next_step=next_step)


def _tally_entry(
    entry: PlanEntry,
    outcome: ApplyOutcome | None,
    series: dict[tuple[str, int], SeriesLine],
    problems: Problems,
) -> None:
    match = entry.match
    if outcome is not None and outcome.status == "failed":
        problems.add(
            "failed",
            entry.relative_source,
            outcome.error_code or "-",
            detail=outcome.message,
            video=entry.role == "video",
        )
    elif entry.status == "review":
        # planned from a best guess, applied only once accepted: a decision, not a series line
        if entry.role == "video":  # its sidecars follow it, whatever is decided
            label = title_with_id(match.title, match.year, match.tmdb_id)
            # the group already says "under review"; the note's own prefix would say it twice
            doubt = entry.note.replace(REVIEW_NOTES[False], "")
            problems.add("review", entry.relative_source, f"{GUESS}{label}", detail=doubt)
        return
    elif entry.status in ("conflict", "error") or (entry.status == "exists" and entry.error_code):
        # a different file already at the target is a conflict whatever the plan calls it; the
        # note (both sizes, or why a sidecar stays) is each file's own, so the code groups them
        kind = "error" if entry.status == "error" else "conflict"
        problems.add(
            kind,
            entry.relative_source,
            entry.error_code or "-",
            detail=entry.note,
            video=entry.role == "video",
        )
        return
    series_line(series, match).add(match, sidecar=entry.role == "sidecar", target=entry.relative_target)


MIN_TITLE_CELLS = 16
"""A series title is cut (``…``) to keep its line on one row, but never below this many cells."""


def _print_series(
    console: Console, lines: Iterable[SeriesLine], roots: tuple[Path, Path | None] | None = None
) -> None:
    """A row per series, its numbers in aligned columns, cut to the width of the terminal by
    shortening the title (never its year and id); movies, with no seasons to count, share a
    paragraph.
    ``roots``: the series and movie roots the folders are in, when files are planned."""
    ordered = sorted(lines, key=lambda line: line.label.casefold())
    series = [line for line in ordered if not line.movie]
    movies = [line for line in ordered if line.movie]
    if series:
        where = f" → {roots[0]}" if roots else ""
        console.print(Text(f"Series ({len(series)}){where}", style="bold", overflow="fold"))
        for row in _series_rows(series, console.width):
            console.print(row, no_wrap=True, overflow="ellipsis")
    if movies:
        where = f" → {roots[1]}" if roots and roots[1] else ""
        console.print(Text(f"Movies ({len(movies)}){where}", style="bold", overflow="fold"))
        print_indented(console, Text(" · ".join(line.label for line in movies)), 2)


def _series_rows(series: list[SeriesLine], width: int) -> Iterator[Text]:
    seasons = [_seasons_text(line.seasons) for line in series]
    season_cells = max(len(text) for text in seasons)
    episode_cells = max(len(str(line.videos)) for line in series)
    sub_cells = max(len(str(line.sidecars)) for line in series)
    any_subs = any(line.sidecars for line in series)
    numbers = season_cells + episode_cells + 5 + (sub_cells + 6 if any_subs else 0)
    label_cells = min(max(cell_len(line.label) for line in series), max(width - 4 - numbers, MIN_TITLE_CELLS))
    for line, season_text in zip(series, seasons, strict=True):
        label = _cut_label(line, label_cells)
        stats = f"{season_text:<{season_cells}}  {line.videos:>{episode_cells}} ep"
        if line.sidecars:
            stats += f"  {line.sidecars:>{sub_cells}} sub"
        row = Text.assemble("  ", label, " " * (label_cells - cell_len(label) + 2), (stats, "dim"))
        renamed = sorted(folder for folder in line.folders if _letters(folder) != _letters(line.label))
        if renamed:
            into = f"into {', '.join(renamed)}"
            if row.cell_len + 2 + cell_len(into) <= width:
                row.append(f"  {into}", style="dim")
            else:
                yield row
                row = Text(f"    {into}", style="dim")
        yield row


def _cut_label(line: SeriesLine, cells: int) -> str:
    """``Title (Year) #id`` in ``cells``: the title gives way, the year and id stay whole."""
    label = line.label
    if cell_len(label) <= cells:
        return label
    tail = label[len(line.title) :]
    room = max(cells - cell_len(tail) - 1, 1)
    return set_cell_size(line.title, room).rstrip() + "…" + tail


def _letters(name: str) -> str:
    """A folder or ``Title (Year) #id`` label without punctuation and the id: folders that differ
    from the title only where a file name cannot hold a character (``Re - Zero`` for ``Re:Zero``)
    are named as the series is, as are the presets' id tags (``[tmdbid-N]``, ``{tmdb-N}``); only
    a real difference (an existing folder of another name, a disambiguating suffix) is shown."""
    name = name.rpartition(" #")[0] if " #" in name else name
    return re.sub(r"\W+", "", re.sub(r"[\[{]tmdb(?:id)?-\d+[\]}]", "", name)).casefold()


SEASONS_CELLS = 11
"""Widest season list on a series row (``S00,S01,S03``); a longer one is counted instead
(``6 seasons``), so one long-running show does not squeeze every title."""


def _seasons_text(seasons: set[int]) -> str:
    """``S00,S01,S04``, runs of three or more as ``S03-S07``."""
    if not seasons:
        return "-"
    runs: list[list[int]] = []
    for season in sorted(seasons):
        if runs and season == runs[-1][-1] + 1:
            runs[-1].append(season)
        else:
            runs.append([season])
    text = ",".join(
        f"S{run[0]:02d}-S{run[-1]:02d}" if len(run) > 2 else ",".join(f"S{season:02d}" for season in run)
        for run in runs
    )
    return text if len(text) <= SEASONS_CELLS else f"{len(seasons)} seasons"


def _print_problems(console: Console, problems: Problems) -> None:
    """Each group: what and where, then why (wrapped, never cut: it names ids and paths), then
    its files as brace lines. No heading: the summary below counts them."""
    if not len(problems):
        return
    for key, group in problems.groups():
        folder = f"{key.folder}/" if key.folder else "./"
        title = PROBLEM_TITLES.get(key.kind, key.kind)
        console.print(Text.assemble((title, "bold yellow"), f" ({len(group.files)}) in {folder}"))
        why = " — ".join(part for part in (key.reason, group.detail) if part and part != "-") or "-"
        print_indented(console, Text(why, style="dim"), 2)
        if group.candidates:
            picks = " · ".join(candidate_text(candidate) for candidate in group.candidates[:3])
            print_indented(console, Text(f"? {picks}"), 2)
        for line in brace_lines(group.files):
            print_indented(console, Text(line), 4)


def print_indented(console: Console, text: Text, indent: int) -> None:
    """``text`` wrapped below ``indent`` spaces, its wrapped lines too, with no trailing blanks."""
    for line in text.wrap(console, max(console.width - indent, 20)):
        line.rstrip()
        console.print(Text(" " * indent) + line, no_wrap=True, overflow="ignore")


def _print_entries(console: Console, files: list[tuple[PlanEntry, ApplyOutcome | None]]) -> None:
    """One line per plan entry, with what happened to it once applied."""
    console.print(Text(f"Files: {len(files)}", style="bold"))
    for entry, outcome in files:
        what = f"{entry_state(entry, outcome)} #{entry.match.tmdb_id} → {entry.relative_target}"
        _file_line(console, entry.relative_source, what)


def entry_state(entry: PlanEntry, outcome: ApplyOutcome | None) -> str:
    """What a file's row says: the plan's status, or after apply what happened (and the code)."""
    if outcome is None:
        return entry.status
    if outcome.status == "moved":
        return ACTION_WORDS[entry.action].done
    return " ".join(part for part in (outcome.status, outcome.error_code) if part)


def _print_unresolved_files(console: Console, unresolved: Iterable[MatchedFile]) -> None:
    for item in unresolved:
        _print_unplaced_line(console, item)


def _print_unplaced_line(console: Console, item: MatchedFile) -> None:
    """A file without a placement: its status, then its best candidates or why it has none."""
    best = ", ".join(candidate_text(candidate) for candidate in item.candidates[:3])
    _file_line(
        console,
        item.parsed.scanned.relative,
        f"{item.status} ? {best or _reason(item.error_code, item.note)}",
    )


def _counts(total: str, counts: Iterable[tuple[int, str]]) -> str:
    """``357 videos: 330 matched, 27 under review``: the first count always, the others when not 0."""
    shown = [f"{count} {name}" for n, (count, name) in enumerate(counts) if count or not n]
    return f"{total}: {', '.join(shown)}"


def _print_run_summary(
    console: Console, result: RunResult, problems: Problems, *, applied: bool, next_step: NextStep
) -> None:
    s = result.summary
    if s.files_seen:  # a saved plan (--from-plan, a resumed apply) looked nothing up
        lookup = _counts(
            f"{s.files_seen} videos",
            (
                (s.matched, "matched"),
                (s.review, "under review"),
                (s.unmatched, "not matched"),
                (s.deferred, "deferred"),
                (s.parse_failed, "not parsed"),
                (s.skipped, "skipped"),
            ),
        )
        console.print(Text(f"{lookup} · {s.tmdb_requests} TMDB requests · {s.seconds:.1f} s"))
    if applied:
        done = _counts("plan", ((s.moved, "done"), (s.move_failed, "failed")))
    else:
        pending = ACTION_WORDS[result.plan.options.action].pending
        done = f"plan: {s.planned} {'file' if s.planned == 1 else 'files'} {pending}"
    done += "".join(
        f", {count} {name}"
        for count, name in (
            (s.conflicts, "conflict" if s.conflicts == 1 else "conflicts"),
            (s.already_there, "already in library"),
        )
        if count
    )
    for line in next_steps(result, problems, done, applied=applied, next_step=next_step):
        paths = line.startswith(("journal:", "plan written", "dry run: nothing"))
        console.print(Text(line, style="bold"), soft_wrap=paths)  # paths stay whole for copying


def next_steps(
    result: RunResult, problems: Problems, counts: str, *, applied: bool, next_step: NextStep
) -> Iterator[str]:
    """The plan's ``counts``, then what to do next: a plain dry run says so on the same line."""
    plan_file = next_step.plan_file
    nothing_done = f"dry run: nothing {ACTION_WORDS[result.plan.options.action].done}"
    if not applied and plan_file is None:
        yield f"{counts} · {nothing_done} — add --apply to do it"
    else:
        yield counts
    if plan_file is not None:
        yield f"plan written to {plan_file}"
        if not applied:
            apply = f"anivault organize --from-plan {plan_file} --apply"
            yield f"{nothing_done} — apply the plan: {apply}"
    if applied and result.journal is not None:
        yield f"journal: {result.journal} (undo: anivault organize --undo {result.journal})"
    decide = decisions(problems)
    if decide:
        yield decide


def decisions(problems: Problems) -> str:
    """The files a person must decide, and how: ``27 under review: settle with …``."""
    review, unmatched = problems.count("review"), problems.count("unmatched")
    waiting = ", ".join(
        f"{count} {name}" for count, name in ((review, "under review"), (unmatched, "not matched")) if count
    )
    if not waiting:
        return ""
    accept = " or --accept-review" if review else ""
    return f"{waiting}: settle with --interactive or --pick PATH=ID{accept}"


def render_matches(console: Console, matched: Iterable[MatchedFile], *, detail: str) -> None:
    """Series and problems of ``anivault match``, in one pass: ``matched`` may be a disk spool,
    read once rather than copied."""
    series: dict[tuple[str, int], SeriesLine] = {}
    problems = Problems()
    counts = {"matched": 0, "review": 0, "unmatched": 0}
    for item in matched:
        match = item.match
        if item.status != "matched" or match is None:
            counts["review" if item.status == "review" else "unmatched"] += 1
            problems.add_unresolved(item)
        else:
            counts["matched"] += 1
            series_line(series, match).add(match, sidecar=False, target=None)
        if detail == "files":
            _print_match_line(console, item)
    if detail != "summary":
        _print_series(console, series.values())
        _print_problems(console, problems)
    total = _counts(
        f"{sum(counts.values())} videos",
        (
            (counts["matched"], "matched"),
            (counts["review"], "under review"),
            (counts["unmatched"], "not matched"),
        ),
    )
    console.print(Text(total, style="bold"))
    decide = decisions(problems)
    if decide:
        console.print(Text(decide.replace(" or --accept-review", ""), style="bold"))


def _print_match_line(console: Console, item: MatchedFile) -> None:
    match = item.match
    if match is None:
        _print_unplaced_line(console, item)
        return
    label = title_with_id(match.title, match.year, match.tmdb_id)
    rivals = [
        c for c in item.candidates[:3] if (c.media_type, c.tmdb_id) != (match.media_type, match.tmdb_id)
    ]
    also = "".join(f" · also {candidate_text(candidate)}" for candidate in rivals if item.status == "review")
    _file_line(
        console,
        item.parsed.scanned.relative,
        f"{item.status} = {label} {place_text(match)} {match.score.total:.2f}{also}",
    )


def _file_line(console: Console, source: str, what: str) -> None:
    """A file of ``--show files``: its path from the first column (a long name wraps within
    itself, not after a status column), then what became of it, indented."""
    console.print(Text(source, overflow="fold"))
    console.print(Text(f"  {what}", style="dim", overflow="fold"))
