"""File names written compactly as shell-like braces, so a folder of problem files reads in a few lines.

``[Grp] Show - 01 [1080p].mkv`` … ``- 12 …`` becomes ``[Grp] Show - {01..12} [1080p].mkv`` and a
video with its subtitles ``Show.2016.1080p.{en.ass,mkv}``: every file is still named (the brace
expands to exactly the names), in a fraction of the lines. Release CRC32 tags differ for every
file and tell a person nothing, so they are elided as ``[…]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CHECKSUM = re.compile(r"\[[0-9A-Fa-f]{8}\]")
ELIDED = "[…]"

TAIL = re.compile(r"(?:\.[a-z]{2,3}(?:\.(?:forced|sdh|cc|default))?)?\.[A-Za-z0-9]{2,4}$")
"""The extension with a subtitle's language tags (``.mkv``, ``.en.ass``, ``.jpn.forced.srt``):
what sets a video's sidecars apart from it."""

SEPARATORS = re.compile(r"([\s._\-\[\]()]+)")
"""Between the words of a name; a brace replaces one word, never a separator."""

RESERVED = frozenset(",{}")
"""Characters a brace cannot hold unambiguously: a word with one is never braced."""

MIN_RUN = 3
"""Consecutive numbers written as a range (``01..12``) from this many on."""


def brace_lines(names: Iterable[str]) -> list[str]:
    """The names as few lines as they can be without losing one: names that differ in one word
    share a line, and so do files that differ only in their extension and language tags."""
    tails: dict[str, list[str]] = {}
    for original in names:
        name = CHECKSUM.sub(ELIDED, original)
        found = TAIL.search(name)
        stem, tail = (name[: found.start()], found.group()) if found else (name, "")
        tails.setdefault(stem, []).append(tail)
    by_tails: dict[tuple[str, ...], list[str]] = {}
    for stem, stem_tails in tails.items():
        by_tails.setdefault(tuple(sorted(set(stem_tails))), []).append(stem)
    lines = [
        (first, line + _tail_text(tail_set))
        for tail_set, stems in by_tails.items()
        for first, line in _one_word_braces(sorted(stems, key=natural_key))
    ]
    return [line for _, line in sorted(lines, key=lambda pair: natural_key(pair[0]))]


def _tail_text(tails: tuple[str, ...]) -> str:
    if len(tails) == 1:
        return tails[0]
    return ".{" + _brace([tail.removeprefix(".") for tail in tails], ranges=False) + "}"


def _one_word_braces(stems: list[str]) -> list[tuple[str, str]]:
    """``(first stem, line)`` for each group of stems differing in one word (or a stem alone).
    The biggest groups are taken first, so an episode list beats a pairing by release group."""
    words = {stem: SEPARATORS.split(stem) for stem in stems}
    groups: dict[tuple[int, tuple[str, ...]], list[str]] = {}
    for stem, parts in words.items():
        for index in range(0, len(parts), 2):  # words sit at even indexes, separators between
            if parts[index] and not RESERVED & set(parts[index]):
                key = (index, (*parts[:index], "", *parts[index + 1 :]))
                groups.setdefault(key, []).append(stem)
    left = set(stems)
    lines: list[tuple[str, str]] = []
    for (index, _), group in sorted(groups.items(), key=lambda item: -len(item[1])):
        members = [stem for stem in group if stem in left]
        if len(members) < 2:
            continue
        left.difference_update(members)
        parts = list(words[members[0]])
        parts[index] = "{" + _brace([words[stem][index] for stem in members], ranges=True) + "}"
        lines.append((members[0], "".join(parts)))
    lines.extend((stem, stem) for stem in stems if stem in left)
    return lines


def _brace(values: list[str], *, ranges: bool) -> str:
    """The inside of a brace; runs of consecutive numbers of one width as ``first..last``."""
    ordered = sorted(values, key=natural_key)
    if not ranges:
        return ",".join(ordered)
    out: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        out.extend([f"{run[0]}..{run[-1]}"] if len(run) >= MIN_RUN else run)
        run.clear()

    for value in ordered:
        if value.isdigit() and run and len(value) == len(run[-1]) and int(value) == int(run[-1]) + 1:
            run.append(value)
            continue
        close_run()
        (run if value.isdigit() else out).append(value)
    close_run()
    return ",".join(out)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts ``2`` before ``10``, as a person counts episodes."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )
