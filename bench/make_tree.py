"""Build a large synthetic download tree (default 300k files) for the scale benchmarks.

Names come from the sample-library generator (``tools/make_sample_library.py``), so they are the
same realistic fansub, BD-batch and scene releases drawn from the bundled catalog, with sidecars
and junk in their usual proportions. Each generator seed yields ~470 paths; seeds are planned until
``--files`` is reached, up to ``--max-seeds`` distinct plans (planning is the slow part, ~0.17 s a
seed; the default 700 covers 300k files), after which the plans are reused under new top-level
folders with their CRC tags re-rolled. Seeds draw from the same pools of popular titles, so names
do repeat across folders (about 56 % of the 300k names are distinct, printed as
``distinct_file_names``): per-name caches gain something here, as they would on a library holding
the same release twice. Files are empty: the benchmarks measure listing, parsing and planning,
not reading. Depth is at most 4 (``libNNNN/Show/Season/file``).

    .venv/bin/python bench/make_tree.py --out /tmp/anivault-300k --files 300000

Reusable: an existing tree with the same ``--files`` and ``--max-seeds`` (recorded in
``DIR.tree.json``) is left as it is.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.make_sample_library import DEFAULT_CATALOG, _load_catalog, _plan

DEFAULT_FILES = 300_000
DEFAULT_MAX_SEEDS = 700
_CRC_TAG = re.compile(r"\[[0-9A-F]{8}\]")


def tree_paths(files: int, max_seeds: int) -> Iterator[str]:
    """Relative POSIX paths of the tree, deterministic for (files, max_seeds)."""
    catalog = _load_catalog(str(DEFAULT_CATALOG))
    plans: list[list[str]] = []
    produced = 0
    round_index = 0
    while produced < files:
        for seed in range(1, max_seeds + 1):
            if round_index == 0:
                plans.append([item.path for item in _plan(seed, catalog, 36, 8)])
            for path in plans[seed - 1]:
                if produced >= files:
                    return
                folder = f"lib{seed:04d}" if round_index == 0 else f"lib{seed:04d}-r{round_index}"
                yield f"{folder}/{_reroll_crc(path, round_index)}"
                produced += 1
        round_index += 1


def _reroll_crc(path: str, round_index: int) -> str:
    if round_index == 0:
        return path

    def crc(match: re.Match[str]) -> str:
        digest = hashlib.blake2b(f"{round_index}:{path}".encode(), digest_size=4).hexdigest().upper()
        return f"[{digest}]"

    return _CRC_TAG.sub(crc, path)


def build(out: Path, files: int, max_seeds: int) -> dict[str, object]:
    """Create the empty files under ``out``; returns the tree's description (also written beside it)."""
    started = time.perf_counter()
    made_dirs: set[str] = set()
    names: set[str] = set()
    count = 0
    for relative in tree_paths(files, max_seeds):
        folder, _, name = relative.rpartition("/")
        if folder not in made_dirs:
            os.makedirs(out / folder, exist_ok=True)
            made_dirs.add(folder)
        os.close(os.open(out / relative, os.O_CREAT | os.O_WRONLY, 0o644))
        names.add(name)
        count += 1
    description: dict[str, object] = {
        "files": count,
        "max_seeds": max_seeds,
        "directories": len(made_dirs),
        "distinct_file_names": len(names),
        "seconds_to_build": round(time.perf_counter() - started, 1),
    }
    _description_path(out).write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    return description


def _description_path(out: Path) -> Path:
    return out.parent / f"{out.name}.tree.json"


def ensure_tree(out: Path, files: int, max_seeds: int = DEFAULT_MAX_SEEDS) -> dict[str, object]:
    """Reuse ``out`` when it was built with the same parameters, else (re)build it from empty."""
    described = _description_path(out)
    if described.exists() and out.is_dir():
        existing: dict[str, object] = json.loads(described.read_text(encoding="utf-8"))
        if existing.get("files") == files and existing.get("max_seeds") == max_seeds:
            return existing
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists with other contents; delete it or pick another --out")
    return build(out, files, max_seeds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--max-seeds", type=int, default=DEFAULT_MAX_SEEDS)
    args = parser.parse_args()
    print(json.dumps(ensure_tree(args.out, args.files, args.max_seeds)))


if __name__ == "__main__":
    main()
