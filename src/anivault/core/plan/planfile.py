"""The reviewable plan file (``--plan FILE``; schema in ``schemas/plan.schema.json``).

Users read it, edit targets, delete entries they disagree with, accept best guesses (an entry
with ``"status": "review"`` changed to ``"planned"``; its sidecars follow it), then run
``organize --from-plan FILE --apply``, which executes exactly the planned entries. So the file is
byte-deterministic (sorted keys, entries in source order, no timestamps), and reading it back is
strict: a wrong format, a target escaping the library (``..``, absolute) or a name Windows could
not hold is refused up front with ``E-USAGE``, and two entries aiming at one target are refused
with ``E-ORGANIZE-CONFLICT`` before anything moves. Whether a source changed since planning is
checked per entry when it is applied (``E-PLAN-STALE``), from the fingerprint stored here.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any, cast

from anivault.core.config import one_of, plan_options_from_json, plan_options_to_json
from anivault.core.lookup.outcome_json import match_json, unresolved_json, without
from anivault.core.models import Fingerprint, Match, MatchedFile, Score
from anivault.core.plan.model import (
    ENTRY_STATUSES,
    EntryStatus,
    ListedEntries,
    Plan,
    PlanEntry,
    duplicate_ids,
)
from anivault.core.plan.naming import safe_segment
from anivault.errors import OrganizeConflictError, PlanUntrustedError, UsageError
from anivault.services.settings_model import ACTIONS, Action
from anivault.services.tmdb.media_types import MEDIA_TYPES
from anivault.utils.atomic import atomic_text

FORMAT = "anivault-plan/1"


def plan_to_json(plan: Plan, unresolved: Iterable[MatchedFile] = ()) -> str:
    """The plan as the text written to disk: same plan in, same bytes out."""
    return "".join(plan_json_chunks(plan, unresolved))


def plan_json_chunks(plan: Plan, unresolved: Iterable[MatchedFile] = ()) -> Iterator[str]:
    """The plan file's text, an entry at a time, so a 300k-entry plan is never one string.

    Exactly the bytes ``json.dumps(document, sort_keys=True, indent=2)`` would give: ``entries``
    sorts first and ``unmatched`` last, so both stream and the small keys between are dumped whole.
    ``unresolved`` (files that were not matched: unmatched, deferred, parse failures, with their
    best candidates) is there for review only; ``--from-plan`` executes entries alone.
    """
    middle = {
        "format": FORMAT,
        "options": plan_options_to_json(plan.options),
        "source_root": str(plan.source_root) if plan.source_root is not None else None,
        "target_root": str(plan.target_root),
    }
    yield '{\n  "entries": '
    yield from _json_array((_entry_to_dict(e) for e in plan.entries), level=1)
    for key, value in sorted(middle.items()):
        yield f",\n  {json.dumps(key)}: {_dumps(value, level=1)}"
    yield ',\n  "unmatched": '
    yield from _json_array((unresolved_json(m) for m in unresolved), level=1)
    yield "\n}\n"


def _json_array(items: Iterable[dict[str, Any]], *, level: int) -> Iterator[str]:
    indent = "  " * (level + 1)
    empty = True
    for item in items:
        yield ("[\n" if empty else ",\n") + indent + _dumps(item, level=level + 1)
        empty = False
    yield "[]" if empty else "\n" + "  " * level + "]"


def _dumps(value: object, *, level: int) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)
    return text.replace("\n", "\n" + "  " * level)


def write_plan(plan: Plan, path: Path, unresolved: Iterable[MatchedFile] = ()) -> None:
    """Write atomically, so a reader never sees half a plan."""
    with atomic_text(path) as handle:
        handle.writelines(plan_json_chunks(plan, unresolved))


def read_plan(
    path: Path,
    *,
    source_root: Path | None = None,
    target_root: Path | None = None,
    movies_root: Path | None = None,
    accept_review: bool = False,
) -> Plan:
    """Load a (possibly hand-edited, possibly someone else's) plan and check it as untrusted input.

    Raises UsageError for a file that is not a plan, PlanUntrustedError when its roots differ from
    ``source_root``/``target_root`` (``--src``/``--dst``, when given) or an entry breaks a trust
    rule (``check_trust``), OrganizeConflictError when two entries claim one target.
    ``accept_review`` plans its entries under review."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"no plan file at {path}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a readable plan ({exc})") from exc
    try:
        plan = _plan_from_dict(document)
        if accept_review:
            plan = replace(plan, entries=ListedEntries(_accepted(e) for e in plan.entries))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"{path}: not a valid {FORMAT} plan ({exc!r})") from exc
    check_trust(plan, source_root=source_root, target_root=target_root, movies_root=movies_root)
    _refuse_shared_targets(plan)
    return plan


def check_trust(
    plan: Plan, *, source_root: Path | None, target_root: Path | None, movies_root: Path | None = None
) -> None:
    """A plan may come from anyone, so nothing in it is taken on its word:

    - both roots are absolute, and equal ``--src``/``--dst`` when those are given;
    - every actionable source lies (lexically: no ``..``) under the source root — apply checks the
      real path again — and carries the fingerprint it is checked against when applied;
    - entry ids are unique (the journal keys its steps by them);
    - the movie root, when the plan has one, is ``movies_root`` (the one this home recorded, or the
      default beside the library): movies are written there, so it is a root like the others.

    Targets staying inside the library is checked as each entry is read (``_library_relative``).
    Raises PlanUntrustedError naming the first breach; nothing has moved at that point."""
    _check_root("target_root", plan.target_root, target_root)
    if plan.options.movies_root is not None:
        _check_root("movies_root", plan.options.movies_root, movies_root)
    actionable = plan.actionable()
    if not actionable:
        return
    if plan.source_root is None:
        raise PlanUntrustedError("the plan names no source_root; plan again")
    _check_root("source_root", plan.source_root, source_root)
    root = str(plan.source_root)
    for entry in actionable:
        text = str(entry.source)
        if not entry.source.is_absolute() or os.path.normpath(text) != text:
            raise PlanUntrustedError(f"source {text!r} is not a plain absolute path; plan again")
        if os.path.commonpath((text, root)) != root or text == root:
            raise PlanUntrustedError(f"source {text} lies outside the plan's source_root {root}")
        if entry.fingerprint is None:
            raise PlanUntrustedError(f"source {text} has no fingerprint to check it against; plan again")
    twice = duplicate_ids(actionable)
    if twice:
        raise PlanUntrustedError(f"entry id {twice[0]} appears more than once; nothing was moved")


