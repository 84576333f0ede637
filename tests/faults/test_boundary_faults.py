"""The trust-boundary fault scenarios (``tools/faultlab/boundaries.py``, issue 23: 1, 6, 9): the
real CLI in subprocesses, real links, FIFOs, sockets and odd names, the real stand-in. Each ends
with the usual verdict (nothing lost, duplicated or half-written), its checks, and 0 files written
outside --dst and 0 taken from outside --src."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.faultlab import boundaries
from tools.faultlab.scenarios import Lab
from tools.tmdb_standin.server import Standin

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(os.name == "nt", reason="links, FIFOs, sockets, bytes names and /proc are POSIX"),
]


@pytest.fixture
def lab(tmp_path: Path, tmdb_standin: Standin) -> Lab:
    return Lab(tmp_path / "lab", tmdb_standin, series=3, movies=1)


def assert_ok(result: boundaries.BoundaryResult) -> None:
    assert result.scenario.files_checked > 0
    assert result.outside_dst == 0, "files written outside --dst"
    assert result.from_outside_src == 0, "library files taken from outside --src"
    assert result.ok, "\n".join(result.scenario.failures())


@pytest.mark.parametrize("action", ["copy", "move", "hardlink"])
def test_boundary_hostile_source_takes_nothing_from_outside(lab: Lab, action: str) -> None:
    assert_ok(boundaries.hostile_source(lab, action=action))


def test_boundary_names_not_utf8_are_planned_and_filed(lab: Lab) -> None:
    assert_ok(boundaries.odd_names(lab))


def test_boundary_library_folders_linked_out_are_refused_at_plan_and_apply(lab: Lab) -> None:
    assert_ok(boundaries.target_links_out(lab))


def test_boundary_killed_run_leaves_no_parse_worker(lab: Lab) -> None:
    assert_ok(boundaries.killed_with_workers(lab))
