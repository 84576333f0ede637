"""File logging: right records in each file, UTF-8, one masked line per record, rotation, clean close."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from anivault.utils.logging import (
    DailySizeRotatingFileHandler,
    LineFormatter,
    LoggingSession,
    configure_logging,
    log_event,
)
from anivault.utils.masking import Masker

KEY = "f3a9c1d27b6e48a0b5c4d3e2f1a0b9c8"
OTHER_TOKEN = "unregisteredToken123"
HOME = "/home/tester"
TITLE = "進撃の巨人 ✓ 🎉"
LOG_FILES = ("app_info.log", "app_warn.log", "app_error.log", "network.log", "pipeline.log")

LINE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) "
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"(?P<where>[\w<>.]+:[\w<>.]+) "
    r"(?P<thread>\S+|\"(?:[^\"\\]|\\.)*\") "
    r"(?P<rest>event=\S+.*)$"
)
TOKEN = re.compile(r'(?P<key>\w+)=(?P<value>"(?:[^"\\]|\\.)*"|\S*)')


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    # Strict UTF-8, and splitlines() breaks on every Unicode line separator, not only "\n".
    return path.read_bytes().decode("utf-8").splitlines()


def _fields(line: str) -> dict[str, object]:
    match = LINE.match(line)
    assert match, line
    fields: dict[str, object] = {}
    for token in TOKEN.finditer(match["rest"]):
        raw = token["value"]
        fields[token["key"]] = json.loads(raw) if raw.startswith('"') else raw
    return fields


@pytest.fixture
def masker() -> Masker:
    return Masker(secrets=[KEY], home=HOME)


@pytest.fixture
def session(tmp_path: Path, masker: Masker) -> Iterator[LoggingSession]:
    with configure_logging(tmp_path / "logs", level="DEBUG", masker=masker) as running:
        yield running


def _all_text(log_dir: Path) -> str:
    return "\n".join(path.read_bytes().decode("utf-8") for path in sorted(log_dir.iterdir()))


def test_each_file_gets_its_levels_and_loggers(tmp_path: Path, masker: Masker) -> None:
    log_dir = tmp_path / "logs"
    with configure_logging(log_dir, level="DEBUG", masker=masker):
        logging.getLogger("anivault.core.pipeline").debug("core-debug")
        logging.getLogger("anivault.core.lookup.matching").info("core-info")
        logging.getLogger("anivault.services.tmdb.transport").debug("tmdb-debug")
        logging.getLogger("anivault.network").warning("network-warning")
        logging.getLogger("anivault.services.cache").error("cache-error")
        logging.getLogger("anivault.services.tmdbish").info("lookalike-info")
        logging.getLogger("anivault.cli").critical("cli-critical")
        logging.getLogger("other.library").error("not-ours")

    def messages(name: str) -> list[object]:
        return [_fields(line)["msg"] for line in _lines(log_dir / name)]

    assert messages("app_info.log") == [
        "core-info",
        "network-warning",
        "cache-error",
        "lookalike-info",
        "cli-critical",
    ]
    assert messages("app_warn.log") == ["network-warning", "cache-error", "cli-critical"]
    assert messages("app_error.log") == ["cache-error", "cli-critical"]
    assert messages("network.log") == ["tmdb-debug", "network-warning"]
    assert messages("pipeline.log") == ["core-debug", "core-info"]


def test_level_argument_gates_every_file(tmp_path: Path, masker: Masker) -> None:
    log_dir = tmp_path / "logs"
    with configure_logging(log_dir, level="warning", masker=masker):
        logging.getLogger("anivault.core").info("dropped")
        logging.getLogger("anivault.core").warning("kept")
    assert [_fields(line)["msg"] for line in _lines(log_dir / "pipeline.log")] == ["kept"]
    assert _lines(log_dir / "app_info.log") == _lines(log_dir / "pipeline.log")


def test_unknown_level_is_rejected(tmp_path: Path, masker: Masker) -> None:
    with pytest.raises(ValueError, match="LOUD"):
        configure_logging(tmp_path, level="LOUD", masker=masker)


def test_files_are_utf8_whatever_the_text(tmp_path: Path, session: LoggingSession) -> None:
    logger = logging.getLogger("anivault.core.plan.naming")
    logger.info(TITLE)
    log_event(logger, logging.INFO, "named", title=TITLE)
    logger.info("bad bytes %s", "caf\udce9")  # an undecodable file name via os.fsdecode
    session.close()
    raw = (session.log_dir / "app_info.log").read_bytes()
    text = raw.decode("utf-8")
    assert TITLE.encode("utf-8") in raw
    first, second, third = text.splitlines()
    assert _fields(first)["msg"] == TITLE
    assert _fields(second) == {"event": "named", "title": TITLE}
    assert "caf" in third


def test_format_of_structured_and_plain_lines(session: LoggingSession) -> None:
    logger = logging.getLogger("anivault.core.lookup.matching")
    log_event(
        logger,
        logging.INFO,
        "match_chosen",
        tmdb_id=1429,
        score=0.93,
        exact=True,
        year=None,
        path=Path("/srv/a b"),
        note='say "hi"',
        query="a=b",
        empty="",
    )
    logger.warning("plain %s", "text")
    logger.warning("event=tmdb_429 attempt=%d retry_after=%.3f", 2, 1.5)
    session.close()
    first, second, third = _lines(session.log_dir / "app_info.log")

    match = LINE.match(first)
    assert match
    assert match["level"] == "INFO"
    assert match["where"] == "test_logging:test_format_of_structured_and_plain_lines"
    assert match["thread"] == threading.current_thread().name
    assert match["rest"] == (
        'event=match_chosen tmdb_id=1429 score=0.93 exact=true year=null path="/srv/a b" '
        'note="say \\"hi\\"" query="a=b" empty=""'
    )
    assert _fields(first)["note"] == 'say "hi"'

    assert _fields(second) == {"event": "message", "msg": "plain text"}
    assert third.endswith(" event=tmdb_429 attempt=2 retry_after=1.500")


def test_one_line_per_record_even_with_newlines_and_tracebacks(session: LoggingSession) -> None:
    logger = logging.getLogger("anivault.core.pipeline")
    logger.info("first\nsecond\r\nthird\u2028fourth")
    log_event(logger, logging.WARNING, "multi", detail="a\nb")
    logger.warning("event=stage_failed\nnext")
    try:
        raise RuntimeError("boom\nwith a second line")
    except RuntimeError:
        logger.exception("stage crashed")
    try:
        raise KeyError("nested")
    except KeyError as exc:
        log_event(logger, logging.ERROR, "stage_failed", exc_info=exc, stage="parse")
    logger.info("with stack", stack_info=True)
    session.close()

    lines = _lines(session.log_dir / "pipeline.log")
    assert len(lines) == 6
    assert all(LINE.match(line) for line in lines), lines
    assert _fields(lines[0])["msg"] == "first\nsecond\r\nthird\u2028fourth"
    assert _fields(lines[1])["detail"] == "a\nb"
    crash = _fields(lines[3])
    assert crash["msg"] == "stage crashed"
    exc_text = str(crash["exc"])
    assert exc_text.startswith("Traceback (most recent call last):")
    assert exc_text.endswith("RuntimeError: boom\nwith a second line")
    failed = _fields(lines[4])
    assert failed["stage"] == "parse"
    assert str(failed["exc"]).endswith("KeyError: 'nested'")
    assert "test_one_line_per_record" in str(_fields(lines[5])["stack"])


def test_secrets_never_reach_any_file(tmp_path: Path, session: LoggingSession) -> None:
    tmdb = logging.getLogger("anivault.services.tmdb.transport")
    core = logging.getLogger("anivault.core.lookup.scan")
    tmdb.debug("GET https://api.themoviedb.org/3/search/tv?api_key=%s&query=x", KEY)
    tmdb.debug("GET https://api.themoviedb.org/3/tv/1?language=en&api_key=%s", OTHER_TOKEN)
    tmdb.info("headers {'Authorization': 'Bearer %s'}", KEY)
    tmdb.info("Authorization: Bearer %s", OTHER_TOKEN)
    core.error("the key is %s, really", KEY)
    log_event(core, logging.WARNING, "leak_attempt", key=KEY, url=f"https://h/?api_key={KEY}", n=1)
    log_event(tmdb, logging.INFO, "bearer_in_field", header=f"Bearer {OTHER_TOKEN}")
    try:
        raise PermissionError(f"TMDB rejected key {KEY} for /home/tester/Videos")
    except PermissionError:
        tmdb.exception("request failed")
    core.info("scanning %s", f"{HOME}/Downloads/[Sub] 進撃の巨人 01.mkv")
    log_event(core, logging.INFO, "scanned", path=f"{HOME}/Downloads/a.mkv")
    session.close()

    text = _all_text(session.log_dir)
    assert text  # something was written
    assert KEY not in text
    assert OTHER_TOKEN not in text
    assert HOME not in text
    assert "api_key=***&query=x" in text
    assert "Bearer ***" in text
    assert "~/Downloads/[Sub] 進撃の巨人 01.mkv" in text
    assert "path=~/Downloads/a.mkv" in text


def test_windows_home_inside_quoted_values_is_masked(tmp_path: Path) -> None:
    home = "C:\\Users\\Ann"
    with configure_logging(tmp_path / "logs", masker=Masker(home=home)) as running:
        log_event(logging.getLogger("anivault.cli"), logging.INFO, "opened", path=home + "\\My Videos\\a.mkv")
    text = _all_text(running.log_dir)
    assert "Ann" not in text
    assert 'path="~\\\\My Videos\\\\a.mkv"' in text


def test_secret_with_quote_and_backslash_is_masked_before_json_escaping(tmp_path: Path) -> None:
    odd = 'q"uo\\te-secret'
    with configure_logging(tmp_path / "logs", masker=Masker(secrets=[odd])) as running:
        logger = logging.getLogger("anivault.cli")
        log_event(logger, logging.INFO, "odd", value=f"with {odd} inside")
        logger.info("msg %s", odd)
        try:
            raise ValueError(odd)
        except ValueError:
            logger.exception("exc")
    text = _all_text(running.log_dir)
    escaped = json.dumps(odd)[1:-1]
    assert odd not in text
    assert escaped not in text
    assert "\n".join(_lines(running.log_dir / "app_info.log")).count("***") == 3


def test_set_masker_applies_to_later_lines(session: LoggingSession, masker: Masker) -> None:
    late = "late-secret-value"
    logger = logging.getLogger("anivault.cli")
    session.set_masker(masker.with_secret(late))
    logger.info("entered %s", late)
    session.close()
    assert late not in _all_text(session.log_dir)


def test_size_rollover_keeps_every_record(tmp_path: Path, masker: Masker) -> None:
    log_dir = tmp_path / "logs"
    max_bytes = 400
    with configure_logging(log_dir, masker=masker, max_bytes=max_bytes):
        logger = logging.getLogger("anivault.core.pipeline")
        for index in range(40):
            log_event(logger, logging.INFO, "tick", index=index)

    backups = sorted(log_dir.glob("pipeline.log.*"))
    assert len(backups) >= 3
    assert all(re.fullmatch(r"pipeline\.log\.\d{4}-\d{2}-\d{2}(\.\d+)?", path.name) for path in backups)
    longest = max(len(line.encode("utf-8")) + 1 for line in _lines(log_dir / "pipeline.log"))
    assert all(path.stat().st_size < max_bytes + longest for path in backups)
    indexes = sorted(
        int(str(_fields(line)["index"]))
        for path in [*backups, log_dir / "pipeline.log"]
        for line in _lines(path)
    )
    assert indexes == list(range(40))


def test_old_days_are_deleted_but_all_of_todays_chunks_kept(tmp_path: Path) -> None:
    base = tmp_path / "app_info.log"
    for day in ("2020-01-01", "2020-01-02", "2020-01-03"):
        (tmp_path / f"app_info.log.{day}").write_text("old\n", encoding="utf-8")
    (tmp_path / "app_info.log.2020-01-03.1").write_text("old\n", encoding="utf-8")
    (tmp_path / "app_info.log.notes").write_text("not a backup\n", encoding="utf-8")
    handler = DailySizeRotatingFileHandler(base, max_bytes=10, backup_count=2)
    handler.setFormatter(LineFormatter(Masker()))
    try:
        logger = logging.getLogger("test.rotation")
        for index in range(3):
            handler.handle(
                logger.makeRecord("test.rotation", logging.INFO, __file__, 1, f"r{index}", (), None)
            )
    finally:
        handler.close()
    names = sorted(path.name for path in tmp_path.iterdir())
    assert "app_info.log.2020-01-01" not in names
    assert "app_info.log.2020-01-02" not in names
    assert "app_info.log.notes" in names
    today_chunks = [name for name in names if re.fullmatch(r"app_info\.log\.(?!2020)[\d-]+(\.\d+)?", name)]
    assert len(today_chunks) == 2  # two size roll-overs today, neither overwrote the other
    assert "app_info.log.2020-01-03" in names  # the newest older day is still within backup_count=2
    assert "app_info.log.2020-01-03.1" in names


def test_close_stops_the_listener_thread(tmp_path: Path, masker: Masker) -> None:
    before = set(threading.enumerate())
    running = configure_logging(tmp_path / "logs", masker=masker)
    assert len(set(threading.enumerate()) - before) == 1
    logging.getLogger("anivault.cli").info("hello")
    running.close()
    running.close()  # idempotent
    assert set(threading.enumerate()) <= before
    root = logging.getLogger("anivault")
    assert root.handlers == []
    assert root.propagate is True


def test_repeated_configure_does_not_duplicate_lines(tmp_path: Path, masker: Masker) -> None:
    log_dir = tmp_path / "logs"
    logger = logging.getLogger("anivault.cli")
    for round_number in range(3):
        with configure_logging(log_dir, masker=masker):
            logger.info("round %d", round_number)
    forgotten = configure_logging(log_dir, masker=masker)  # never closed by its caller
    logger.info("round 3")
    replacing = configure_logging(log_dir, masker=masker)
    logger.info("round 4")
    replacing.close()
    forgotten.close()
    messages = [_fields(line)["msg"] for line in _lines(log_dir / "app_info.log")]
    assert messages == [f"round {index}" for index in range(5)]
    assert logging.getLogger("anivault").handlers == []
