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
    TmdbUnavailableError,
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


def for_code(code: str) -> int:
    """The exit status of the error with this stable code (FAILURE for an unknown code)."""
    kind = _by_code().get(code)
    return for_error(kind(code)) if kind is not None else FAILURE


def _by_code() -> dict[str, type[AniVaultError]]:
    found: dict[str, type[AniVaultError]] = {}
    pending: list[type[AniVaultError]] = [AniVaultError]
    while pending:
        kind = pending.pop()
        found.setdefault(kind.code, kind)
        pending.extend(kind.__subclasses__())
    return found


def for_run(
    error_codes: tuple[str, ...],
    *,
    lookups_only: bool = False,
    moved: int = 0,
    move_codes: tuple[str, ...] = (),
) -> int:
    """A finished run: TMDB key trouble outranks other partial failures, which outrank success.

    Unmatched files are an outcome, not a failure; deferred lookups, conflicts and failed moves
    carry error codes and make the run partial. Two are not partial: a dry run or ``match``
    (``lookups_only``) that could not reach TMDB has nothing to resume, so it is TMDB unavailable;
    and an apply whose every attempted file operation failed on the file system (a read-only
    library, say) moved nothing, so it is a file-system error.
    """
    if TmdbKeyError.code in error_codes:
        return TMDB_KEY
    if lookups_only and TmdbUnavailableError.code in error_codes:
        return TMDB
    if move_codes and not moved and all(for_code(code) == FILESYSTEM for code in move_codes):
        return FILESYSTEM
    return PARTIAL if error_codes else OK


def deciding_code(error_codes: tuple[str, ...], status: int) -> str | None:
    """The code a failed run's closing ``run.error`` event names: the first that alone would give
    ``status``, else the first met. None for success and partial runs (their events say it all)."""
    if status in (OK, PARTIAL) or not error_codes:
        return None
    return next((code for code in error_codes if for_code(code) == status), error_codes[0])
