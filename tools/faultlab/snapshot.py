"""Content snapshots of file trees, and the verdict "was anything lost, duplicated or half-written?".

A move keeps every file's bytes, only its path changes, so the multiset of content hashes across the
source and the library is the invariant that survives any crash: a lost file shrinks it, a duplicate
grows it, and a half-written copy adds a hash nobody started with.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class TreeSnapshot:
    files: dict[str, str]
    """``root-index:relative/path`` → sha256 of the content."""

    def multiset(self) -> Counter[str]:
        return Counter(self.files.values())

    def under(self, index: int) -> dict[str, str]:
        """Relative path → hash for one of the snapshotted roots."""
        prefix = f"{index}:"
        return {path[len(prefix) :]: digest for path, digest in self.files.items() if path.startswith(prefix)}


@dataclass(frozen=True, slots=True)
class Verdict:
    lost: Counter[str]
    duplicated: Counter[str]
    half_written: tuple[str, ...]
    """Paths whose content matches no file that existed before: torn copies."""

    @property
    def files_lost(self) -> int:
        return sum(self.lost.values())

    @property
    def clean(self) -> bool:
        return not self.lost and not self.duplicated and not self.half_written


def snapshot(*roots: Path) -> TreeSnapshot:
    files: dict[str, str] = {}
    for index, root in enumerate(roots):
        for path in _walk(root):
            rel = os.fsdecode(os.path.relpath(path, os.fsencode(root)))
            files[f"{index}:{rel}"] = _sha256(path)
    return TreeSnapshot(files)


def compare(before: TreeSnapshot, after: TreeSnapshot, *, copies_allowed: bool = False) -> Verdict:
    old, new = before.multiset(), after.multiset()
    known = set(old)
    return Verdict(
        lost=old - new,
        duplicated=Counter() if copies_allowed else new - old,
        half_written=tuple(sorted(path for path, digest in after.files.items() if digest not in known)),
    )


def _walk(root: Path) -> Iterable[bytes]:
    """Every regular file below ``root`` as bytes paths, so undecodable names are walked too."""
    if not root.exists():
        return
    for dirpath, _dirs, names in os.walk(os.fsencode(root)):
        for name in names:
            path = os.path.join(dirpath, name)
            if os.path.isfile(path) and not os.path.islink(path):
                yield path


def _sha256(path: bytes) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
