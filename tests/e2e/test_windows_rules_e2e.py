"""Windows path rules through the whole pipeline, on any OS: ``path_rules = "windows"`` injected
into real ``run``/``organize`` invocations over real temp folders against the stand-in.

On a case-sensitive Linux disk these runs must behave as they would on NTFS: targets that differ
only by case are one file, and new episodes join a library folder whose name differs only by case.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from anivault.cli.main import main
from tools.faultlab.mounts import bind_mount, mounts_permitted, small_filesystem

SHM = Path("/dev/shm")
FRIEREN = "Frieren - Beyond Journey's End (2023)"
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def entries(stdout: str) -> dict[str, dict[str, object]]:
    """The plan's entries by source, from the NDJSON events."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return {e["fields"]["source"]: e["fields"] for e in lines if e["event"] == "entry"}


def downloads(root: Path, *names: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        (root / name).write_bytes(f"video {name}".encode())
    return root


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def case_sensitive(folder: Path) -> bool:
    probe = folder / f"case-probe-{uuid.uuid4().hex}"
    probe.touch()
    try:
        return not (folder / probe.name.upper()).exists()
    finally:
        probe.unlink()


def windows_valid(segment: str) -> bool:
    return (
        not WINDOWS_FORBIDDEN.search(segment)
        and not WINDOWS_RESERVED.match(segment)
        and not segment.endswith((".", " "))
        and len(segment.encode("utf-8")) <= 255
    )


@pytest.fixture
def windows_rules(anivault_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANIVAULT_PATH_RULES", "windows")
    return anivault_env


@pytest.mark.usefixtures("windows_rules")
def test_targets_differing_only_by_case_are_one_target_and_neither_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = downloads(
        tmp_path / "downloads",
        "[SubsPlease] Frieren - 01 (1080p).mkv",
        "[Erai-raws] frieren - 01 [720p].MKV",
        "[SubsPlease] Frieren - 02 (1080p).mkv",
    )
    before = files(source)
    library = tmp_path / "library"

    status, out, err = run_cli(
        ["--json", "run", "--src", str(source), "--dst", str(library), "--apply"], capsys
    )

    planned = entries(out)
    first = planned["[SubsPlease] Frieren - 01 (1080p).mkv"]
    second = planned["[Erai-raws] frieren - 01 [720p].MKV"]
    assert str(first["target"]).casefold() == str(second["target"]).casefold()
    assert first["status"] == second["status"] == "conflict"
    assert first["code"] == "E-ORGANIZE-CONFLICT"
    assert status == 3, err
    # Neither overwrote the other: both are still where they were, byte for byte.
    after = files(source)
    assert set(after) == {"[SubsPlease] Frieren - 01 (1080p).mkv", "[Erai-raws] frieren - 01 [720p].MKV"}
    assert all(after[name] == before[name] for name in after)
    assert list(files(library)) == [f"{FRIEREN}/Season 01/{FRIEREN} S01E02.mkv"]


def test_new_episodes_join_a_library_folder_spelled_in_another_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], windows_rules: Path
) -> None:
    library = tmp_path / "library"
    season = library / FRIEREN.lower() / "season 01"
    season.mkdir(parents=True)
    existing = season / f"{FRIEREN.lower()} s01e01.MKV"
    existing.write_bytes(b"the copy already in the library")
    source = downloads(
        tmp_path / "downloads",
        "[SubsPlease] Frieren - 01 (1080p).mkv",
        "[SubsPlease] Frieren - 02 (1080p).mkv",
    )

    status, out, _ = run_cli(
        ["--json", "run", "--src", str(source), "--dst", str(library), "--apply"], capsys
    )

    planned = entries(out)
    held = planned["[SubsPlease] Frieren - 01 (1080p).mkv"]
    assert held["status"] == "exists"
    assert held["target"] == existing.relative_to(library).as_posix()
    assert status == (3 if held["code"] else 0), "a different file at the target is reported, with its code"
    assert planned["[SubsPlease] Frieren - 02 (1080p).mkv"]["target"] == (
        f"{FRIEREN.lower()}/season 01/{FRIEREN} S01E02.mkv"
    )
    assert existing.read_bytes() == b"the copy already in the library"
    assert [p.name for p in library.iterdir()] == [FRIEREN.lower()], "no parallel folder in another case"
    assert (season / f"{FRIEREN} S01E02.mkv").read_bytes() == b"video [SubsPlease] Frieren - 02 (1080p).mkv"
    assert (source / "[SubsPlease] Frieren - 01 (1080p).mkv").exists()


