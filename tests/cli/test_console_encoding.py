"""The CLI on a Korean, Japanese or Chinese Windows, whose redirected stdio is cp949, cp932 or cp936.

The real entry point runs with ``sys.stdout`` and ``sys.stderr`` swapped for strict code-page
streams, which is what Python sets up there when ``PYTHONIOENCODING`` is unset and output goes to a
pipe or a file.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from anivault.cli import exit_codes
from anivault.cli.main import main
from anivault.errors import SourceMissingError
from tools.make_sample_library import generate

CODE_PAGES = ("cp949", "cp932", "cp936")
# "🍣" and "Ñ" are in none of the three code pages, "é" is in neither cp949 nor cp932.
FOREIGN = "[Group] Pokémon ☆ 🍣 Ñ - 01 [1080p].mkv"
# A title each code page does have: it must reach the console intact, not replaced.
NATIVE = {
    "cp949": "[Group] 진격의 거인 - 01 [1080p].mkv",
    "cp932": "[Group] 進撃の巨人 - 01 [1080p].mkv",
    "cp936": "[Group] 进击的巨人 - 01 [1080p].mkv",
}


@dataclass(frozen=True)
class Outcome:
    status: int
    out: bytes
    err: bytes


Invoke = Callable[..., Outcome]


@pytest.fixture(params=CODE_PAGES)
def code_page(request: pytest.FixtureRequest) -> str:
    code_page = str(request.param)
    with pytest.raises(UnicodeEncodeError):
        FOREIGN.encode(code_page)
    NATIVE[code_page].encode(code_page)
    return code_page


@pytest.fixture
def library(tmp_path: Path, code_page: str) -> Path:
    source = tmp_path / "downloads"
    generate(source, seed=11, series=2, movies=0)
    for name in (FOREIGN, NATIVE[code_page]):
        (source / name).write_bytes(b"\0" * 64)
    return source


@pytest.fixture
def on_code_page(code_page: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``on_code_page(*args)`` runs ``anivault args`` with strict code-page stdout and stderr."""

    def invoke(*args: str) -> Outcome:
        out, err = io.BytesIO(), io.BytesIO()
        for name, buffer in (("stdout", out), ("stderr", err)):
            monkeypatch.setattr(sys, name, io.TextIOWrapper(buffer, encoding=code_page, errors="strict"))
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Outcome(int(exited.value.code or 0), out.getvalue(), err.getvalue())

    return invoke


@pytest.mark.usefixtures("anivault_env")
def test_human_output_shows_native_titles_and_replaces_the_rest(
    on_code_page: Invoke, library: Path, tmp_path: Path, code_page: str
) -> None:
    target = tmp_path / "library"
    done = on_code_page("run", "--src", str(library), "--dst", str(target), "--max-workers", "0", "--verbose")

    assert done.status == exit_codes.OK, done.err.decode(code_page, "replace")
    out = done.out.decode(code_page)  # strict: every byte is the console's own encoding
    assert "plan: " in out  # the summary, after a line per file (--verbose) with the names
    assert NATIVE[code_page] in out
    assert FOREIGN.encode(code_page, "replace").decode(code_page) in out  # "Pok?mon ☆ ? ?" on cp949
    assert "Traceback" not in done.err.decode(code_page)


@pytest.mark.usefixtures("anivault_env")
def test_json_output_is_utf8_with_unix_line_ends_on_any_code_page(
    on_code_page: Invoke, library: Path, tmp_path: Path, code_page: str
) -> None:
    done = on_code_page(
        "--json", "--log-level", "DEBUG", "run", "--src", str(library), "--dst", str(tmp_path / "library")
    )

    assert done.status == exit_codes.OK, done.err.decode(code_page, "replace")
    assert b"\r" not in done.out
    events = [json.loads(line) for line in done.out.decode("utf-8").splitlines()]
    sources = {event["fields"].get("source") for event in events}
    assert {FOREIGN, NATIVE[code_page]} <= sources
    done.err.decode(code_page)
    # Logs never depended on the console: UTF-8 files, the name written as it is.
    log = tmp_path / "anivault-home" / "logs" / "pipeline.log"
    assert "Pokémon ☆ 🍣 Ñ" in log.read_text(encoding="utf-8")


@pytest.mark.usefixtures("anivault_env")
def test_error_messages_name_an_unencodable_folder_on_both_streams(
    on_code_page: Invoke, tmp_path: Path, code_page: str
) -> None:
    missing = tmp_path / FOREIGN.removesuffix(".mkv")
    args = ("run", "--src", str(missing), "--dst", str(tmp_path / "library"))

    human = on_code_page(*args)
    machine = on_code_page("--json", *args)

    assert human.status == machine.status == exit_codes.FILESYSTEM
    assert human.out == b""
    shown = str(missing).encode(code_page, "replace").decode(code_page)
    assert f"error {SourceMissingError.code}: source folder {shown}" in human.err.decode(code_page)
    (event,) = [json.loads(line) for line in machine.out.decode("utf-8").splitlines()]
    assert event["fields"]["code"] == SourceMissingError.code
    assert str(missing) in event["fields"]["message"]
    assert SourceMissingError.code in machine.err.decode(code_page)
