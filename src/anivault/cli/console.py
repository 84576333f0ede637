"""The rich console every human-readable output goes through.

Its own module so that ``app.py`` imports rich only when a command first prints (never for
``--help``), and so that a closed stdout ends the program the way every other output does.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Leave a closed pipe to the CLI's entry point, which ends every such case alike (rich's
        own handling would exit with status 1 on the spot)."""
        self.quiet = True
        raise BrokenPipeError


def make_console(stream: TextIO, *, no_color: bool) -> Console:
    """Rich console on ``stream``. Without a terminal rich writes no escape codes; --no-color also
    drops styles (rich's own no_color keeps bold and dim), so a forced terminal stays plain too."""
    if no_color:  # and no cursor moves either: progress is drawn once, at the end, as plain text
        return _Console(file=stream, no_color=True, color_system=None, highlight=False, force_terminal=False)
    return _Console(file=stream, highlight=False)
