"""What a parse worker process does with one folder of the scan: expand, parse, fingerprint.

The scan hands over whole folders (``FolderListing``) so that the thread feeding the run only
lists names; pairing sidecars, building the file objects, parsing names (anitopy, the CPU-bound
part) and, for a run that plans, the ``stat`` and head/tail hash of every file all happen here,
in parallel worker processes.
"""

from __future__ import annotations

import os
from dataclasses import replace

from anivault.core.boundaries import link_target
from anivault.core.fingerprint import NotRegularFile, take_prints
from anivault.core.lookup.parsing import parse_file
from anivault.core.lookup.scan import expand_folder, unreadable
from anivault.core.models import FolderListing, ParsedFile, ScannedFile, Skipped


def parse_folder(
    listing: FolderListing, *, fingerprints: bool, follow_root: str | None = None
) -> list[ParsedFile | Skipped]:
    """Each video of ``listing`` parsed (with its fingerprints when ``fingerprints``), in name
    order, and each of its files that is not a video or a sidecar as skipped; so is a video that
    cannot be read when it is fingerprinted (gone since the scan, no permission, or no longer a
    regular file). ``follow_root`` (the source's real path, with ``follow_source_symlinks``): a
    symlinked video or sidecar inside it is parsed by its own name and planned at its real path."""
    return [
        _parsed(item, fingerprints, follow_root) if isinstance(item, ScannedFile) else item
        for item in expand_folder(listing)
    ]


def _parsed(scanned: ScannedFile, fingerprints: bool, follow_root: str | None) -> ParsedFile | Skipped:
    parsed = parse_file(scanned)
    if not fingerprints:
        return parsed
    try:
        if follow_root is not None:
            scanned = _followed(scanned, follow_root)
        return replace(parsed, scanned=scanned, prints=take_prints(scanned))
    except OSError as exc:
        return unreadable(scanned.path, exc)


def _followed(scanned: ScannedFile, real_root: str) -> ScannedFile:
    """``scanned`` with its symlinked files replaced by their real paths inside the source. A
    sidecar link that no longer qualifies keeps its path, so fingerprinting it fails and it stays
    out of the plan. Raises NotRegularFile for such a video."""
    path = link_target(scanned.path, real_root) if os.path.islink(scanned.path) else scanned.path
    sidecars = tuple(replace(s, path=_real_or_listed(s.path, real_root)) for s in scanned.sidecars)
    return replace(scanned, path=path, sidecars=sidecars)


def _real_or_listed(path: str, real_root: str) -> str:
    if not os.path.islink(path):
        return path
    try:
        return link_target(path, real_root)
    except NotRegularFile:
        return path
