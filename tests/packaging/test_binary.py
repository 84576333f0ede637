"""The one-file executable, built with PyInstaller, behaves like the venv console script.

Runs the binary itself (the ``binary`` fixture in conftest.py builds or reuses ``dist/anivault``):
``--version``, ``--help`` and the demo's ``run`` against the TMDB stand-in on the sample library.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path

from tools.build_exe import PACKAGE_DATA_DIR, SCHEMAS_DIR
from tools.make_sample_library import generate
from tools.tmdb_standin import Standin

RUN_SECONDS = 120


def venv_console_script() -> list[str]:
    script = Path(sys.executable).with_name("anivault.exe" if sys.platform == "win32" else "anivault")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "anivault"]


def isolated_env(home: Path, extra: Mapping[str, str] = {}) -> dict[str, str]:
    """This process's environment without any AniVault or TMDB settings that could leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
    return {**env, "ANIVAULT_HOME": str(home), "COLUMNS": "200", **extra}


def run(command: list[str], *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=RUN_SECONDS,
    )


def test_version_comes_from_package_metadata(binary: Path, tmp_path: Path) -> None:
    done = run([str(binary)], "--version", env=isolated_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"anivault, version {version('anivault')}"
    assert "unknown" not in done.stdout


def test_help_lists_the_commands(binary: Path, tmp_path: Path) -> None:
    done = run([str(binary)], "--help", env=isolated_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: anivault")
    assert "run  " in done.stdout and "--json" in done.stdout


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


def test_binary_reads_the_bundled_title_index(binary: Path, tmp_path: Path) -> None:
    """importlib.resources inside the one-file build finds the index PyInstaller unpacked."""
    done = run([str(binary)], "--json", "titles", "Eureka Seven AO", env=isolated_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    (event,) = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert event["fields"]["hits"][0]["tmdb_id"] == 889
    assert event["fields"]["hits"][0]["season"] == 2
    assert "title_index.json.gz" in event["fields"]["index"]


def plan_entries(stdout: str) -> list[dict[str, object]]:
    events = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return [e["fields"] for e in events if (e["phase"], e["event"]) == ("plan", "entry")]


def planned_pairs(stdout: str) -> set[tuple[str, str]]:
    return {(str(e["source"]), str(e["target"])) for e in plan_entries(stdout)}


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_binary_plans_and_moves_exactly_like_the_venv(
    binary: Path, tmp_path: Path, tmdb_standin: Standin
) -> None:
    """The demo's two steps with the binary: the dry run plans what the venv plans, --apply does it."""
    source, library = tmp_path / "downloads", tmp_path / "library"
    generate(source)  # the demo's sample library (same default seed as tools/make_sample_library.py)
    standin = {"ANIVAULT_TMDB_BASE_URL": tmdb_standin.base_url, "TMDB_API_KEY": tmdb_standin.api_key}

    def anivault(command: list[str], home: str, *extra: str) -> subprocess.CompletedProcess[str]:
        args = ("--json", "run", "--src", str(source), "--dst", str(library), *extra)
        return run(command, *args, env=isolated_env(tmp_path / home, standin))

    venv = anivault(venv_console_script(), "home-venv")
    frozen = anivault([str(binary)], "home-binary")
    assert venv.returncode in (0, 3), venv.stderr
    assert frozen.returncode == venv.returncode, frozen.stderr
    venv_plan = planned_pairs(venv.stdout)
    assert len(venv_plan) > 100  # the sample library plans a few hundred moves
    assert planned_pairs(frozen.stdout) == venv_plan
    assert not library.exists()  # dry run by default, in the binary too

    applied = anivault([str(binary)], "home-binary", "--apply")
    assert applied.returncode == venv.returncode, applied.stderr
    assert files_under(library) == {
        str(e["target"]) for e in plan_entries(frozen.stdout) if e["status"] == "planned"
    }


def test_binary_renders_the_human_plan(binary: Path, tmp_path: Path, tmdb_standin: Standin) -> None:
    """Rich tables and progress load data modules lazily; the frozen binary must still find them."""
    source = tmp_path / "downloads"
    generate(source, series=3, movies=1)
    standin = {"ANIVAULT_TMDB_BASE_URL": tmdb_standin.base_url, "TMDB_API_KEY": tmdb_standin.api_key}
    env = isolated_env(tmp_path / "home", standin)
    done = run([str(binary)], "run", "--src", str(source), "--dst", str(tmp_path / "library"), env=env)
    assert done.returncode in (0, 3), done.stderr
    assert "Plan" in done.stdout and "planned" in done.stdout
    assert "Traceback" not in done.stderr
