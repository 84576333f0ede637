"""Replace a file atomically: a reader, or the file after a crash, sees the old content or the new,
never half of either.

The bytes go to a temp file beside the target, named uniquely by ``mkstemp`` (so two threads or
processes writing one target never share a temp file), optionally fsynced, then ``os.replace``-d
over the target. On any failure the temp file goes and the target is untouched.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

TEMP_SUFFIX = ".tmp"

JSON_ERRORS = "backslashreplace"
"""``errors=`` for text files holding JSON written with ``ensure_ascii=False``. A file name with
bytes that are not UTF-8 reaches us as lone surrogates (``os.fsdecode``), which UTF-8 cannot hold:
``backslashreplace`` writes one as ``\\udcff``, and since such a character can only be inside a
JSON string, that is the JSON escape of the very same character: the name reads back exactly,
and one odd name never fails a plan, journal or checkpoint write."""


@contextmanager
def atomic_binary(
    path: Path, *, durable: bool = True, permissions: int | None = None, suffix: str = TEMP_SUFFIX
) -> Iterator[BinaryIO]:
    """Yield a binary handle on the temp file; on a clean exit it replaces ``path``.

    ``durable`` fsyncs before the rename (state the user relies on: plans, checkpoints, settings);
    a cache, which can be fetched again, skips it. ``permissions`` are set before the rename, so
    the file is never readable by others under its real name (the key store). ``suffix`` lets a
    cleaner find the temp files of a killed process.
    """
    import tempfile  # noqa: PLC0415 (settings import this module on every --help; only writes need it)

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            if durable:
                os.fsync(out.fileno())
        if permissions is not None:
            os.chmod(temp, permissions)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text(
    path: Path, *, durable: bool = True, permissions: int | None = None, suffix: str = TEMP_SUFFIX
) -> Iterator[TextIO]:
    """As ``atomic_binary``, for UTF-8 text with ``\\n`` line ends on every OS. A lone surrogate
    (a file name that is not valid UTF-8) is written as its ``\\udcXX`` escape (``JSON_ERRORS``)."""
    with atomic_binary(path, durable=durable, permissions=permissions, suffix=suffix) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors=JSON_ERRORS, newline="\n")
        yield text
        text.flush()
        text.detach()  # the binary handle stays open for atomic_binary's fsync and close


def atomic_write_bytes(
    path: Path, payload: bytes, *, durable: bool = True, suffix: str = TEMP_SUFFIX
) -> None:
    """``payload`` as the whole new content of ``path``."""
    with atomic_binary(path, durable=durable, suffix=suffix) as out:
        out.write(payload)
