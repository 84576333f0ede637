"""stdout and stderr made safe for any console code page, once, before the CLI writes anything.

Without ``PYTHONIOENCODING``, Python on a Korean, Japanese or Chinese Windows writes a redirected
stdout in the ANSI code page (cp949, cp932, cp936), and those lack characters release names carry
("Pokémon", "🍣"): with the default ``strict`` handler the first such title would end the run with
a UnicodeEncodeError. Hence:

- ``--json``: stdout is UTF-8 with ``\\n`` line ends, on every platform and code page. Programs read
  NDJSON and expect UTF-8; ``ndjson_line`` already escapes the one thing UTF-8 cannot carry (lone
  surrogates from undecodable Linux file names), so ``strict`` never fires there.
- Human output keeps the stream's encoding, so a cp949 console still shows Hangul, but what that
  encoding lacks is replaced (``?``) instead of raising. A handler that is already lenient
  (stderr's ``backslashreplace``, the C locale's ``surrogateescape``) is kept.
"""

from __future__ import annotations

import io
import sys

NDJSON_ENCODING = "utf-8"
LENIENT_ERRORS = "replace"


def prepare_std_streams(*, json_output: bool) -> None:
    """Reconfigure ``sys.stdout`` and ``sys.stderr`` in place (Click and rich write to them later)."""
    if json_output:
        _reconfigure(sys.stdout, encoding=NDJSON_ENCODING, errors="strict", newline="\n")
    else:
        _never_raise(sys.stdout)
    _never_raise(sys.stderr)


def _never_raise(stream: object) -> None:
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors=LENIENT_ERRORS)


def _reconfigure(stream: object, *, encoding: str, errors: str, newline: str) -> None:
    # Anything else in sys.stdout (an embedding host's writer, pythonw's None) is left as it is.
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding=encoding, errors=errors, newline=newline)
