"""``python -m tools.tmdb_standin --port 0 --portfile F``: serve until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

from tools.tmdb_standin.catalog import DEFAULT_CATALOG, Catalog
from tools.tmdb_standin.server import DEFAULT_API_KEY, DEFAULT_BEARER, Knobs, Standin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.tmdb_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--portfile", type=Path)
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--bearer-token", default=DEFAULT_BEARER)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--fail-nth", default="", help="comma-separated request ordinals to fail")
    parser.add_argument("--fail-status", type=int, default=429)
    parser.add_argument("--retry-after", default="1")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log-file", type=Path)
    args = parser.parse_args(argv)
    knobs = Knobs(
        rate=args.rate,
        burst=args.burst,
        fail_nth=frozenset(int(n) for n in args.fail_nth.split(",") if n),
        fail_status=args.fail_status,
        retry_after=int(args.retry_after) if args.retry_after.isdigit() else args.retry_after,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        seed=args.seed,
    )
    standin = Standin(
        Catalog.load(args.catalog),
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        bearer=args.bearer_token,
        knobs=knobs,
        log_file=args.log_file,
    ).start()
    if args.portfile:
        tmp = args.portfile.with_name(args.portfile.name + ".tmp")
        tmp.write_text(str(standin.port), encoding="utf-8")
        os.replace(tmp, args.portfile)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    done.wait()
    standin.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