@pytest.mark.usefixtures("anivault_env")
def test_posix_rules_on_a_case_sensitive_disk_keep_names_differing_by_case_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contrast: the setting, not the OS, made the run above meet the existing file."""
    if not case_sensitive(tmp_path):
        pytest.skip("this disk folds case itself (NTFS, APFS): posix rules cannot keep names apart")
    monkeypatch.setenv("ANIVAULT_PATH_RULES", "posix")
    library = tmp_path / "library"
    existing = library / FRIEREN.lower() / "season 01" / f"{FRIEREN.lower()} s01e02.MKV"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"the copy already in the library")
    source = downloads(tmp_path / "downloads", "[SubsPlease] Frieren - 02 (1080p).mkv")

    status, out, _ = run_cli(
        ["--json", "run", "--src", str(source), "--dst", str(library), "--apply"], capsys
    )

    assert status == 0
    assert entries(out)["[SubsPlease] Frieren - 02 (1080p).mkv"]["status"] == "planned"
    assert existing.read_bytes() == b"the copy already in the library"
    assert len(files(library)) == 2


@pytest.mark.usefixtures("windows_rules")
def test_forbidden_characters_and_trailing_dots_never_reach_the_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No year in the folder, so "Bakuman." would end a folder name with a dot.
    monkeypatch.setenv(
        "ANIVAULT_NAMING_TEMPLATE", "{title}/Season {season:02d}/{title} S{season:02d}{episode_token}.{ext}"
    )
    source = downloads(
        tmp_path / "downloads",
        "[SubsPlease] Bakuman. - 01 (1080p).mkv",
        "[SubsPlease] Fate Zero - 01 (1080p).mkv",
        "[SubsPlease] Is This a Zombie - 01 (1080p).mkv",
    )
    library = tmp_path / "library"

    status, out, _ = run_cli(
        ["--json", "run", "--src", str(source), "--dst", str(library), "--apply"], capsys
    )

    assert status == 0
    targets = {str(e["target"]) for e in entries(out).values()}
    assert len(targets) == 3 and {t.split("/")[0] for t in targets} >= {"Bakuman"}
    made = [p.relative_to(library) for p in library.rglob("*")]
    assert len([p for p in made if (library / p).is_file()]) == 3
    for path in made:
        assert all(windows_valid(part) for part in path.parts), path


@pytest.mark.usefixtures("windows_rules")
@pytest.mark.parametrize(
    "bad",
    ["CON.mkv", "nul.en.ass", "Show/COM1", "LPT9.txt", "Show./x.mkv", "Show /x.mkv", 'a"b.mkv', "a<b>.mkv",
     "a|b?.mkv", "a*b.mkv", "a:b.mkv", "a\x01b.mkv", "a\\b.mkv"],
)  # fmt: skip
def test_a_plan_edited_to_a_name_windows_cannot_hold_is_refused_before_anything_moves(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = downloads(tmp_path / "downloads", "[SubsPlease] Frieren - 01 (1080p).mkv")
    before = files(source)
    library = tmp_path / "library"
    plan_path = tmp_path / "plan.json"
    status, _, _ = run_cli(
        ["run", "--src", str(source), "--dst", str(library), "--plan", str(plan_path)], capsys
    )
    assert status == 0
    document = json.loads(plan_path.read_text(encoding="utf-8"))
    assert document["options"]["path_rules"] == "windows"
    document["entries"][0]["target"] = bad
    plan_path.write_text(json.dumps(document), encoding="utf-8")

    status, _, err = run_cli(["organize", "--from-plan", str(plan_path), "--apply"], capsys)

    assert status == 2 and "E-USAGE" in err
    assert files(source) == before and not library.exists()


@pytest.mark.usefixtures("windows_rules")
def test_a_plan_edited_past_the_long_path_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = downloads(tmp_path / "downloads", "[SubsPlease] Frieren - 01 (1080p).mkv")
    plan_path = tmp_path / "plan.json"
    run_cli(
        ["run", "--src", str(source), "--dst", str(tmp_path / "library"), "--plan", str(plan_path)], capsys
    )
    document = json.loads(plan_path.read_text(encoding="utf-8"))
    document["entries"][0]["target"] = "/".join(["d" * 250] * 132) + "/x.mkv"  # past 32,767 characters
    plan_path.write_text(json.dumps(document), encoding="utf-8")

    status, _, err = run_cli(["organize", "--from-plan", str(plan_path), "--apply"], capsys)

    assert status == 7 and "E-FS-LONGPATH" in err
    assert (source / "[SubsPlease] Frieren - 01 (1080p).mkv").exists()


@pytest.mark.usefixtures("windows_rules")
def test_max_path_259_keeps_every_target_within_windows_max_path_below_a_deep_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANIVAULT_MAX_PATH_CHARS", "259")
    library = tmp_path / ("d" * (185 - len(str(tmp_path))))  # a 185-character root on every OS
    source = downloads(
        tmp_path / "downloads",
        "[SubsPlease] Frieren - 01 (1080p).mkv",
        "[SubsPlease] Fate Zero - 01 (1080p).mkv",
    )
    assert len(str(library)) + 1 + len(f"{FRIEREN}/Season 01/{FRIEREN} S01E01.mkv") > 259

    status, _, _ = run_cli(["run", "--src", str(source), "--dst", str(library), "--apply"], capsys)

    assert status == 0
    moved = [p for p in library.rglob("*") if p.is_file()]
    assert len(moved) == 2
    assert all(len(str(p)) <= 259 for p in moved)
    assert any("S01E01" in p.name and p.parts[-3].endswith("(2023)") for p in moved)  # year kept


@pytest.fixture
def other_volume(tmp_path: Path) -> Iterator[Path]:
    """A fresh folder on another volume than ``tmp_path``: another drive letter on Windows (the
    runner has C: and D:), the tmpfs at ``/dev/shm`` elsewhere; skipped where there is none."""
    here = os.stat(tmp_path).st_dev
    if os.name == "nt":
        candidates = [Path(f"{letter}:\\") for letter in "CDEFGH" if f"{letter}:" != tmp_path.drive.upper()]
    else:
        candidates = [SHM]
    for candidate in candidates:
        try:
            folder = Path(tempfile.mkdtemp(dir=candidate))
        except OSError:
            continue
        if os.stat(folder).st_dev != here:
            yield folder
            shutil.rmtree(folder)
            return
        shutil.rmtree(folder)
    pytest.skip("no second volume here (tmpfs at /dev/shm, or a second drive letter)")


@pytest.mark.usefixtures("windows_rules")
def test_a_move_to_another_device_is_copied_verified_journalled_and_undone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], other_volume: Path
) -> None:
    source = downloads(other_volume / "downloads", "[SubsPlease] Frieren - 01 (1080p).mkv")
    before = files(source)
    library = tmp_path / "library"

    status, _, _ = run_cli(["run", "--src", str(source), "--dst", str(library), "--apply"], capsys)

    assert status == 0
    assert files(source) == {}
    assert list(files(library).values()) == list(before.values())
    journal = next((tmp_path / "anivault-home" / "state" / "journals").glob("*.jsonl"))
    phases = [json.loads(line)["phase"] for line in journal.read_text(encoding="utf-8").splitlines()]
    assert phases[-3:] == ["intent", "reserved", "done"]

    status, _, _ = run_cli(["organize", "--undo", str(journal)], capsys)

    assert status == 0
    assert files(source) == before
    assert files(library) == {}


def assert_refused_cross_device(entry: dict[str, object]) -> None:
    assert entry["status"] == "error"
    assert entry["code"] == "E-FS-CROSS-DEVICE"
    assert "hard links cannot cross volumes" in str(entry["note"]) and "--action copy" in str(entry["note"])


@pytest.mark.usefixtures("windows_rules")
def test_a_hardlink_to_another_volume_is_refused_per_file_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], other_volume: Path
) -> None:
    """On Windows across two drive letters; on Linux across two devices."""
    source = downloads(
        other_volume / "downloads",
        "[SubsPlease] Frieren - 01 (1080p).mkv",
        "[SubsPlease] Frieren - 01 (1080p).en.ass",
    )
    before = files(source)
    library = tmp_path / "library"
    hardlink = ["run", "--src", str(source), "--dst", str(library), "--apply", "--action", "hardlink"]

    status, out, err = run_cli(["--json", *hardlink], capsys)

    assert status == 3, err
    planned = entries(out)
    assert len(planned) == 2
    for entry in planned.values():
        assert_refused_cross_device(entry)
    assert files(source) == before
    assert not library.exists(), "not even a folder was made"

    status, out, _ = run_cli(hardlink, capsys)  # the per-series problems, for people

    assert status == 3
    unwrapped = " ".join(out.split())  # long paths wrap the console lines
    assert "E-FS-CROSS-DEVICE" in unwrapped and "hard links cannot cross volumes" in unwrapped
    assert files(source) == before and not library.exists()


@pytest.mark.usefixtures("windows_rules")
def test_a_hardlink_plan_applied_across_volumes_is_refused_at_apply_time_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], other_volume: Path
) -> None:
    """A plan file made elsewhere (or before a drive was remapped) asks for links across volumes."""
    source = downloads(other_volume / "downloads", "[SubsPlease] Frieren - 01 (1080p).mkv")
    before = files(source)
    library = tmp_path / "library"
    plan_path = tmp_path / "plan.json"
    copy_plan = ["--plan", str(plan_path), "--action", "copy"]
    status, _, _ = run_cli(["run", "--src", str(source), "--dst", str(library), *copy_plan], capsys)
    assert status == 0
    document = json.loads(plan_path.read_text(encoding="utf-8"))
    document["options"]["action"] = "hardlink"
    for entry in document["entries"]:
        entry["action"] = "hardlink"
    plan_path.write_text(json.dumps(document), encoding="utf-8")

    status, out, _ = run_cli(["--json", "organize", "--from-plan", str(plan_path), "--apply"], capsys)

    assert status == 7, "every attempted file operation failed on the file system"
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    coded = [e for e in events if e["fields"].get("code") == "E-FS-CROSS-DEVICE"]
    assert [(e["event"], e["fields"].get("status")) for e in coded] == [
        ("file", "failed"),
        ("error", None),
    ], "the file's outcome, then the run's closing error with the message"
    assert "hard links cannot cross volumes" in coded[-1]["fields"]["message"]
    assert files(source) == before
    assert not library.exists(), "refused before any folder was made"


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize("rules", ["windows", "posix"])
def test_a_hardlink_into_a_library_on_a_mounted_file_system_is_refused_at_plan_time(
    rules: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not mounts_permitted(tmp_path / "probe"):
        pytest.skip("cannot mount a tmpfs here (root only)")
    monkeypatch.setenv("ANIVAULT_PATH_RULES", rules)
    source = downloads(tmp_path / "downloads", "[SubsPlease] Frieren - 01 (1080p).mkv")
    before = files(source)
    with small_filesystem(tmp_path / "mounted", 1 << 20) as mounted:
        library = mounted / "library"

        status, out, err = run_cli(
            ["--json", "run", "--src", str(source), "--dst", str(library), "--apply", "--action", "hardlink"],
            capsys,
        )

        assert status == 3, err
        (entry,) = entries(out).values()
        assert_refused_cross_device(entry)
        assert files(source) == before
        assert not library.exists()


@pytest.mark.usefixtures("windows_rules")
def test_a_hardlink_refused_by_the_os_with_exdev_at_apply_time_fails_per_file_and_copies_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A library bind-mounted from the same disk: one ``st_dev``, so the plan cannot tell, yet Linux
    refuses links across the two mounts (EXDEV), as Windows does between two shares of one NAS."""
    if not mounts_permitted(tmp_path / "probe"):
        pytest.skip("cannot bind-mount here (root only)")
    source = downloads(
        tmp_path / "downloads",
        "[SubsPlease] Frieren - 01 (1080p).mkv",
        "[SubsPlease] Frieren - 02 (1080p).mkv",
    )
    before = files(source)
    (tmp_path / "disk").mkdir()
    with bind_mount(tmp_path / "disk", tmp_path / "mounted") as mounted:
        library = mounted / "library"

        status, out, err = run_cli(
            ["--json", "run", "--src", str(source), "--dst", str(library), "--apply", "--action", "hardlink"],
            capsys,
        )

        assert status == 7, err
        assert {e["status"] for e in entries(out).values()} == {"planned"}
        events = [json.loads(line) for line in out.splitlines() if line.strip()]
        failed = [e["fields"] for e in events if e["event"] == "file"]
        assert [(f["status"], f["code"]) for f in failed] == [("failed", "E-FS-CROSS-DEVICE")] * 2
        assert files(source) == before
        assert files(library) == {}, "no copy, no partial file: only the folders, which --undo removes"