def _check_root(name: str, recorded: Path, given: Path | None) -> None:
    if not recorded.is_absolute() or os.path.normpath(recorded) != str(recorded):
        raise PlanUntrustedError(f"{name} {str(recorded)!r} is not a plain absolute path; plan again")
    if given is not None and os.path.abspath(given) != str(recorded):
        raise PlanUntrustedError(f"the plan's {name} is {recorded}, not {os.path.abspath(given)}")


def _entry_to_dict(entry: PlanEntry) -> dict[str, Any]:
    match = entry.match
    print_ = entry.fingerprint
    return {
        "id": entry.entry_id,
        "role": entry.role,
        "owner": entry.owner_id,
        "source": str(entry.source),
        "relative_source": entry.relative_source,
        "target": entry.relative_target,
        "action": entry.action,
        "status": entry.status,
        "code": entry.error_code,
        "note": entry.note,
        "fingerprint": None
        if print_ is None
        else {
            "size": print_.size,
            "mtime_ns": print_.mtime_ns,
            "inode": print_.inode,
            "partial_hash": print_.partial_hash,
        },
        "match": {
            **without(match_json(match), "score_parts"),
            "original_title": match.original_title,
            "reasons": dict(match.score.parts),  # the plan file's own name for the score parts
        },
    }


def _plan_from_dict(document: object) -> Plan:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}")
    root = Path(document["target_root"])
    options = plan_options_from_json(document["options"])
    movies = options.movies_root or root
    entries = _sidecars_follow(
        tuple(
            _entry_from_dict(raw, movies if raw["match"]["media_type"] == "movie" else root)
            for raw in document["entries"]
        )
    )
    for entry in entries:
        options.path_rules.check_reachable(str(entry.target))
    source_root = document.get("source_root")
    return Plan(root, ListedEntries(entries), Path(source_root) if source_root else None, options)


def _accepted(entry: PlanEntry) -> PlanEntry:
    return replace(entry, status="planned") if entry.status == "review" else entry


def _sidecars_follow(entries: tuple[PlanEntry, ...]) -> tuple[PlanEntry, ...]:
    """Accepting a best guess is one edit: a video changed from ``review`` to ``planned`` takes its
    sidecars along. A sidecar accepted without its video would move alone: refused."""
    videos = {e.entry_id: e.status for e in entries if e.role == "video"}
    followed = []
    for entry in entries:
        video = videos.get(entry.owner_id or "") if entry.role == "sidecar" else None
        if entry.status == "planned" and video == "review":
            raise ValueError(f"sidecar {entry.relative_source} is planned but its video is under review")
        accepted = entry.status == "review" and video == "planned"
        followed.append(replace(entry, status="planned") if accepted else entry)
    return tuple(followed)


def _entry_from_dict(raw: dict[str, Any], root: Path) -> PlanEntry:
    target = _library_relative(str(raw["target"]))
    match = raw["match"]
    print_ = raw.get("fingerprint")
    role = one_of(raw["role"], ("video", "sidecar"))
    return PlanEntry(
        entry_id=str(raw["id"]),
        source=Path(raw["source"]),
        target=root.joinpath(*target.parts),
        role=cast(Any, role),
        status=cast(EntryStatus, one_of(raw["status"], ENTRY_STATUSES)),
        relative_source=str(raw["relative_source"]),
        relative_target=target.as_posix(),
        match=Match(
            media_type=one_of(match["media_type"], MEDIA_TYPES),
            tmdb_id=int(match["tmdb_id"]),
            title=str(match["title"]),
            original_title=str(match.get("original_title", "")),
            year=match.get("year"),
            season=match.get("season"),
            episodes=tuple(int(e) for e in match["episodes"]),
            score=Score(float(match["score"]), tuple(sorted(match.get("reasons", {}).items()))),
        ),
        owner_id=raw.get("owner"),
        error_code=raw.get("code"),
        action=cast(Action, one_of(raw["action"], ACTIONS)),
        note=str(raw.get("note", "")),
        fingerprint=None if print_ is None else Fingerprint(**print_),
    )


def _library_relative(text: str) -> PurePosixPath:
    """An edited target must stay inside the library and be a name every OS can hold."""
    path = PurePosixPath(text)
    if path.is_absolute() or not path.parts or "\\" in text:
        raise ValueError(f"target {text!r} must be a relative path with / separators")
    for part in path.parts:
        if part in ("..", ".") or safe_segment(part) != part:
            raise ValueError(f"target {text!r}: {part!r} is not a safe file or folder name")
    return path


def _refuse_shared_targets(plan: Plan) -> None:
    counts = Counter(e.relative_target.casefold() for e in plan.actionable())
    shared = sorted(target for target, count in counts.items() if count > 1)
    if shared:
        raise OrganizeConflictError(
            f"{len(shared)} target(s) claimed by more than one plan entry (first: {shared[0]}); "
            "nothing was moved"
        )
