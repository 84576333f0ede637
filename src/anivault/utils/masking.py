"""Hide secrets and the user's home folder in text before it is written anywhere.

A `Masker` is built once (in the root command, from the API key and `Path.home()`) and handed to
whatever writes text that a user may paste into a bug report: the file logs above all. It is
immutable: adding a secret returns a new `Masker` (`with_secret`). The logging listener thread
calls `mask()` on every line, so an immutable object needs no lock on that hot path and its one
compiled pattern can never be seen half-updated; whoever owns the current masker swaps the
reference (see `LoggingSession.set_masker`).

What is replaced, in one pass of one precompiled pattern:

- `api_key=<value>` (also `api-key`, `apikey`, and the quoted `'api_key': '<value>'` form of a dict
  repr or JSON), any case; the value runs up to `&`, whitespace, a quote or the end -> `api_key=***`;
- `Bearer <token>` (so also `Authorization: Bearer <token>`) -> `Bearer ***`;
- every registered secret of at least `MIN_SECRET_LENGTH` characters, anywhere -> `***`;
- the home folder, only where it starts a path and ends at a separator or the end of the name,
  with `/` and `\\` accepted (and repeated, as in JSON-escaped Windows paths) -> `~`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
HOME_MASK = "~"
# Shorter values would blank out ordinary words and numbers all over the logs.
MIN_SECRET_LENGTH = 4

_SEPARATORS = r"[\\/]+"
# A query value ends at "&", whitespace or a quote (spec); over-masking a trailing ")" is harmless.
_API_KEY = r"""(?P<api_key>(?i:api[_-]?key)(?:=|["'][ \t]*:[ \t]*["']?))[^&\s"']*"""
# RFC 6750 b64token characters; "***" contains none of them, so masking twice changes nothing.
_BEARER = r"(?P<bearer>\b(?i:bearer)[ \t]+)[A-Za-z0-9\-._~+/]+=*"
# A home folder is a prefix only if nothing path-like comes just before it or just after it.
_HOME_BEFORE = r"(?<![\w.~-])"
_HOME_AFTER = r"(?![\w.-])"
_WINDOWS_HOME = re.compile(r"^(?:[A-Za-z]:[\\/]|[\\/]{2})")
_ROOT_ONLY = re.compile(r"^(?:[A-Za-z]:)?$")


class Masker:
    """Replace secrets, tokens and the home-folder prefix in text with placeholders."""

    __slots__ = ("_home", "_pattern", "_secrets")

    def __init__(self, secrets: Iterable[str] = (), home: str | None = None) -> None:
        # Longest first, so a secret that contains another one is masked whole.
        kept = {secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH}
        self._secrets: tuple[str, ...] = tuple(sorted(kept, key=lambda s: (-len(s), s)))
        self._home: str | None = _normalise_home(home)
        self._pattern: re.Pattern[str] = _compile(self._secrets, self._home)

    @property
    def home(self) -> str | None:
        """The home folder that is masked, without trailing separators (None if none)."""
        return self._home

    @property
    def secret_count(self) -> int:
        """How many secrets are registered (the values themselves are never exposed)."""
        return len(self._secrets)

    def with_secret(self, value: str) -> Masker:
        """Return a new masker that also hides `value` (ignored if shorter than MIN_SECRET_LENGTH)."""
        return Masker((*self._secrets, value), self._home)

    def mask(self, text: str) -> str:
        """Return `text` with every secret, token and home prefix replaced."""
        return self._pattern.sub(_replacement, text)

    def __repr__(self) -> str:
        return f"Masker(secrets=<{len(self._secrets)} hidden>, home={self._home!r})"


def _replacement(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind in ("api_key", "bearer"):
        return f"{match[kind]}{MASK}"
    if kind == "home":
        return HOME_MASK
    return MASK


def _normalise_home(home: str | None) -> str | None:
    """Drop trailing separators; a root folder ("/", "C:\\") is never treated as a home."""
    if home is None:
        return None
    stripped = home.rstrip("\\/")
    if _ROOT_ONLY.match(stripped):
        return None
    return stripped


def _home_pattern(home: str) -> str:
    parts = re.split(_SEPARATORS, home)
    body = _SEPARATORS.join(re.escape(part) for part in parts)
    if _WINDOWS_HOME.match(home):
        # Windows paths are case-insensitive ("c:\users\Ann" is the same folder).
        body = f"(?i:{body})"
    return f"(?P<home>{_HOME_BEFORE}{body}{_HOME_AFTER})"


def _compile(secrets: tuple[str, ...], home: str | None) -> re.Pattern[str]:
    alternatives = [_API_KEY, _BEARER]
    if secrets:
        alternatives.append("(?P<secret>" + "|".join(re.escape(secret) for secret in secrets) + ")")
    if home is not None:
        alternatives.append(_home_pattern(home))
    return re.compile("|".join(alternatives))
