"""The one-file executable, built with PyInstaller, behaves like the venv console script.

Runs the binary itself (the ``binary`` fixture in conftest.py builds or reuses ``dist/anivault``).
``tools/smoke_binary.py`` holds the user-facing checks (``--version``, ``--help``, dry run, apply,
undo) so that CI runs the very same script on every binary it builds.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tools.build_exe import PACKAGE_DATA_DIR, SCHEMAS_DIR
from tools.make_sample_library import generate
from tools.smoke_binary import RUN_SECONDS, Done, plan_entries, smoke, user_env
from tools.tmdb_standin import Standin


def venv_console_script() -> list[str]:
    script = Path(sys.executable).with_name("anivault.exe" if sys.platform == "win32" else "anivault")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "anivault"]


def test_smoke_script_passes_on_the_binary(binary: Path) -> None:
    passed: list[str] = []
    smoke(binary, log=passed.append)
    assert [line.split(":")[0] for line in passed] == [
        "ok  --version",
        "ok  --help",
        "ok  dry run for people",
        "ok  --json dry run",
        "ok  --apply",
        "ok  --undo",
    ]


def test_binary_carries_our_metadata_and_schemas(binary: Path) -> None:
    """PyInstaller cannot see these through imports; the build copies them explicitly."""
    from PyInstaller.archive.readers import CArchiveReader

    packed = set(CArchiveReader(str(binary)).toc)
    assert f"anivault-{version('anivault')}.dist-info/METADATA" in packed
    schemas = sorted(SCHEMAS_DIR.rglob("*")) if SCHEMAS_DIR.is_dir() else []
    for schema in (p for p in schemas if p.is_file()):
        assert f"schemas/{schema.relative_to(SCHEMAS_DIR).as_posix()}" in packed
    assert "anivault/data/title_index.json.gz" in packed
    assert {f"anivault/data/{p.name}" for p in PACKAGE_DATA_DIR.iterdir() if p.is_file()} <= packed


def titles_event(binary: Path, home: Path, title: str) -> dict[str, Any]:
    """The one ``titles`` event the binary prints for ``title`` (status 0 asserted)."""
    done = subprocess.run(
        [str(binary), "--json", "titles", title],
        env=user_env(home, {}),
        capture_output=True,
        encoding="utf-8",
        timeout=RUN_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (event,) = Done(done.returncode, done.stdout, done.stderr).events()
    return event


def test_binary_reads_the_bundled_title_index(binary: Path, tmp_path: Path) -> None:
    """importlib.resources inside the one-file build finds the index PyInstaller unpacked."""
    event = titles_event(binary, tmp_path / "home", "Eureka Seven AO")
    assert event["fields"]["hits"][0]["tmdb_id"] == 889
    assert event["fields"]["hits"][0]["season"] == 2
    assert "title_index.json.gz" in event["fields"]["index"]


def test_binary_folds_chinese_scripts_with_the_bundled_dictionaries(binary: Path, tmp_path: Path) -> None:
    """OpenCC reads its dictionaries from files next to its extension: a missing one would fail
    on the first Chinese title. The catalog knows this series in Simplified only."""
    hit = titles_event(binary, tmp_path / "home", "吹響吧！上低音號")["fields"]["hits"][0]
    assert (hit["tmdb_id"], hit["title"], hit["similarity"]) == (62564, "吹响吧！上低音号", 1.0)


def test_binary_plans_exactly_like_the_venv(binary: Path, tmp_path: Path, tmdb_standin: Standin) -> None:
    source, library = tmp_path / "downloads", tmp_path / "library"
    generate(source)  # the demo's sample library (same default seed as tools/make_sample_library.py)
    standin = {"ANIVAULT_TMDB_BASE_URL": tmdb_standin.base_url, "TMDB_API_KEY": tmdb_standin.api_key}

    def planned_by(command: list[str], home: str) -> tuple[int, set[tuple[str, str]]]:
        done = subprocess.run(
            [*command, "--json", "run", "--src", str(source), "--dst", str(library)],
            env=user_env(tmp_path / home, standin),
            capture_output=True,
            encoding="utf-8",
            timeout=RUN_SECONDS,
            check=False,
        )
        entries = plan_entries(Done(done.returncode, done.stdout, done.stderr).events())
        return done.returncode, {(str(e["source"]), str(e["target"])) for e in entries}

    venv_status, venv_plan = planned_by(venv_console_script(), "home-venv")
    frozen_status, frozen_plan = planned_by([str(binary)], "home-binary")
    assert venv_status in (0, 3)
    assert frozen_status == venv_status
    assert len(venv_plan) > 100  # the sample library plans a few hundred moves
    assert frozen_plan == venv_plan
