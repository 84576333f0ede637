"""Events the core reports, and the ``Reporter`` interface the CLI implements.

The core never prints. It calls a Reporter from the main thread only (the pipeline hands results
back to the main thread first), and the CLI decides whether that becomes rich progress bars or
NDJSON lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

Phase = str  # "run", "scan", "parse", "match", "plan", "organize"


@dataclass(frozen=True, slots=True)
class Event:
    phase: Phase
    event: str
    fields: Mapping[str, object] = field(default_factory=dict)


class Reporter(Protocol):
    def emit(self, event: Event) -> None: ...


class NullReporter:
    """Discards events: for library use and tests that only look at results."""

    def emit(self, event: Event) -> None:
        return None
