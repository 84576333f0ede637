"""Streaming scan of a source tree: videos with their sidecars, and what was skipped and why.

One directory is listed at a time with ``os.scandir`` and yielded (as a ``FolderListing``) before
the next is opened, so memory is bounded by the largest directory, not by the library. Directory
symlinks are not followed (a link back up the tree would loop forever), and an unreadable directory
is reported as skipped, not fatal: one bad folder must not stop a 300k-file run.

Only regular files enter a run. A file symlink, FIFO, socket or device under the source is skipped
with its reason: a symlink in a download (a torrent, an archive) must not carry a file from
elsewhere on the machine into the library, and a FIFO would block whoever opens it. With
``follow_symlinks`` a symlink to a regular file whose real path is inside the source is admitted
(the parse stage then reads and plans its real path: ``boundaries.link_target``).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Container, Generator, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from anivault.core.boundaries import link_target
from anivault.core.fingerprint import NotRegularFile, file_kind
from anivault.core.lookup.subtitles import is_subs_folder, pair_subs, unique_tail
from anivault.core.models import FolderListing, ScannedFile, Sidecar, Skipped
from anivault.errors import FileSystemError, PermissionDeniedError

VIDEO_EXTENSIONS = frozenset(
    {
        *(".mkv", ".mp4", ".m4v", ".avi", ".divx", ".mov", ".webm", ".ogm", ".ogv", ".wmv", ".asf"),
        *(".flv", ".f4v", ".rm", ".rmvb", ".ts", ".m2ts", ".mts", ".mpg", ".mpeg", ".3gp"),
    }
)
SIDECAR_EXTENSIONS = frozenset({".ass", ".ssa", ".srt", ".vtt", ".sub", ".idx", ".sup", ".mka", ".nfo"})
SAMPLE_DIRS = frozenset({"sample", "samples"})
FONTS_DIR = "fonts"
"""A batch's subtitle fonts live in a subfolder of this name (any case)."""
_SAMPLE_NAME = re.compile(r"(?:^|[\s._\-\[(])sample[\])]?$|^sample[\s._\-]|\.sample\.", re.IGNORECASE)
"""A sample marks itself where scene and fansub groups put the word: the whole name (``sample.mkv``),
its end (``show-sample.mkv``, ``Show [Sample].mkv``), its start (``sample-show.mkv``) or between dots
(``show.s01e04.sample.720p.mkv``). Elsewhere "Sample" is a title word (``[Group] Show Sample - 10``)."""


FOLDER_SLICE = 256
"""Videos per ``FolderListing`` at most: a flat folder of 20k downloads must not be one work item."""


@dataclass(frozen=True, slots=True)
class ScanFilter:
    """What a scan leaves out on request; each file or folder left out is reported as skipped.

    ``extensions`` keeps only the videos with one of these extensions (``.mkv``, lower case; None
    keeps all). ``exclude`` holds globs (``fnmatch``, the file system's case rule) matched against
    a path relative to the root with ``/`` separators and against its bare name, so ``*.part``
    or ``Specials`` match at any depth and ``Show/Season 2*`` in one place; an excluded folder is
    not descended into.
    """

    extensions: frozenset[str] | None = None
    exclude: tuple[str, ...] = ()

    def left_out(self, relative: str, name: str, *, is_video: bool) -> str | None:
        """Why the file or folder ``relative`` (named ``name``) is left out, or None to keep it."""
        glob = next((glob for glob in self.exclude if fnmatch(name, glob) or fnmatch(relative, glob)), None)
        if glob is not None:
            return f"excluded (matches {glob!r})"
        if is_video and self.extensions and not _has_extension(name, self.extensions):
            return "extension not selected"
        return None


def scan_tree(
    root: Path,
    *,
    exclude: Path | None = None,
    select: ScanFilter | None = None,
    follow_symlinks: bool = False,
) -> Iterator[ScannedFile | Skipped]:
    """Every video below ``root`` (with its sidecars) and every skipped file, in sorted order: the
    folders of ``walk_folders``, each expanded here. ``anivault scan`` lists this way; a run
    expands the folders in its parse workers instead."""
    for item in walk_folders(root, exclude=exclude, select=select, follow_symlinks=follow_symlinks):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from expand_folder(item)


