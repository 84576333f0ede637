"""Issue 23, reproduction 6, at the unit level: a source is opened only as a regular file (never
blocking on a FIFO, never through a symlink), and entry ids take any name."""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from pathlib import Path

import pytest
from tests.safety.boundary_helpers import odd_name, opener_after, posix_only, write

from anivault.core.fingerprint import NotRegularFile, fingerprint, open_regular
from anivault.core.models import Fingerprint
from anivault.core.plan.model import entry_id, id_part


@posix_only
def test_source_fingerprint_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "x.mkv"
    os.mkfifo(fifo)
    unblock = opener_after(10, fifo)
    with pytest.raises(NotRegularFile) as refused:
        fingerprint(fifo)
    unblock.cancel()
    assert refused.value.kind == "FIFO"


@posix_only
def test_source_open_regular_refuses_a_symlink_even_to_a_regular_file(tmp_path: Path) -> None:
    real = write(tmp_path / "real.mkv", b"bytes")
    link = tmp_path / "link.mkv"
    link.symlink_to(real)
    with pytest.raises(NotRegularFile) as refused:
        open_regular(link)
    assert refused.value.kind == "symbolic link"
    assert refused.value.errno == errno.EINVAL
    with open_regular(real) as handle:
        assert handle.read() == b"bytes"


def test_source_entry_id_takes_any_name_and_keeps_ids_of_valid_names() -> None:
    print_ = Fingerprint(3, 1, 2, "ab")
    odd = os.fsdecode(odd_name(10)) if sys.platform != "win32" else "caf\udce9.mkv"
    valid = "Show/[G] Show - 01.mkv"
    legacy = hashlib.sha256(f"{valid}\0{3}\0{1}\0{2}\0ab".encode()).hexdigest()[:16]

    assert entry_id(valid, print_) == legacy
    assert len(entry_id(odd, print_)) == 16
    assert entry_id(odd, print_) != entry_id(odd.replace("\udce9", "\udce8"), print_)
    assert entry_id("lone \ud800 surrogate", print_) != entry_id("lone \ud801 surrogate", print_)
    assert id_part(".\udcfe.ass") == ".\\xfe.ass"
    assert id_part(".en.ass") == ".en.ass"
