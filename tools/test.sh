#!/usr/bin/env bash
# README command 2: install everything from scratch into .venv, then lint, type-check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev,build]'
# The build extra brings PyInstaller: tests/packaging builds the one-file binary and runs it.
# Here a missing PyInstaller must fail those tests, not skip them (a plain pytest skips).
export ANIVAULT_REQUIRE_BINARY=1
echo "== ruff"; .venv/bin/ruff check src tests tools bench
echo "== ruff format"; .venv/bin/ruff format --check src tests tools bench
echo "== mypy"; .venv/bin/mypy
# The GitHub workflow cannot run here; actionlint (with shellcheck for its bash steps) is its check.
if [ "$(uname -s)" = Darwin ]; then
  echo "== actionlint: skipped (no macOS build in the dev extra; the Linux and Windows jobs run it)"
else
  echo "== actionlint"; PATH="$PWD/.venv/bin:$PATH" .venv/bin/actionlint
fi
echo "== pytest"; .venv/bin/python -m pytest --cov=anivault --cov-report=term --cov-fail-under=80 "$@"