def walk_folders(
    root: Path,
    *,
    exclude: Path | None = None,
    select: ScanFilter | None = None,
    follow_symlinks: bool = False,
) -> Iterator[FolderListing | Skipped]:
    """Every folder below ``root`` that holds files, and every skipped folder or file that is not
    a regular file (see the module doc; ``follow_symlinks`` admits links to regular files inside
    ``root``).

    Deterministic: folders and names are visited in sorted order. ``exclude`` (the library, when it
    lives inside the source) is not descended into, silently; what ``select`` leaves out is
    reported as skipped. Regular files are not stat-ed (the listing's file types say what they
    are): a video that vanishes or cannot be read is found when the parse stage fingerprints it.
    """
    # Per-file work is what separates a Python walk from `find` on a large tree, so the loop
    # keeps names as strings (no Path, no DirEntry kept), tests extensions with one lower() and a
    # set lookup, runs the sample regex only on names that contain "sample" at all, and builds
    # one object per folder, not per file.
    excluded = os.path.realpath(exclude) if exclude is not None else None
    real_root = os.path.realpath(root)
    roots = (real_root, excluded)
    pending: list[tuple[str, str]] = [(os.fspath(root), "")]
    while pending:
        directory, relative = pending.pop()
        try:
            subdirs, videos, others, refused = _listing(directory, real_root if follow_symlinks else None)
        except PermissionError:
            yield Skipped(Path(directory), "directory not readable", PermissionDeniedError.code)
            continue
        except OSError as exc:
            yield Skipped(Path(directory), f"directory not listable ({exc.strerror})", FileSystemError.code)
            continue
        prefix = f"{relative}/" if relative else ""
        base = os.path.join(directory, "")
        for name, reason in sorted(refused):
            yield Skipped(Path(base + name), reason)
        if select is not None:
            subdirs, videos, others = yield from _selected(select, base, prefix, subdirs, videos, others)
        descend, fonts, subs = yield from _subfolders(
            subdirs, base, prefix, has_videos=bool(videos), skip=roots
        )
        pending.extend(reversed(descend))
        if videos or others:
            videos.sort()
            others.sort()
            subs.sort()
            if len(videos) <= FOLDER_SLICE:
                yield FolderListing(base, prefix, tuple(videos), tuple(others), fonts, tuple(subs))
            else:
                yield from _slices(base, prefix, videos, others, fonts, subs)


def _subfolders(
    subdirs: list[str], base: str, prefix: str, *, has_videos: bool, skip: tuple[str, str | None]
) -> Generator[Skipped, None, tuple[list[tuple[str, str]], str | None, list[str]]]:
    """Sort a folder's subfolders out: the ones to walk into, its ``Fonts/`` folder, and the files of
    its subtitle folders (which travel with its videos); sample folders are reported as skipped."""
    real_root, excluded = skip
    descend: list[tuple[str, str]] = []
    fonts = None
    subs: list[str] = []
    for name in sorted(subdirs):
        if excluded is not None and os.path.join(real_root, prefix + name) == excluded:
            continue
        folded = name.casefold()
        if folded in SAMPLE_DIRS:
            yield Skipped(Path(base + name), "sample folder")
            continue
        if fonts is None and folded == FONTS_DIR:
            fonts = name
        if has_videos and is_subs_folder(name):
            listed = _subs_listing(base + name, name)
            if listed is not None:
                subs += listed[0]
                descend += [(base + d, prefix + d) for d in listed[1]]
                for refused, reason in listed[2]:
                    yield Skipped(Path(base + refused), reason)
                continue
        descend.append((base + name, prefix + name))
    return descend, fonts, subs


def _subs_listing(directory: str, name: str) -> tuple[list[str], list[str], list[tuple[str, str]]] | None:
    """The files of a subtitles folder beside videos and of its subfolders (``Subs/<video>/``), as
    POSIX paths below the videos' folder; the deeper folders, which the walk visits as usual; and
    the entries refused as not regular files (links are never followed here), with why.
    None when it cannot be listed: the walk then reports it like any other folder."""
    files: list[str] = []
    deeper: list[str] = []
    refused: list[tuple[str, str]] = []
    try:
        inner, videos, others, odd = _listing(directory, None)
        files += [f"{name}/{f}" for f in videos + others]
        refused += [(f"{name}/{f}", reason) for f, reason in odd]
        for sub in inner:
            nested, sub_videos, sub_others, sub_odd = _listing(os.path.join(directory, sub), None)
            files += [f"{name}/{sub}/{f}" for f in sub_videos + sub_others]
            refused += [(f"{name}/{sub}/{f}", reason) for f, reason in sub_odd]
            deeper += [f"{name}{os.sep}{sub}{os.sep}{d}" for d in nested]
    except OSError:
        return None
    return files, deeper, refused


