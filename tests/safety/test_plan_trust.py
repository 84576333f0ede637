"""Reproductions 2 and 8 at the plan file: a plan is untrusted input, checked before anything
moves — as fixed cases and as properties over generated source paths."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.core.test_plan_and_organize import matched

from anivault.core.plan.build import build_plan
from anivault.core.plan.planfile import read_plan, write_plan
from anivault.errors import PlanUntrustedError


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    source, library = tmp_path / "downloads", tmp_path / "library"
    items = [matched(source, f"a/Frieren - {n:02d}.mkv", episode=n) for n in (1, 2)]
    path = tmp_path / "plan.json"
    write_plan(build_plan(items, library, source_root=source), path)
    return path


def edited(path: Path, change: Any) -> Path:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_an_unedited_plan_is_accepted_with_its_own_roots(plan_path: Path, tmp_path: Path) -> None:
    plan = read_plan(plan_path, source_root=tmp_path / "downloads", target_root=tmp_path / "library")
    assert len(plan.actionable()) == 2


@pytest.mark.parametrize(
    ("label", "change"),
    [
        ("null fingerprint", lambda d: d["entries"][0].update(fingerprint=None)),
        ("source outside", lambda d: d["entries"][0].update(source="/etc/hostname")),
        ("source via ..", lambda d: d["entries"][0].update(source=d["source_root"] + "/../../etc/hostname")),
        ("relative source", lambda d: d["entries"][0].update(source="a/Frieren - 01.mkv")),
        ("one id twice", lambda d: d["entries"][1].update(id=d["entries"][0]["id"])),
        ("no source root", lambda d: d.update(source_root=None)),
        ("relative target root", lambda d: d.update(target_root="library")),
    ],
)
def test_a_plan_breaking_a_trust_rule_is_refused(plan_path: Path, label: str, change: Any) -> None:
    with pytest.raises(PlanUntrustedError) as caught:
        read_plan(edited(plan_path, change))
    assert caught.value.code == "E-PLAN-UNTRUSTED", label


def test_roots_other_than_src_and_dst_are_refused(plan_path: Path, tmp_path: Path) -> None:
    with pytest.raises(PlanUntrustedError, match="target_root"):
        read_plan(plan_path, target_root=tmp_path / "elsewhere")
    with pytest.raises(PlanUntrustedError, match="source_root"):
        read_plan(plan_path, source_root=Path("/"))


def test_a_movie_root_other_than_the_trusted_one_is_refused(plan_path: Path, tmp_path: Path) -> None:
    """Movies are written to the plan's movie root, so it is held like the other roots: an edited
    one is refused, the trusted one (the default beside the library) is accepted."""
    default = tmp_path / "Movies"
    assert read_plan(plan_path, movies_root=default).options.movies_root == default
    moved = edited(plan_path, lambda d: d["options"].update(movies_root=str(tmp_path / "elsewhere")))
    with pytest.raises(PlanUntrustedError, match="movies_root"):
        read_plan(moved, movies_root=default)


SEGMENTS = st.sampled_from(["a", "b", "..", ".", "", "downloads", "etc", "x y"])


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(SEGMENTS, min_size=1, max_size=6), absolute=st.booleans())
def test_a_source_is_accepted_only_when_it_plainly_lies_under_the_source_root(
    plan_path: Path, parts: list[str], absolute: bool
) -> None:
    document = json.loads(plan_path.read_text(encoding="utf-8"))
    root = document["source_root"]
    text = ("/" if absolute else root + "/") + "/".join(parts)
    document["entries"][0]["source"] = text
    trial = plan_path.with_name("trial.json")
    trial.write_text(json.dumps(document), encoding="utf-8")
    read = str(Path(text))  # what the plan holds once read: pathlib drops "." and doubled "/"
    inside = os.path.normpath(read) == read and read.startswith(root + "/")
    if inside:
        assert read_plan(trial).actionable()[0].source == Path(text)
    else:
        with pytest.raises(PlanUntrustedError):
            read_plan(trial)
