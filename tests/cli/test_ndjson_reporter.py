"""NdjsonReporter gathers per-file lines and writes them together, and never drops one."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from anivault.cli.render import NdjsonReporter
from anivault.core.events import RunFinished, ScanSkipped, TmdbState
from anivault.core.models import Skipped
from anivault.services.tmdb.health import StateChange


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def events_in(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def skipped(number: int) -> ScanSkipped:
    """A per-file event: gathered, not written at once."""
    return ScanSkipped(Skipped(Path(f"extras/{number}.txt"), "not a video"))


def test_per_file_lines_are_written_together_and_in_order() -> None:
    stream = CountingStream()
    with NdjsonReporter(stream) as reporter:
        for number in range(200):
            reporter.emit(skipped(number))
        reporter.emit(RunFinished("run-1"))
    events = events_in(stream)
    assert [event["fields"] for event in events[:-1]] == [skipped(number).to_json() for number in range(200)]
    assert events[-1]["event"] == "finished"
    assert stream.writes < 20  # one per 50 ms at most, and one for the summary


def test_a_state_event_writes_the_lines_gathered_before_it() -> None:
    stream = CountingStream()
    reporter = NdjsonReporter(stream)
    reporter.emit(skipped(1))
    reporter.emit(TmdbState(StateChange("normal", "throttle", "429")))
    assert [event["event"] for event in events_in(stream)] == ["skipped", "state"]


def test_lines_gathered_before_an_error_are_written() -> None:
    stream = CountingStream()
    with pytest.raises(RuntimeError), NdjsonReporter(stream) as reporter:
        reporter.emit(skipped(1))
        reporter.emit(skipped(2))
        raise RuntimeError("disk full")
    assert [event["fields"] for event in events_in(stream)] == [skipped(1).to_json(), skipped(2).to_json()]


def test_a_lone_per_file_line_is_written_within_the_flush_interval() -> None:
    stream = CountingStream()
    with NdjsonReporter(stream) as reporter:
        reporter.emit(skipped(1))
        deadline = time.monotonic() + 5
        while not stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [event["fields"] for event in events_in(stream)] == [skipped(1).to_json()]