def _listing(
    directory: str, follow_root: str | None
) -> tuple[list[str], list[str], list[str], list[tuple[str, str]]]:
    """Names of a folder's subfolders, videos and other files, and the refused entries with why,
    unsorted. ``follow_root``: the real source root when symlinks inside it may be followed.
    Raises OSError."""
    subdirs: list[str] = []
    videos: list[str] = []
    others: list[str] = []
    refused: list[tuple[str, str]] = []
    with os.scandir(directory) as listing:
        for entry in listing:  # the tests are inlined: this loop runs once per file in the tree
            name = entry.name
            try:  # files outnumber folders: one test for a file, a second for anything else
                regular = entry.is_file(follow_symlinks=False)
                if not regular and entry.is_dir(follow_symlinks=False):
                    subdirs.append(name)
                    continue
            except OSError:  # gone since the listing: the parse stage reports it
                regular = True
            if not regular:
                reason = _refusal(entry, follow_root)
                if reason is not None:
                    refused.append((name, reason))
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
    return subdirs, videos, others, refused


def _refusal(entry: os.DirEntry[str], follow_root: str | None) -> str | None:
    """Why a listed entry that is neither a folder nor a regular file is skipped; None for a
    symlink that ``follow_root`` admits."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return f"not readable ({exc.strerror})"
    if not stat.S_ISLNK(mode):
        return f"not a regular file ({file_kind(mode)})"
    try:
        to_folder = entry.is_dir()  # follows the link; a dangling one is simply not a folder
    except OSError:  # a link loop: not a folder either
        to_folder = False
    if to_folder:
        return "symbolic link to a folder, not followed"
    if follow_root is None:
        return "symbolic link, not followed (setting follow_source_symlinks)"
    try:
        link_target(entry.path, follow_root)
    except NotRegularFile as exc:
        return exc.kind
    return None


def _selected(
    select: ScanFilter, base: str, prefix: str, subdirs: list[str], videos: list[str], others: list[str]
) -> Generator[Skipped, None, tuple[list[str], list[str], list[str]]]:
    """A folder's names without those ``select`` leaves out, each of which is yielded as skipped."""
    kept: tuple[list[str], list[str], list[str]] = ([], [], [])
    for names, into, are_videos in zip((subdirs, videos, others), kept, (False, True, False), strict=True):
        for name in sorted(names):
            reason = select.left_out(prefix + name, name, is_video=are_videos)
            if reason is None:
                into.append(name)
            else:
                yield Skipped(Path(base + name), reason)
    return kept


def _slices(
    base: str, prefix: str, videos: list[str], others: list[str], fonts: str | None, subs: list[str]
) -> Iterator[FolderListing | Skipped]:
    """A big folder as listings of ``FOLDER_SLICE`` videos, each sidecar in its owner's listing (the
    rest in the first). The owner is the longest stem among all the folder's videos, so within the
    slice that holds it, it is still the longest: expanding a slice pairs exactly as the whole would.
    A ``Subs/`` file goes with the video it names; one naming none is skipped here when the folder
    has several video stems, since a slice with one of them would take it as that video's."""
    slice_of = {stem: index // FOLDER_SLICE for stem, index in _stems(videos).items()}
    owned: list[list[str]] = [[] for _ in range(0, len(videos), FOLDER_SLICE)]
    owned_subs: list[list[str]] = [[] for _ in owned]
    for name in others:
        stem = _owning_video(name, slice_of) if _has_extension(name, SIDECAR_EXTENSIONS) else None
        owned[slice_of[stem] if stem is not None else 0].append(name)
    for name in subs:
        parts = name.split("/")
        stem = parts[1] if len(parts) == 3 and parts[1] in slice_of else _owning_video(parts[-1], slice_of)
        if stem is None and len(slice_of) > 1:
            yield _unpaired_sub(base, name)
        else:
            owned_subs[0 if stem is None else slice_of[stem]].append(name)
    for index, names in enumerate(owned):
        start = index * FOLDER_SLICE
        yield FolderListing(
            base,
            prefix,
            tuple(videos[start : start + FOLDER_SLICE]),
            tuple(names),
            fonts,
            tuple(owned_subs[index]),
        )


def expand_folder(listing: FolderListing) -> Iterator[ScannedFile | Skipped]:
    """A folder's videos with their sidecars, and its other files as skipped. Several videos may
    share a stem (X.mkv and X.mp4): all are kept, and the sidecars go to the first."""
    base, prefix, videos = listing.directory, listing.prefix, listing.videos
    owners: dict[str, int] | None = None
    sidecars: dict[str, list[Sidecar]] = {}
    for name in listing.others:
        stem = None
        if videos and _has_extension(name, SIDECAR_EXTENSIONS):
            if owners is None:
                owners = _stems(videos)
            stem = _owning_video(name, owners)
        if stem is None:
            yield Skipped(Path(base + name), _skip_reason(name))
        else:
            assert owners is not None
            sidecars.setdefault(videos[owners[stem]], []).append(Sidecar(base + name, name[len(stem) :]))
    if listing.subs:
        yield from _pair_subs(listing, sidecars)
    for name in videos:
        found = sidecars.get(name)
        yield ScannedFile(base + name, prefix + name, tuple(found) if found else (), listing.fonts)


def _pair_subs(listing: FolderListing, sidecars: dict[str, list[Sidecar]]) -> Iterator[Skipped]:
    """Add the folder's ``Subs/`` files to their videos' sidecars, under a tail no other sidecar of
    the video has; yield those that belong to no video as skipped."""
    owners = _stems(listing.videos)
    subtitle_files = [n for n in listing.subs if _has_extension(n, SIDECAR_EXTENSIONS)]
    paired, left = pair_subs(subtitle_files, owners, lambda name: _owning_video(name, owners))
    for sub in paired:
        video = listing.videos[owners[sub.video_stem]]
        found = sidecars.setdefault(video, [])
        taken = {s.tail.casefold() for s in found}
        path = os.path.join(listing.directory, *sub.name.split("/"))
        found.append(Sidecar(path, unique_tail(sub.tail, taken)))
    for name in [*left, *(n for n in listing.subs if not _has_extension(n, SIDECAR_EXTENSIONS))]:
        yield _unpaired_sub(listing.directory, name)


def _unpaired_sub(directory: str, name: str) -> Skipped:
    reason = _skip_reason(name) if _has_extension(name, SIDECAR_EXTENSIONS) else "not a subtitle"
    return Skipped(Path(os.path.join(directory, *name.split("/"))), reason)


def _stems(videos: Sequence[str]) -> dict[str, int]:
    """Stem → index of the first video (in sorted order) with that stem."""
    return {video[: video.rfind(".")]: index for index, video in reversed(list(enumerate(videos)))}


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


def list_videos(
    root: Path, select: ScanFilter | None = None, *, follow_symlinks: bool = False
) -> Iterator[ListedVideo | Skipped]:
    """``scan_tree`` with each video's size. Videos left out (``select``) or unreadable are
    reported as skipped, so ``scan`` still accounts for every file it saw. ``follow_symlinks``: as
    ``walk_folders``; an admitted link's size is its real file's."""
    for item in scan_tree(root, select=select, follow_symlinks=follow_symlinks):
        if isinstance(item, Skipped):
            yield item
        else:
            try:
                size = os.stat(item.path, follow_symlinks=follow_symlinks).st_size
            except OSError as exc:
                yield unreadable(item.path, exc)
                continue
            yield ListedVideo(item, size)


def unreadable(path: str, exc: OSError) -> Skipped:
    """A listed video that could not be stat-ed or read afterwards: gone, no permission, or no
    longer a regular file (replaced by a link or a FIFO since the listing)."""
    if isinstance(exc, NotRegularFile):
        return Skipped(Path(path), f"not a regular file ({exc.kind})")
    code = PermissionDeniedError.code if isinstance(exc, PermissionError) else FileSystemError.code
    return Skipped(Path(path), f"not readable ({exc.strerror})", code)


def normalise_extensions(raw: tuple[str, ...]) -> frozenset[str] | None:
    """``("MKV", ".mp4", "avi,ts")`` → ``{".mkv", ".mp4", ".avi", ".ts"}``; empty → no filter."""
    names = {part.strip().lower().lstrip(".") for value in raw for part in value.split(",") if part.strip()}
    return frozenset(f".{name}" for name in names) or None
