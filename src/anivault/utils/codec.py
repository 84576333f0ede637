"""A row codec: how one type is written as a row of plain values and built again.

A row is made of ``str``, ``bytes``, ``int``, ``float``, ``bool``, ``None`` and tuples of them.
Pickle writes such a row in C without looking anything up, where it would pickle a slotted
dataclass field by field from Python and a ``Path`` part by part; so whatever carries many objects
(a disk spool, the pipe to a worker process) carries rows, and the types themselves stay plain.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowCodec(Generic[T]):
    """``to_row`` and ``from_row`` are module-level functions (or partials of them), so that a
    codec can itself be sent to a worker process."""

    to_row: Callable[[T], Any]
    from_row: Callable[[Any], T]

    def dumps(self, item: T) -> bytes:
        return pickle.dumps(self.to_row(item), pickle.HIGHEST_PROTOCOL)

    def loads(self, blob: bytes) -> T:
        """Only ever our own rows: spools are private temporary databases."""
        return self.from_row(pickle.loads(blob))


def same(value: Any) -> Any:
    return value


PLAIN: RowCodec[Any] = RowCodec(same, same)
"""For items that are rows already (plain values)."""
