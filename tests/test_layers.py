"""The layer rules, read from the source with ``ast``: cli → core → services/utils, nothing upward,
and one owner of threads, queues and processes.

Each rule is checked on the real package, and each is shown to catch a breach on a small made-up
package in a temp folder, so a rule that can no longer fail would show here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "src" / "anivault"
CONCURRENCY_MODULES = frozenset({"threading", "queue", "concurrent", "multiprocessing"})
CONCURRENCY_OWNER = "anivault.core.pipeline"

CONCURRENCY_EXCEPTIONS: dict[str, str] = {
    "anivault.__main__": "multiprocessing.freeze_support(): a frozen binary's parse workers start here",
    "anivault.utils.logging": "QueueHandler/QueueListener: log records leave worker threads through a queue",
    "anivault.cli.main": "threading.excepthook: a closed pipe met by the NDJSON ticker thread ends quietly",
    "anivault.cli.render": "the NDJSON ticker thread that bounds how long a line waits in the buffer",
    "anivault.utils.spool": "a lock: the spool is written by the match threads and read by the main thread",
    "anivault.core.plan.store": "a lock around the plan's SQLite spool, shared with the match threads",
    "anivault.core.apply.journal": "a lock: one journal line at a time, whole and fsynced",
    "anivault.core.lookup.matching.matcher": "a lock around the per-run title memo shared by match threads",
}
"""Modules other than the pipeline allowed to import a concurrency module, and why. Services keep
their locks (the transport, cache and rate limiter are shared by the match threads) and are not
listed one by one."""

CLI_ENTRY_POINTS = frozenset({"anivault.__main__"})
"""The console script's entry point: it starts the CLI, so it is the one module that imports it."""


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    """The importing module, dotted."""
    target: str
    """The imported module, dotted and absolute."""
    line: int


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path) -> Iterator[Import]:
    """Every import statement of every module below ``root`` (a package folder), made absolute."""
    for path in sorted(root.rglob("*.py")):
        module = module_name(root, path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module, alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                yield Import(module, base, node.lineno)
                for alias in node.names:  # ``from anivault import cli`` imports a module too
                    yield Import(module, f"{base}.{alias.name}", node.lineno)


def _is(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(prefix + ".")


def layer_violations(root: Path) -> list[str]:
    """Every breach of the layer rules below the package folder ``root`` (named like the package)."""
    top = root.name
    entry_points = {name.replace("anivault", top, 1) for name in CLI_ENTRY_POINTS}
    found: list[str] = []
    for imp in imports_of(root):
        where = f"{imp.module}:{imp.line} imports {imp.target}"
        first = imp.target.split(".")[0]
        if _is(imp.module, f"{top}.core") and first in ("click", "rich"):
            found.append(f"core uses a UI library: {where}")
        if (
            _is(imp.target, f"{top}.cli")
            and not _is(imp.module, f"{top}.cli")
            and imp.module not in entry_points
        ):
            found.append(f"imports the CLI from below it: {where}")
        if _is(imp.module, f"{top}.services") and _is(imp.target, f"{top}.core"):
            found.append(f"services import core: {where}")
        if _is(imp.module, f"{top}.utils") and any(
            _is(imp.target, f"{top}.{layer}") for layer in ("core", "services", "cli")
        ):
            found.append(f"utils import a higher layer: {where}")
        if first in CONCURRENCY_MODULES:
            allowed = {CONCURRENCY_OWNER, *CONCURRENCY_EXCEPTIONS}
            owner = imp.module.replace(top, "anivault", 1)
            if owner not in allowed and not _is(owner, "anivault.services"):
                found.append(f"threads/queues/processes outside {CONCURRENCY_OWNER}: {where}")
    return found


def test_the_package_keeps_its_layers() -> None:
    assert layer_violations(PACKAGE_ROOT) == []


def test_every_concurrency_exception_is_still_needed() -> None:
    """An exception whose module no longer imports a concurrency module is a stale licence."""
    users = {
        imp.module for imp in imports_of(PACKAGE_ROOT) if imp.target.split(".")[0] in CONCURRENCY_MODULES
    }
    assert set(CONCURRENCY_EXCEPTIONS) <= users


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "anivault"
    for relative, text in {"__init__.py": "", **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            (root / parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "breach"),
    [
        ({"core/plan/build.py": "import rich.table\n"}, "core uses a UI library"),
        ({"core/run.py": "from click import echo\n"}, "core uses a UI library"),
        ({"core/run.py": "from anivault.cli.render import RichReporter\n"}, "imports the CLI"),
        ({"core/run.py": "from anivault import cli\n"}, "imports the CLI"),
        ({"services/tmdb/client.py": "from anivault.core.models import Match\n"}, "services import core"),
        ({"services/cache/store.py": "from ...core import models\n"}, "services import core"),
        (
            {"utils/spool.py": "from anivault.services.settings import Settings\n"},
            "utils import a higher layer",
        ),
        ({"core/lookup/scan.py": "import threading\n"}, "threads/queues/processes"),
        ({"core/apply/undo.py": "from concurrent.futures import ThreadPoolExecutor\n"}, "threads/queues"),
        ({"cli/commands/run.py": "import multiprocessing\n"}, "threads/queues/processes"),
    ],
)
def test_each_rule_catches_a_breach(tmp_path: Path, files: dict[str, str], breach: str) -> None:
    found = layer_violations(_package(tmp_path, files))
    assert any(breach in line for line in found), found


@pytest.mark.parametrize(
    "files",
    [
        {"core/pipeline.py": "import queue\nimport threading\n"},
        {"services/tmdb/transport.py": "import threading\n"},
        {"cli/app.py": "import click\nfrom anivault.core.run import run_library\n"},
        {"__main__.py": "from anivault.cli.main import main\n"},
    ],
)
def test_allowed_imports_pass(tmp_path: Path, files: dict[str, str]) -> None:
    assert layer_violations(_package(tmp_path, files)) == []
