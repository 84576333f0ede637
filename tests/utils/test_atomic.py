"""Atomic replacement: the old content or the new, never half; no temp file left behind."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from anivault.utils.atomic import atomic_text, atomic_write_bytes


def test_a_failed_write_leaves_the_old_content_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old\n", encoding="utf-8")

    with pytest.raises(RuntimeError), atomic_text(target) as out:
        out.write("half of the new")
        raise RuntimeError("crash mid-write")

    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_text_is_utf8_with_newline_line_ends_and_folders_are_made(tmp_path: Path) -> None:
    target = tmp_path / "runs" / "r1" / "checkpoint.json"

    with atomic_text(target) as out:
        out.write("Pokémon\n東京\n")

    assert target.read_bytes() == "Pokémon\n東京\n".encode()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mode bits")
def test_permissions_are_set_before_the_file_has_its_name(tmp_path: Path) -> None:
    target = tmp_path / "tmdb_key.json"

    with atomic_text(target, permissions=0o600) as out:
        out.write("{}")

    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_the_temp_file_carries_the_given_suffix_until_the_rename(tmp_path: Path) -> None:
    target = tmp_path / "entry.json"
    seen: list[str] = []

    with pytest.raises(KeyboardInterrupt), atomic_text(target, suffix=".json.tmp") as out:
        seen.extend(p.name for p in tmp_path.iterdir())
        out.write("x")
        raise KeyboardInterrupt

    assert len(seen) == 1 and seen[0].endswith(".json.tmp") and seen[0].startswith(".entry.json.")
    assert list(tmp_path.iterdir()) == []


def test_bytes_replace_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "cache.json"
    target.write_bytes(b"a much longer old payload")

    atomic_write_bytes(target, b"new", durable=False)

    assert target.read_bytes() == b"new"
