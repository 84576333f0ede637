#!/usr/bin/env bash
# README command 1: the whole job end to end on a generated sample library, against the local
# TMDB stand-in on 127.0.0.1 — no TMDB key, no internet. Everything lands in a temporary folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/anivault ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/anivault-demo.XXXXXX")"
.venv/bin/python tools/make_sample_library.py --out "$work/downloads" --manifest "$work/manifest.json"
.venv/bin/python -m tools.tmdb_standin --port 0 --portfile "$work/standin.port" --log-file "$work/standin.jsonl" &
standin=$!
trap 'kill "$standin" 2>/dev/null || true; wait "$standin" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/standin.port" ] && break; sleep 0.1; done
[ -s "$work/standin.port" ] || { echo "the TMDB stand-in did not start" >&2; exit 1; }
export ANIVAULT_HOME="$work/home"
export ANIVAULT_TMDB_BASE_URL="http://127.0.0.1:$(cat "$work/standin.port")/3"
export TMDB_API_KEY="0123456789abcdef0123456789abcdef"   # the stand-in's demo key, not a real one
export COLUMNS="${COLUMNS:-120}"
echo; echo "### 1. dry run (the default): the plan, nothing moves"
.venv/bin/anivault run --src "$work/downloads" --dst "$work/library" || true
echo; echo "### 2. the same with --apply"
.venv/bin/anivault run --src "$work/downloads" --dst "$work/library" --apply || true
echo; echo "### 3. the library now"
(cd "$work/library" && find . -type f | LC_ALL=C sort)
echo; echo "### 4. left in the downloads folder (unmatched, junk, samples)"
(cd "$work/downloads" && find . -type f | LC_ALL=C sort)
echo; echo "demo folder: $work"
