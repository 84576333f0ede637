"""What a parse worker process does with one folder of the scan: expand, parse, fingerprint.

The scan hands over whole folders (``FolderListing``) so that the thread feeding the run only
lists names; pairing sidecars, building the file objects, parsing names (anitopy, the CPU-bound
part) and, for a run that plans, the ``stat`` and head/tail hash of every file all happen here,
in parallel worker processes.
"""

from __future__ import annotations

from dataclasses import replace

from anivault.core.fingerprint import take_prints
from anivault.core.lookup.parsing import parse_file
from anivault.core.lookup.scan import expand_folder, unreadable
from anivault.core.models import FolderListing, ParsedFile, ScannedFile, Skipped


def parse_folder(listing: FolderListing, *, fingerprints: bool) -> list[ParsedFile | Skipped]:
    """Each video of ``listing`` parsed (with its fingerprints when ``fingerprints``), in name
    order, and each of its files that is not a video or a sidecar as skipped; so is a video that
    cannot be read when it is fingerprinted (gone since the scan, or no permission)."""
    return [
        _parsed(item, fingerprints) if isinstance(item, ScannedFile) else item
        for item in expand_folder(listing)
    ]


def _parsed(scanned: ScannedFile, fingerprints: bool) -> ParsedFile | Skipped:
    parsed = parse_file(scanned)
    if not fingerprints:
        return parsed
    try:
        return replace(parsed, prints=take_prints(scanned))
    except OSError as exc:
        return unreadable(scanned.path, exc)
