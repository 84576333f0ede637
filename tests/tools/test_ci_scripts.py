"""tools/test.sh and its Windows twin tools/test.ps1 stay in step, and the workflow calls what exists.

The GitHub workflow cannot run on the development machines; actionlint (a step of both scripts)
checks its syntax and expressions, these tests check that it names our real scripts.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from tools.build_exe import ROOT

TEST_SH = ROOT / "tools" / "test.sh"
TEST_PS1 = ROOT / "tools" / "test.ps1"
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
STEP = re.compile(r"^\s*(?:echo|Write-Host) ['\"]== ([\w ]+)['\"]", re.MULTILINE)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_both_scripts_run_the_same_steps_in_the_same_order() -> None:
    steps = STEP.findall(read(TEST_SH))
    assert steps == ["ruff", "ruff format", "mypy", "actionlint", "pytest"]
    assert STEP.findall(read(TEST_PS1)) == steps


def test_both_scripts_install_the_same_extras_and_require_the_binary() -> None:
    sh, ps1 = read(TEST_SH), read(TEST_PS1)
    assert "-e '.[dev,build]'" in sh and "-e '.[dev,build]'" in ps1
    assert "export ANIVAULT_REQUIRE_BINARY=1" in sh
    assert "$env:ANIVAULT_REQUIRE_BINARY = '1'" in ps1
    pytest_args = "-m pytest --cov=anivault --cov-report=term --cov-fail-under=80"
    assert pytest_args in sh and pytest_args in ps1


def test_workflow_runs_the_local_scripts() -> None:
    workflow = read(WORKFLOW)
    assert "run: ./tools/test.sh" in workflow
    assert "run: ./tools/test.ps1" in workflow
    modules = set(re.findall(r"python -m (tools\.\w+)", workflow))
    assert modules == {"tools.build_exe", "tools.release", "tools.smoke_binary"}
    for module in modules:
        assert importlib.util.find_spec(module) is not None, module
