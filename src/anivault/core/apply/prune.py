"""``--prune-empty``: remove the source folders a move left empty, journalled.

Only folders that held a moved file (and their parents up to, not including, the source root) are
looked at, and only once every move is through; a folder with anything left in it — a file we did
not move, an empty subfolder the user made — stays. Each removal is written to the journal
(``rmdir``) before it happens. ``--undo`` needs nothing more: moving a file back creates every
folder on its way, so the pruned folders come back with their files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from anivault.core.apply.journal import Journal, Phase


def prune_emptied(sources: Iterable[Path], source_root: Path, journal: Journal) -> int:
    """Remove the folders of ``sources`` (moved away by now) that are empty, deepest first, and
    the parents that become empty in turn; return how many were removed."""
    root = Path(os.path.abspath(source_root))
    candidates = {Path(os.path.abspath(source)).parent for source in sources}
    removed = 0
    for deepest in sorted(candidates, key=lambda p: len(p.parts), reverse=True):
        folder = deepest
        while folder != root and root in folder.parents and _is_empty(folder):
            journal.record(Phase.RMDIR, path=str(folder))
            try:
                folder.rmdir()
            except OSError:
                break  # filled again meanwhile, or not ours to remove: it simply stays
            removed += 1
            folder = folder.parent
    return removed


def _is_empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as listing:
            return next(listing, None) is None
    except OSError:
        return False
