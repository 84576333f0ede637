"""The PyInstaller binary, built once per session (or reused when newer than every source).

A plain ``pytest`` without PyInstaller skips the packaging tests; ``tools/test.sh`` installs the
build extra and sets ``ANIVAULT_REQUIRE_BINARY=1`` so that in CI a missing PyInstaller fails
instead of silently skipping.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.build_exe import binary_path

BUILD_SECONDS = 600
REQUIRE_ENV = "ANIVAULT_REQUIRE_BINARY"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is packaging work, and a build on 2 shared cores outlasts the default timeout."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.packaging)
            item.add_marker(pytest.mark.timeout(BUILD_SECONDS))


def require_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        reason = "PyInstaller is not installed: pip install -e '.[build]' (./tools/test.sh does)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def binary() -> Path:
    require_pyinstaller()
    subprocess.run([sys.executable, "-m", "tools.build_exe", "--if-stale"], check=True, timeout=BUILD_SECONDS)
    return binary_path()
