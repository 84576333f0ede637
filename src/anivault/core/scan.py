"""Streaming scan of a source tree: videos with their sidecars, and what was skipped and why.

One directory is listed at a time with ``os.scandir`` and yielded before the next is opened, so
memory is bounded by the largest directory, not by the library. Directory symlinks are not
followed (a link back up the tree would loop forever), and an unreadable directory is reported
as skipped, not fatal: one bad folder must not stop a 300k-file run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path

from anivault.core.models import ScannedFile, Sidecar, Skipped
from anivault.errors import FileSystemError, PermissionDeniedError

VIDEO_EXTENSIONS = frozenset(
    {".mkv", ".mp4", ".avi", ".m4v", ".webm", ".ts", ".m2ts", ".wmv", ".mov", ".flv", ".ogm", ".mpg"}
)
SIDECAR_EXTENSIONS = frozenset({".ass", ".ssa", ".srt", ".vtt", ".sub", ".idx", ".sup", ".mka", ".nfo"})
SAMPLE_DIRS = frozenset({"sample", "samples"})
_SAMPLE_NAME = re.compile(r"(?:^|[\s._\-\[(])sample(?:$|[\s._\-\])])", re.IGNORECASE)


def scan_tree(root: Path, *, exclude: Path | None = None) -> Iterator[ScannedFile | Skipped]:
    """Yield every video below ``root`` (with sidecars attached) and every skipped file.

    Deterministic: directories and files are visited in sorted name order. ``exclude`` (the
    library, when it lives inside the source) is not descended into. Nothing is stat-ed: a video
    that vanishes or cannot be read is found when the parse stage fingerprints it.
    """
    # Per-file work is what separates a Python walk from `find` on a 300k-file tree, so the loop
    # keeps names as strings (no Path, no DirEntry kept), tests extensions with one lower() and a
    # set lookup, and runs the sample regex only on names that contain "sample" at all.
    excluded = os.path.realpath(exclude) if exclude is not None else None
    real_root = os.path.realpath(root)
    pending: list[tuple[str, str]] = [(os.fspath(root), "")]
    while pending:
        directory, relative = pending.pop()
        try:
            subdirs, videos, others = _listing(directory)
        except PermissionError:
            yield Skipped(Path(directory), "directory not readable", PermissionDeniedError.code)
            continue
        except OSError as exc:
            yield Skipped(Path(directory), f"directory not listable ({exc.strerror})", FileSystemError.code)
            continue
        prefix = f"{relative}/" if relative else ""
        base = os.path.join(directory, "")
        descend: list[tuple[str, str]] = []
        for name in sorted(subdirs):
            if excluded is not None and os.path.join(real_root, prefix + name) == excluded:
                continue
            if name.casefold() in SAMPLE_DIRS:
                yield Skipped(Path(base + name), "sample folder")
            else:
                descend.append((base + name, prefix + name))
        pending.extend(reversed(descend))
        videos.sort()
        if others:
            yield from _with_sidecars(base, prefix, videos, sorted(others))
        else:
            for name in videos:
                yield ScannedFile(base + name, prefix + name)


def _listing(directory: str) -> tuple[list[str], list[str], list[str]]:
    """Names of a folder's subfolders, videos and other files, unsorted. Raises OSError."""
    subdirs: list[str] = []
    videos: list[str] = []
    others: list[str] = []
    with os.scandir(directory) as listing:
        for entry in listing:  # the tests are inlined: this loop runs once per file in the tree
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                subdirs.append(name)
                continue
            lowered = name.lower()
            dot = lowered.rfind(".")
            if (
                dot > 0
                and lowered[dot:] in VIDEO_EXTENSIONS
                and not ("sample" in lowered and _SAMPLE_NAME.search(name[:dot]))
            ):
                videos.append(name)
            else:
                others.append(name)
    return subdirs, videos, others


def _with_sidecars(
    base: str, prefix: str, videos: list[str], others: list[str]
) -> Iterator[ScannedFile | Skipped]:
    """A folder's videos with their sidecars, and its other files as skipped. Several videos may
    share a stem (X.mkv and X.mp4): all are kept, and the sidecars go to the first."""
    owners: dict[str, str] | None = None
    sidecars: dict[str, list[Sidecar]] = {}
    for name in others:
        stem = None
        if _has_extension(name, SIDECAR_EXTENSIONS) and videos:
            if owners is None:
                owners = {video[: video.rfind(".")]: video for video in reversed(videos)}
            stem = _owning_video(name, owners)
        if stem is None:
            yield Skipped(Path(base + name), _skip_reason(name))
        else:
            assert owners is not None
            sidecars.setdefault(owners[stem], []).append(Sidecar(base + name, name[len(stem) :]))
    for name in videos:
        found = sidecars.get(name)
        yield ScannedFile(base + name, prefix + name, tuple(found) if found else ())


def _has_extension(name: str, extensions: frozenset[str]) -> bool:
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in extensions


def _owning_video(name: str, videos: Container[str]) -> str | None:
    """The longest video stem that ``name`` extends with ``.tail`` (``X.mkv`` owns ``X.en.ass``)."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        stem = ".".join(parts[:cut])
        if stem in videos:
            return stem
    return None


def _skip_reason(name: str) -> str:
    if _has_extension(name, VIDEO_EXTENSIONS):
        return "sample video"
    if _has_extension(name, SIDECAR_EXTENSIONS):
        return "sidecar without a matching video"
    return "not a video"


@dataclass(frozen=True, slots=True)
class ListedVideo:
    """A video as ``anivault scan`` lists it: with its size, which a run does not need to stat."""

    scanned: ScannedFile
    size: int


def list_videos(root: Path, extensions: frozenset[str] | None = None) -> Iterator[ListedVideo | Skipped]:
    """``scan_tree`` with each video's size, keeping only videos whose extension (``.mkv``, lower
    case) is in ``extensions``. Videos left out or unreadable are reported as skipped, so ``scan``
    still accounts for every file it saw."""
    for item in scan_tree(root):
        if isinstance(item, Skipped):
            yield item
        elif extensions and not _has_extension(os.path.basename(item.path), extensions):
            yield Skipped(Path(item.path), "extension not selected")
        else:
            try:
                size = os.stat(item.path, follow_symlinks=False).st_size
            except OSError as exc:
                denied = isinstance(exc, PermissionError)
                code = PermissionDeniedError.code if denied else FileSystemError.code
                yield Skipped(Path(item.path), f"not readable ({exc.strerror})", code)
                continue
            yield ListedVideo(item, size)


def normalise_extensions(raw: tuple[str, ...]) -> frozenset[str] | None:
    """``("MKV", ".mp4", "avi,ts")`` → ``{".mkv", ".mp4", ".avi", ".ts"}``; empty → no filter."""
    names = {part.strip().lower().lstrip(".") for value in raw for part in value.split(",") if part.strip()}
    return frozenset(f".{name}" for name in names) or None
