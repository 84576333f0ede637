"""Fault laboratory: drive the real ``anivault`` CLI in subprocesses against real files and the real
TMDB stand-in, inject faults (signals, full disks, read-only mounts, TMDB storms), and check that no
file was lost, duplicated or half-written. Shared by ``tests/faults`` and ``bench/bench_faults.py`` so
the suite and the published table run exactly the same scenarios."""
