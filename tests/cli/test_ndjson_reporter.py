"""NdjsonReporter gathers per-file lines and writes them together, and never drops one."""

from __future__ import annotations

import io
import json
import time

import pytest

from anivault.cli.render import NdjsonReporter
from anivault.core.events import Event


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def events_in(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_per_file_lines_are_written_together_and_in_order() -> None:
    stream = CountingStream()
    with NdjsonReporter(stream) as reporter:
        for number in range(200):
            reporter.emit(Event("match", "result", {"n": number}))
        reporter.emit(Event("run", "summary", {"files": 200}))
    events = events_in(stream)
    assert [event["fields"] for event in events[:-1]] == [{"n": number} for number in range(200)]
    assert events[-1]["event"] == "summary"
    assert stream.writes < 20  # one per 50 ms at most, and one for the summary


def test_a_state_event_writes_the_lines_gathered_before_it() -> None:
    stream = CountingStream()
    reporter = NdjsonReporter(stream)
    reporter.emit(Event("match", "result", {"n": 1}))
    reporter.emit(Event("tmdb", "state", {"to": "throttle"}))
    assert [event["event"] for event in events_in(stream)] == ["result", "state"]


def test_lines_gathered_before_an_error_are_written() -> None:
    stream = CountingStream()
    with pytest.raises(RuntimeError), NdjsonReporter(stream) as reporter:
        reporter.emit(Event("match", "result", {"n": 1}))
        reporter.emit(Event("match", "result", {"n": 2}))
        raise RuntimeError("disk full")
    assert [event["fields"] for event in events_in(stream)] == [{"n": 1}, {"n": 2}]


def test_a_lone_per_file_line_is_written_within_the_flush_interval() -> None:
    stream = CountingStream()
    with NdjsonReporter(stream) as reporter:
        reporter.emit(Event("organize", "file", {"n": 1}))
        deadline = time.monotonic() + 5
        while not stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [event["fields"] for event in events_in(stream)] == [{"n": 1}]
