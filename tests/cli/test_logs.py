"""A real run's logs: machine-readable lines, UTF-8 whatever the console, the key and home masked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.faultlab.cli import Cli
from tools.make_sample_library import generate
from tools.tmdb_standin.catalog import Catalog
from tools.tmdb_standin.server import Standin

KNOWN_KEY = "c0ffee15c0ffee15c0ffee15deadbeef"
LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"[\w.<>-]+:[\w.<>-]+ \S+ event=\S+( \w+=\S.*)?$"
)


@pytest.fixture
def keyed_standin(standin_catalog: Catalog) -> Iterator[Standin]:
    server = Standin(standin_catalog, api_key=KNOWN_KEY).start()
    try:
        yield server
    finally:
        server.stop()


def test_a_real_run_never_writes_the_key_and_masks_the_home_folder(
    tmp_path: Path, keyed_standin: Standin
) -> None:
    user_home = tmp_path / "users" / "ann"
    source, target, home = user_home / "Downloads", user_home / "Media", user_home / ".anivault"
    generate(source, seed=5, series=3, movies=1)
    (source / "[SubsPlease] 葬送のフリーレン - 07 (1080p).mkv").write_bytes(b"\0" * 64)
    cli = Cli(
        home,
        keyed_standin.base_url,
        KNOWN_KEY,
        # A console that cannot even spell the titles: the files must still be UTF-8.
        {"HOME": str(user_home), "PYTHONIOENCODING": "ascii:backslashreplace", "LC_ALL": "C"},
    )

    runs = [
        cli.run(
            ["--json", "--log-level", "DEBUG", "run", "--src", str(source), "--dst", str(target), "--apply"]
        ),
        cli.run(["--log-level", "DEBUG", "match", "--src", str(source)]),
    ]

    assert [r.status for r in runs] == [0, 0], runs[0].stderr[-500:]
    assert len(keyed_standin.request_log) > 0  # the key was really sent, and accepted
    logs = {
        path.name: path.read_text(encoding="utf-8") for path in (home / "logs").rglob("*") if path.is_file()
    }
    assert {"app_info.log", "network.log", "pipeline.log"} <= set(logs)
    for name, text in logs.items():
        assert KNOWN_KEY not in text, name
        assert str(user_home) not in text, name
        for line in text.splitlines():
            assert LINE.match(line), f"{name}: {line}"
    assert "~/Downloads" in logs["app_info.log"], "paths under the home folder are logged as ~/…"
    assert "葬送のフリーレン - 07" in logs["pipeline.log"], "names are written as UTF-8, not escaped"
    for run in runs:
        assert KNOWN_KEY not in run.stdout + run.stderr
