"""One exception tree for AniVault, each branch carrying a stable error code.

The codes are part of the public contract (docs/errors.md, `--json` events, exit statuses): users
grep logs for them and scripts branch on them, so a code never changes meaning once shipped.
Lower layers translate foreign exceptions (OSError, requests errors) into these once, at their
boundary, with ``raise ... from exc``; only ``cli/`` turns them into messages and exit statuses.

    AniVaultError
    ├── UsageError              E-USAGE          bad arguments or missing inputs
    │   ├── PlanUntrustedError  E-PLAN-UNTRUSTED a plan entry outside its roots, unprinted or twice
    │   └── JournalUntrustedError E-JOURNAL-UNTRUSTED a journal edited by hand or from another home
    ├── ConfigError             E-CONFIG         unreadable / invalid settings
    │   └── KeyStorePinError    E-KEYSTORE-PIN   wrong PIN for the encrypted TMDB key store
    ├── TmdbError               E-TMDB           any TMDB failure
    │   ├── TmdbKeyError        E-TMDB-KEY       401: missing, invalid or suspended key
    │   ├── TmdbRateLimitError  E-TMDB-429       429s outlasted the retry budget
    │   ├── TmdbNotFoundError   E-TMDB-404       the id or season does not exist
    │   ├── TmdbUnavailableError E-TMDB-NET      network down, DNS, timeouts, 5xx after retries
    │   └── TmdbResponseError   E-TMDB-RESPONSE  a body we cannot understand
    ├── CacheCorruptError       E-CACHE-CORRUPT  a cache file that does not parse
    ├── TitleIndexError         E-TITLE-INDEX    a title index file that is missing or does not parse
    ├── ParseError              E-PARSE-FAIL     a file name we could not read
    ├── FileSystemError         E-FS             other file-system failures
    │   ├── PermissionDeniedError E-FS-PERM
    │   ├── PathTooLongError    E-FS-LONGPATH
    │   ├── DiskFullError       E-FS-NOSPACE
    │   ├── FileLockedError     E-FS-LOCKED      open in another program (Windows sharing violation)
    │   ├── SourceMissingError  E-FS-SRC-MISSING
    │   ├── NotRegularFileError E-FS-NOT-REGULAR  a source that is a symlink, FIFO, socket or device
    │   ├── CrossDeviceError    E-FS-CROSS-DEVICE  a hard link asked for across volumes (refused)
    │   └── OutsideTargetError  E-FS-OUTSIDE-TARGET  a write that would land outside the real --dst
    ├── OrganizeConflictError   E-ORGANIZE-CONFLICT  two sources for one target, or target taken
    ├── PlanStaleError          E-PLAN-STALE     a source changed between planning and applying
    ├── LibraryBusyError        E-BUSY           another run is applying to the same library
    └── InterruptedRunError     E-INTERRUPTED    Ctrl+C / stop request honoured
"""

from __future__ import annotations


class AniVaultError(Exception):
    """Base of every error AniVault raises on purpose; ``code`` is stable and documented."""

    code = "E-ANIVAULT"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class UsageError(AniVaultError):
    code = "E-USAGE"


class PlanUntrustedError(UsageError):
    code = "E-PLAN-UNTRUSTED"


class JournalUntrustedError(UsageError):
    code = "E-JOURNAL-UNTRUSTED"


class ConfigError(AniVaultError):
    code = "E-CONFIG"


class KeyStorePinError(ConfigError):
    code = "E-KEYSTORE-PIN"


class TmdbError(AniVaultError):
    code = "E-TMDB"


class TmdbKeyError(TmdbError):
    code = "E-TMDB-KEY"


class TmdbRateLimitError(TmdbError):
    code = "E-TMDB-429"


class TmdbNotFoundError(TmdbError):
    code = "E-TMDB-404"


class TmdbUnavailableError(TmdbError):
    code = "E-TMDB-NET"


class TmdbResponseError(TmdbError):
    code = "E-TMDB-RESPONSE"


class CacheCorruptError(AniVaultError):
    code = "E-CACHE-CORRUPT"


class ParseError(AniVaultError):
    code = "E-PARSE-FAIL"


class FileSystemError(AniVaultError):
    code = "E-FS"


class PermissionDeniedError(FileSystemError):
    code = "E-FS-PERM"


class PathTooLongError(FileSystemError):
    code = "E-FS-LONGPATH"


class DiskFullError(FileSystemError):
    code = "E-FS-NOSPACE"


class FileLockedError(FileSystemError):
    code = "E-FS-LOCKED"


class SourceMissingError(FileSystemError):
    code = "E-FS-SRC-MISSING"


class NotRegularFileError(FileSystemError):
    code = "E-FS-NOT-REGULAR"


class CrossDeviceError(FileSystemError):
    code = "E-FS-CROSS-DEVICE"


class OutsideTargetError(FileSystemError):
    code = "E-FS-OUTSIDE-TARGET"


class OrganizeConflictError(AniVaultError):
    code = "E-ORGANIZE-CONFLICT"


class PlanStaleError(AniVaultError):
    code = "E-PLAN-STALE"


class LibraryBusyError(AniVaultError):
    code = "E-BUSY"


class InterruptedRunError(AniVaultError):
    code = "E-INTERRUPTED"


class TitleIndexError(AniVaultError):
    code = "E-TITLE-INDEX"
