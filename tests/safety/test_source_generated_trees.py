"""Issue 23, reproduction 1, over generated trees: whatever mix of regular files, symlinks (in
and out of --src, relative and absolute, to files, folders and nothing), FIFOs and sidecars a
download folder holds, nothing from outside it is planned, and a copy of the plan brings none of
its bytes into the library. Real files and links in a temp folder; scan, parse stage, plan and
apply as a run chains them (matches are given, so no TMDB is needed)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.safety.boundary_helpers import SECRET, files_below, write

from anivault.core.apply.apply import ApplyControls, apply_plan
from anivault.core.apply.journal import Journal, journal_key
from anivault.core.boundaries import is_within
from anivault.core.lookup.parse_stage import parse_folder
from anivault.core.lookup.scan import walk_folders
from anivault.core.models import FolderListing, Match, MatchedFile, ParsedFile, Score, Skipped
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import PlanOptions

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symlinks and FIFOs need POSIX")

KINDS = (
    "regular",
    "link to a video inside",
    "link to a store file inside",
    "absolute link out",
    "relative link out",
    "link to a folder out",
    "link to nothing",
    "link to a link out",
    "link loop",
    "fifo",
)
SIDECARS = ("none", "regular", "link out", "link inside")


TREES = st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(SIDECARS)), min_size=1, max_size=8)
"""Each video's kind and its sidecar's."""
SIDECAR_KIND = {
    "regular": "regular",
    "link out": "absolute link out",
    "link inside": "link to a store file inside",
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREES, follow=st.booleans())
def test_source_nothing_from_outside_a_generated_tree_is_planned_or_filed(
    tree: list[tuple[str, str]], follow: bool
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        source, library = root / "S", root / "D"
        _make_tree(root, source, tree)

        plan = build_plan(_matched(source, follow), library, PlanOptions(action="copy"), source_root=source)
        real_source = os.path.realpath(source)
        for entry in plan.entries:
            assert not entry.source.is_symlink(), entry
            assert is_within(os.path.realpath(entry.source), real_source), entry
            assert entry.source.read_bytes() != SECRET, entry

        journal = Journal(root / "journal.jsonl", journal_key(root / "state"))
        try:
            apply_plan(plan, journal, ApplyControls())
        finally:
            journal.close()
        filed = files_below(library)
        assert SECRET not in filed.values()
        regular = sum(kind == "regular" for kind, _ in tree)
        assert sum(name.endswith(".mkv") for name in filed) >= regular


def _matched(source: Path, follow: bool) -> list[MatchedFile]:
    follow_root = os.path.realpath(source) if follow else None
    parsed: list[ParsedFile] = []
    for listing in walk_folders(source, follow_symlinks=follow):
        if isinstance(listing, FolderListing):
            found = parse_folder(listing, fingerprints=True, follow_root=follow_root)
            parsed += [p for p in found if not isinstance(p, Skipped)]
    return [
        MatchedFile(item, "matched", Match("tv", 1, "Show", 2000, 1, (number,), Score(1.0, ())))
        for number, item in enumerate(parsed, start=1)
    ]


def _make_tree(root: Path, source: Path, tree: list[tuple[str, str]]) -> None:
    outside = write(root / "private" / "secret.mkv", SECRET)
    write(root / "private" / "more" / "other.mkv", SECRET)
    store = write(source / ".store" / "blob", b"stored episode")
    for index, (kind, sidecar) in enumerate(tree):
        video = source / f"batch {index % 3}" / f"Show - {index + 1:02d}.mkv"
        video.parent.mkdir(parents=True, exist_ok=True)
        _make(kind, video, outside, store, index)
        if sidecar != "none" and kind != "fifo":
            _make(SIDECAR_KIND[sidecar], video.with_suffix(".en.ass"), outside, store, index)


def _make(kind: str, path: Path, outside: Path, store: Path, index: int) -> None:
    if kind == "regular":
        write(path, b"episode %d" % index)
    elif kind == "link to a video inside":
        target = write(path.parent / f"real {index}" / f"Show - {index + 1:02d}.mkv", b"real %d" % index)
        path.symlink_to(target)
    elif kind == "link to a store file inside":
        path.symlink_to(store)
    elif kind == "absolute link out":
        path.symlink_to(outside)
    elif kind == "relative link out":
        path.symlink_to(os.path.relpath(outside, path.parent))
    elif kind == "link to a folder out":
        path.symlink_to(outside.parent / "more", target_is_directory=True)
    elif kind == "link to nothing":
        path.symlink_to(path.parent / "gone.mkv")
    elif kind == "link loop":
        path.symlink_to(path.name)
    elif kind == "link to a link out":
        hop = path.parent / f".hop {index}"
        hop.symlink_to(outside)
        path.symlink_to(hop)
    else:
        os.mkfifo(path)
