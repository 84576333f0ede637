"""Exit statuses: the one place error codes become process exit codes (docs/errors.md)."""

from __future__ import annotations

from anivault.errors import (
    AniVaultError,
    ConfigError,
    FileSystemError,
    InterruptedRunError,
    KeyStorePinError,
    LibraryBusyError,
    OrganizeConflictError,
    TmdbError,
    TmdbKeyError,
    UsageError,
)

OK = 0
FAILURE = 1
USAGE = 2
PARTIAL = 3
TMDB_KEY = 4
TMDB = 5
CONFIG = 6
FILESYSTEM = 7
BUSY = 8
CONFLICT = 9
INTERRUPTED = 130

_BY_ERROR: tuple[tuple[type[AniVaultError], int], ...] = (
    (UsageError, USAGE),
    (KeyStorePinError, TMDB_KEY),
    (ConfigError, CONFIG),
    (TmdbKeyError, TMDB_KEY),
    (TmdbError, TMDB),
    (FileSystemError, FILESYSTEM),
    (InterruptedRunError, INTERRUPTED),
    (LibraryBusyError, BUSY),
    (OrganizeConflictError, CONFLICT),
)


def for_error(error: AniVaultError) -> int:
    return next((status for kind, status in _BY_ERROR if isinstance(error, kind)), FAILURE)


def for_run(error_codes: tuple[str, ...]) -> int:
    """A finished run: TMDB key trouble outranks other partial failures, which outrank success.

    Unmatched files are an outcome, not a failure; deferred lookups, conflicts and failed moves
    carry error codes and make the run partial.
    """
    if TmdbKeyError.code in error_codes:
        return TMDB_KEY
    return PARTIAL if error_codes else OK
