"""The disk spool that keeps a run's results out of memory: order, slicing, equality, odd names."""

from __future__ import annotations

import pytest

from anivault.utils.spool import Spool


def test_items_come_back_sorted_by_key_then_arrival() -> None:
    spool: Spool[tuple[str, int]] = Spool()
    for key, number in [("b", 1), ("a", 2), ("b", 3), ("c", 4)]:
        spool.append(key, (key, number))
    assert list(spool) == [("a", 2), ("b", 1), ("b", 3), ("c", 4)]
    assert len(spool) == 4
    assert spool[1] == ("b", 1)
    assert spool[-1] == ("c", 4)
    assert spool[1:3] == (("b", 1), ("b", 3))
    assert spool == [("a", 2), ("b", 1), ("b", 3), ("c", 4)]
    with pytest.raises(IndexError):
        spool[4]


def test_undecodable_file_names_are_kept_not_refused() -> None:
    """Linux hands undecodable bytes to Python as lone surrogates; SQLite TEXT refuses them."""
    spool: Spool[str] = Spool()
    name = b"bad-\xff\xfe.mkv".decode("utf-8", "surrogateescape")
    spool.append(name, name)
    spool.append("a.mkv", "a.mkv")
    assert list(spool) == ["a.mkv", name]


def test_a_read_spool_refuses_more_items() -> None:
    spool: Spool[int] = Spool()
    spool.append("k", 1)
    assert list(spool) == [1]
    with pytest.raises(RuntimeError):
        spool.append("k", 2)


def test_items_sent_several_to_a_statement_keep_their_order_and_count() -> None:
    """Rows go to SQLite many per INSERT and the rest one by one; ties are read in arrival order."""
    spool: Spool[int] = Spool()
    count = 2 * 1000 + 345  # whole batches, then a remainder that is not a whole statement
    for number in range(count):
        spool.append("same key", number)
    assert list(spool) == list(range(count))
    assert len(spool) == count
