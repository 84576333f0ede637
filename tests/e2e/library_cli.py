"""What the library end-to-end tests share: the CLI run with --json, its entries, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anivault.cli.main import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    with pytest.raises(SystemExit) as exited:
        main(["--json", *args])
    out, _ = capsys.readouterr()
    return int(exited.value.code or 0), [json.loads(line) for line in out.splitlines() if line.strip()]


def entries(events: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """Plan entries by source path."""
    return {e["fields"]["source"]: e["fields"] for e in events if e["event"] == "entry"}  # type: ignore[index]


def summary(events: list[dict[str, object]]) -> dict[str, object]:
    return next(e["fields"] for e in events if e["event"] == "summary")  # type: ignore[return-value]


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def files_below(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
