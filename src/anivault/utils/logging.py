"""AniVault's file logs: UTF-8, one masked, machine-readable line per record, written off-thread.

`configure_logging` puts one `QueueHandler` on the `anivault` logger (propagate off) and starts one
`QueueListener` thread that feeds five daily/size-rotating files in `log_dir`:

    app_info.log   INFO+    every `anivault.*` logger
    app_warn.log   WARNING+ every `anivault.*` logger
    app_error.log  ERROR+   every `anivault.*` logger
    network.log    DEBUG+   `anivault.services.tmdb.*` and `anivault.network.*`
    pipeline.log   DEBUG+   `anivault.core.*`

The `level` argument sets the `anivault` logger itself, so it gates all five files; the levels above
are each file's own floor on top of it. Callers that log never wait on the disk, which matters for
pipeline workers. This module and `core/pipeline.py` are the only ones that use `queue`/threads: the
stdlib listener owns its thread, and `LoggingSession.close()` stops and joins it.

Line format (one record = one line, UTC, millisecond precision):

    2026-11-24T22:14:03.123Z INFO matching:rank MainThread event=match_chosen id=1429 title="進撃の巨人 2"

That line comes from `log_event(logger, logging.INFO, "match_chosen", id=1429, title=...)`.
Every token after the header (timestamp, level, module:function, thread name) is `key=value`. A
value is bare unless it is empty or holds whitespace, `=`, a quote, a control character or a line
break; then it is a JSON string (`json.loads` reads it back). None, booleans and numbers are JSON
literals (`null`, `true`, `3`, `0.93`). A plain `logger.info("text %s", x)` renders as
`event=message msg="text …"`; a plain message that already starts with `event=<name>` (the
`"event=tmdb_429 attempt=%d"` style used in services) is kept as written, with line breaks escaped.
A traceback is appended as `exc="…"` (and `stack_info` as `stack="…"`), escaped onto the same line.

Masking happens in the formatter, so it covers every call site: message, field values and exception
text are masked before they are quoted (a Windows path or a secret with a quote is still found), and
the finished line is masked once more as a safety net.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import queue
import re
import stat
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from logging.handlers import QueueHandler, QueueListener, TimedRotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any, TypeAlias

from anivault.utils.masking import Masker

ROOT_LOGGER_NAME = "anivault"
LOG_ENCODING = "utf-8"
DEFAULT_KEEP_DAYS = 7
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
PLAIN_EVENT = "message"

_ROTATE_WHEN = "midnight"
# Matches TimedRotatingFileHandler's suffix for "midnight": backups are `<file>.<YYYY-MM-DD>[.<n>]`.
_BACKUP_SUFFIX = r"\.(?P<day>\d{4}-\d{2}-\d{2})(?:\.\d+)?"
# Lone surrogates (undecodable file names via os.fsdecode) must not make a record fail to write.
_ENCODING_ERRORS = "backslashreplace"
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"

# Record attributes set through `extra` by log_event; namespaced so they never clash with LogRecord's.
_EVENT_ATTR = "anivault_event"
_FIELDS_ATTR = "anivault_fields"

_BARE_VALUE = re.compile(r"[^\s=\"'\x00-\x1f\x7f\x85\u2028\u2029]+")
_FIELD_KEY = re.compile(r"\w+")
_NOT_KEY_CHARS = re.compile(r"\W")
_PRESTRUCTURED = re.compile(r"event=[^\s=\"']+(?: |$)")
# Characters that str.splitlines() or a log viewer would treat as a line break.
_LINE_BREAKS = {
    "\n": "\\n",
    "\r": "\\r",
    "\x0b": "\\u000b",
    "\x0c": "\\f",
    "\x1c": "\\u001c",
    "\x1d": "\\u001d",
    "\x1e": "\\u001e",
    "\x85": "\\u0085",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_LINE_BREAK_TABLE = str.maketrans(_LINE_BREAKS)

_ExcInfo: TypeAlias = (
    "tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]"
)


@dataclass(frozen=True, slots=True)
class _LogFile:
    name: str
    level: int
    prefixes: tuple[str, ...] = ()  # logger-name subtrees; empty means every anivault logger


_LOG_FILES = (
    _LogFile("app_info.log", logging.INFO),
    _LogFile("app_warn.log", logging.WARNING),
    _LogFile("app_error.log", logging.ERROR),
    _LogFile("network.log", logging.DEBUG, ("anivault.services.tmdb", "anivault.network")),
    _LogFile("pipeline.log", logging.DEBUG, ("anivault.core",)),
)


def log_event(
    logger: logging.Logger,
    level: int,
    event: str,
    *,
    exc_info: bool | BaseException | None = None,
    **fields: object,
) -> None:
    """Log `event` with `fields` rendered as `key=value` pairs by the AniVault formatter.

    Values that are not str/int/float/bool/None are turned into `str` here, in the caller's thread,
    so the line shows them as they were at the call (the listener formats later). `exc_info` works
    as in `Logger.log` and is appended as `exc="…"`.
    """
    if not logger.isEnabledFor(level):
        return
    snapshot = {key: _snapshot(value) for key, value in fields.items()}
    # stacklevel=2 so module:function name the caller, not this helper.
    logger.log(
        level, event, exc_info=exc_info, extra={_EVENT_ATTR: event, _FIELDS_ATTR: snapshot}, stacklevel=2
    )


class LoggingSession:
    """The running file logging: close it (or use it as a context manager) to flush and detach.

    `close()` is idempotent. It detaches the queue handler first (no new records), then stops the
    listener (which drains what is queued and joins its thread), then closes the files, and puts
    the `anivault` logger's level and propagate flag back as they were.
    """

    def __init__(
        self,
        log_dir: Path,
        logger: logging.Logger,
        formatter: LineFormatter,
        file_handlers: tuple[logging.Handler, ...],
    ) -> None:
        self.log_dir = log_dir
        self._logger = logger
        self._formatter = formatter
        self._file_handlers = file_handlers
        self._saved_level = logger.level
        self._saved_propagate = logger.propagate
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._queue_handler = _SessionQueueHandler(self._queue, self)
        self._listener = QueueListener(self._queue, *file_handlers, respect_handler_level=True)
        self._closed = False

    def _start(self, level: int) -> None:
        self._listener.start()
        self._logger.setLevel(level)
        self._logger.propagate = False
        self._logger.addHandler(self._queue_handler)

    def set_level(self, level: str) -> None:
        """Gate every file at `level` from now on (a --log-level given after the command name)."""
        self._logger.setLevel(_parse_level(level))

    def set_masker(self, masker: Masker) -> None:
        """Mask every later line with `masker` (e.g. one that knows a key entered after start-up)."""
        self._formatter.masker = masker

    def close(self) -> None:
        """Stop writing: detach, drain the queue, join the listener thread, close the files."""
        if self._closed:
            return
        self._closed = True
        self._logger.removeHandler(self._queue_handler)
        self._listener.stop()
        self._queue_handler.close()
        for handler in self._file_handlers:
            handler.close()
        self._logger.setLevel(self._saved_level)
        self._logger.propagate = self._saved_propagate

    def __enter__(self) -> LoggingSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def configure_logging(
    log_dir: Path,
    *,
    level: str = "INFO",
    masker: Masker,
    keep_days: int = DEFAULT_KEEP_DAYS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoggingSession:
    """Start AniVault's file logging in `log_dir` (created if missing) and return its session.

    A session still attached from an earlier call is closed first, so configuring twice in one
    process never duplicates lines. Raises ValueError for an unknown level name and OSError if
    `log_dir` cannot be created.
    """
    numeric_level = _parse_level(level)
    log_dir.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(ROOT_LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, _SessionQueueHandler):
            handler.session.close()
    formatter = LineFormatter(masker)
    handlers = tuple(_file_handler(log_dir, spec, formatter, keep_days, max_bytes) for spec in _LOG_FILES)
    session = LoggingSession(log_dir, logger, formatter, handlers)
    session._start(numeric_level)
    return session


class DailySizeRotatingFileHandler(TimedRotatingFileHandler):
    """Roll over at UTC midnight and also whenever the file has reached `max_bytes`.

    Backups are `<file>.<YYYY-MM-DD>` and, for further size roll-overs on the same day,
    `<file>.<YYYY-MM-DD>.<n>` (the stdlib would overwrite the first one). `backup_count` counts
    days, not files: backups of the newest `backup_count` days are kept whatever their number.
    The size is checked before writing, so a file can pass `max_bytes` by at most one record;
    that avoids formatting (and masking) every record twice.
    """

    def __init__(self, filename: Path, *, max_bytes: int, backup_count: int) -> None:
        super().__init__(
            filename,
            when=_ROTATE_WHEN,
            backupCount=backup_count,
            encoding=LOG_ENCODING,
            delay=True,
            utc=True,
            errors=_ENCODING_ERRORS,
        )
        self.max_bytes = max_bytes
        self._backup_name = re.compile(re.escape(os.path.basename(self.baseFilename)) + _BACKUP_SUFFIX)

    def shouldRollover(self, record: logging.LogRecord) -> int:
        if super().shouldRollover(record):
            return True
        if self.max_bytes <= 0:
            return False
        try:
            status = os.stat(self.baseFilename)
        except FileNotFoundError:
            return False
        # Like the stdlib: never roll over a device or pipe the log was pointed at.
        return stat.S_ISREG(status.st_mode) and status.st_size >= self.max_bytes

    def rotation_filename(self, default_name: str) -> str:
        name = super().rotation_filename(default_name)
        if not os.path.exists(name):
            return name
        counter = 1
        while os.path.exists(f"{name}.{counter}"):
            counter += 1
        return f"{name}.{counter}"

    def getFilesToDelete(self) -> list[str]:
        folder = os.path.dirname(self.baseFilename)
        by_day: dict[str, list[str]] = {}
        for entry in os.listdir(folder):
            match = self._backup_name.fullmatch(entry)
            if match:
                by_day.setdefault(match["day"], []).append(os.path.join(folder, entry))
        expired = sorted(by_day, reverse=True)[self.backupCount :]
        return [path for day in expired for path in by_day[day]]


class LineFormatter(logging.Formatter):
    """Render a record as one masked `timestamp LEVEL module:function thread event=… k=v` line."""

    def __init__(self, masker: Masker) -> None:
        super().__init__()
        # Replaced whole by LoggingSession.set_masker; a reference swap is atomic for the reader.
        self.masker = masker

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime(datefmt or _TIMESTAMP_FORMAT, time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        masker = self.masker
        parts = [
            self.formatTime(record),
            _value(record.levelname),
            _value(f"{record.module}:{record.funcName}"),
            _value(str(record.threadName)),
        ]
        event = getattr(record, _EVENT_ATTR, None)
        if event is not None:
            parts.append(f"event={_masked_value(str(event), masker)}")
            fields: dict[str, object] = getattr(record, _FIELDS_ATTR, {})
            parts.extend(f"{_key(key)}={_masked_value(value, masker)}" for key, value in fields.items())
        else:
            message = masker.mask(record.getMessage())
            if _PRESTRUCTURED.match(message):
                parts.append(message.translate(_LINE_BREAK_TABLE))
            else:
                parts.append(f"event={PLAIN_EVENT} msg={_value(message)}")
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            parts.append(f"exc={_quoted(masker.mask(record.exc_text))}")
        if record.stack_info:
            parts.append(f"stack={_quoted(masker.mask(self.formatStack(record.stack_info)))}")
        return masker.mask(" ".join(parts))


class _SessionQueueHandler(QueueHandler):
    """Queue handler that knows its session (so a new configure can close a forgotten one).

    `prepare` merges the arguments into the message and turns the traceback into text in the
    caller's thread: the listener formats later, when mutable arguments may have changed and the
    frames of `exc_info` should no longer be kept alive. Unlike the stdlib's `prepare`, it leaves
    the traceback out of the message so the formatter can render it as `exc="…"`.
    """

    def __init__(self, handler_queue: queue.SimpleQueue[Any], session: LoggingSession) -> None:
        super().__init__(handler_queue)
        self.session = session

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        prepared = copy.copy(record)
        prepared.msg = record.getMessage()
        prepared.args = None
        if record.exc_info:
            prepared.exc_text = record.exc_text or _format_exception(record.exc_info)
        prepared.exc_info = None
        return prepared


class _PrefixFilter(logging.Filter):
    """Pass records from the given logger subtrees (`a.b` passes `a.b` and `a.b.c`, not `a.bc`)."""

    def __init__(self, prefixes: Iterable[str]) -> None:
        super().__init__()
        self._prefixes = tuple(prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        return any(name == prefix or name.startswith(prefix + ".") for prefix in self._prefixes)


def _file_handler(
    log_dir: Path, spec: _LogFile, formatter: logging.Formatter, keep_days: int, max_bytes: int
) -> logging.Handler:
    handler = DailySizeRotatingFileHandler(log_dir / spec.name, max_bytes=max_bytes, backup_count=keep_days)
    handler.setLevel(spec.level)
    handler.setFormatter(formatter)
    if spec.prefixes:
        handler.addFilter(_PrefixFilter(spec.prefixes))
    return handler


def _parse_level(level: str) -> int:
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    return numeric


def _format_exception(exc_info: _ExcInfo) -> str:
    # What logging.Formatter.formatException produces, without keeping a formatter around.
    return "".join(traceback.format_exception(*exc_info)).rstrip("\n")


def _snapshot(value: object) -> object:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _key(key: str) -> str:
    if _FIELD_KEY.fullmatch(key):
        return key
    return _NOT_KEY_CHARS.sub("_", key) or "_"


def _masked_value(value: object, masker: Masker) -> str:
    if value is None or isinstance(value, (bool, int, float)):
        return _value(value)
    return _value(masker.mask(str(value)))


def _value(value: object) -> str:
    """Render a value bare when that is unambiguous, else as a single-line JSON string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _BARE_VALUE.fullmatch(text):
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    # json.dumps escapes \n, \r and other C0 controls but, with ensure_ascii off, not U+0085/2028/2029.
    return json.dumps(text, ensure_ascii=False).translate(_LINE_BREAK_TABLE)
