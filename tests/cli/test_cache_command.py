"""`anivault cache stats|purge|clear|warm|verify` through the real CLI, the stand-in and real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from anivault.cli import exit_codes
from anivault.cli.main import main
from anivault.services.cache.entries import disk_usage, iter_entries
from anivault.services.cache.index import read_index
from tools.make_sample_library import generate
from tools.tmdb_standin import Standin

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "cache_object.schema.json").read_text("utf-8"))


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]], str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    status = int(exited.value.code or 0)
    if "--json" not in args:
        return status, [], out + err
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert all(set(line) == {"ts", "phase", "event", "fields"} for line in lines)
    return status, lines, err


def cache_event(events: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (found,) = [e["fields"] for e in events if e["phase"] == "cache" and e["event"] == name]
    return found  # type: ignore[no-any-return]


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    source = tmp_path / "downloads"
    generate(source, seed=3, series=5, movies=2)
    return source


@pytest.mark.usefixtures("anivault_env")
def test_warm_fills_the_cache_and_a_second_warm_sends_nothing(
    downloads: Path, tmdb_standin: Standin, anivault_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, events, _ = run_cli(["--json", "cache", "warm", "--src", str(downloads)], capsys)
    cold = cache_event(events, "warmed")
    assert status == 0
    assert cold["files"] > 20
    assert cold["matched"] > 0
    assert cold["tmdb_requests"] == tmdb_standin.request_count > 0
    assert cold["cache_misses"] > 0
    assert any(e["phase"] == "match" and e["event"] == "progress" for e in events)

    status, events, _ = run_cli(["--json", "cache", "warm", "--src", str(downloads)], capsys)
    warm = cache_event(events, "warmed")
    assert status == 0
    assert warm["tmdb_requests"] == 0
    assert tmdb_standin.request_count == cold["tmdb_requests"]
    assert (warm["cache_misses"], warm["hit_rate"]) == (0, 1.0)
    assert warm["matched"] == cold["matched"]

    status, events, _ = run_cli(["--json", "cache", "stats"], capsys)
    stats = cache_event(events, "stats")
    assert status == 0
    assert stats["entries"] == len(list(iter_entries(anivault_env / "cache"))) > 0
    assert stats["bytes"] == disk_usage(anivault_env / "cache")
    assert stats["hit_rate_last_run"] == 1.0
    lookups = cold["cache_hits"] + cold["cache_misses"] + warm["cache_hits"]
    assert stats["hit_rate_overall"] == pytest.approx((cold["cache_hits"] + warm["cache_hits"]) / lookups)
    assert stats["oldest"] <= stats["newest"]
    assert stats["newest"].endswith("Z")
    assert stats["max_bytes"] == 512 * 1024 * 1024


@pytest.mark.usefixtures("anivault_env")
def test_a_run_writes_cache_files_that_match_the_schema(
    downloads: Path, tmp_path: Path, anivault_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _events, _ = run_cli(
        ["--json", "run", "--src", str(downloads), "--dst", str(tmp_path / "lib")], capsys
    )
    assert status == 0
    files = [anivault_env / "cache" / relative for relative, _stat in iter_entries(anivault_env / "cache")]
    assert {path.parent.name for path in files} == {"objects", "search"}
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(document, SCHEMA)
        if path.parent.name == "objects":
            assert path.name == f"{document['key']['endpoint'].replace('/', '-')}.json"


def test_verify_purge_and_clear(
    downloads: Path, anivault_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["--json", "cache", "warm", "--src", str(downloads)], capsys)[0] == 0
    cache = anivault_env / "cache"
    files = sorted(cache / relative for relative, _stat in iter_entries(cache))
    files[0].write_bytes(b"\x00 torn")
    document = json.loads(files[1].read_text(encoding="utf-8"))
    document["created_at"] -= 40 * 86_400
    files[1].write_text(json.dumps(document), encoding="utf-8")

    status, events, _ = run_cli(["--json", "cache", "verify"], capsys)
    verified = cache_event(events, "verified")
    assert (status, verified["checked"], verified["quarantined"]) == (0, len(files), 1)
    assert (cache / "quarantine").is_dir()

    status, events, _ = run_cli(["--json", "cache", "purge", "--older-than", "30d"], capsys)
    assert (status, cache_event(events, "purged")["files"]) == (0, 1)
    assert not files[1].exists()
    assert len(list(iter_entries(cache))) == len(files) - 2

    status, events, _ = run_cli(["--json", "cache", "clear"], capsys)
    assert status == 0
    assert cache_event(events, "cleared")["files"] == len(files) - 2 + 1  # + the quarantined one
    status, events, _ = run_cli(["--json", "cache", "stats"], capsys)
    assert (cache_event(events, "stats")["entries"], cache_event(events, "stats")["oldest"]) == (0, None)


@pytest.mark.usefixtures("anivault_env")
def test_purge_needs_an_age_with_a_unit(capsys: pytest.CaptureFixture[str]) -> None:
    status, events, err = run_cli(["--json", "cache", "purge", "--older-than", "30"], capsys)
    assert status == exit_codes.USAGE
    assert events[-1]["fields"]["code"] == "E-USAGE"
    assert "unit" in err


def test_warm_keeps_the_cache_under_the_cap(
    downloads: Path, anivault_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cap = 20_000
    status, events, _ = run_cli(
        ["--json", "cache", "warm", "--src", str(downloads), "--cache-max-bytes", str(cap)], capsys
    )
    assert status == 0
    assert cache_event(events, "warmed")["cache_evicted"] > 0
    assert 0 < disk_usage(anivault_env / "cache") <= cap


@pytest.mark.usefixtures("anivault_env")
def test_warm_with_a_rejected_key_defers_and_says_so(
    downloads: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TMDB_API_KEY", "not-a-key")
    status, events, _ = run_cli(["--json", "cache", "warm", "--src", str(downloads)], capsys)
    warmed = cache_event(events, "warmed")
    assert status == exit_codes.TMDB_KEY
    assert warmed["deferred"] == warmed["files"] > 0
    assert warmed["error_codes"] == ["E-TMDB-KEY"]


@pytest.mark.usefixtures("anivault_env")
def test_stats_for_people(downloads: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["cache", "warm", "--src", str(downloads)], capsys)[0] == 0
    status, _events, text = run_cli(["cache", "stats"], capsys)
    assert status == 0
    assert "entries" in text
    assert "hit rate last run" in text
    assert "%" in text


def test_a_command_that_just_exits_still_writes_its_index(
    downloads: Path, tmdb_standin: Standin, tmp_path: Path
) -> None:
    """``match`` never closes the cache itself: the last index batch is written at process exit."""
    home = tmp_path / "home"
    env = {
        **os.environ,
        "ANIVAULT_HOME": str(home),
        "ANIVAULT_TMDB_BASE_URL": tmdb_standin.base_url,
        "TMDB_API_KEY": tmdb_standin.api_key,
    }
    env.pop("ANIVAULT_TMDB_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "anivault", "--json", "match", "--src", str(downloads)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    final = [e["fields"] for e in events if e["phase"] == "match" and e["event"] == "progress"][-1]
    (run,) = read_index(home / "cache").runs
    assert (run.hits, run.misses) == (final["cache_hits"], final["cache_misses"])
    assert run.misses > 0
    assert run.writes == len(list(iter_entries(home / "cache")))
