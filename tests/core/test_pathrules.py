"""Path rule sets: chosen by the setting, roots that cannot exist on Linux, case-insensitive spelling."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tests.core.test_plan_and_organize import by_source, matched, write

from anivault.core.plan.build import build_plan
from anivault.core.plan.model import PlanOptions
from anivault.core.plan.pathrules import POSIX_RULES, WINDOWS_RULES, LibrarySpelling, rules_for
from anivault.errors import PathTooLongError


@pytest.mark.parametrize(
    ("setting", "os_name", "windows"),
    [("auto", "nt", True), ("auto", "posix", False), ("windows", "posix", True), ("posix", "nt", False)],
)
def test_the_setting_chooses_the_rules_and_auto_follows_os_name(
    setting: str, os_name: str, windows: bool
) -> None:
    assert rules_for(setting, os_name).windows is windows


def test_an_unknown_rule_set_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, windows, posix"):
        rules_for("ntfs")


@pytest.mark.parametrize("root", ["D:\\Anime", "d:/Anime", "\\\\nas\\anime", "\\\\nas\\anime\\TV"])
def test_drive_letters_and_unc_shares_are_roots_under_windows_rules(root: str) -> None:
    assert WINDOWS_RULES.pure(root).is_absolute()
    assert not POSIX_RULES.pure(root).is_absolute()  # on Linux, a relative name with backslashes in it


@pytest.mark.parametrize("root", ["Anime", "\\Anime", "D:Anime", "/mnt/anime"])
def test_paths_without_drive_and_root_are_not_windows_roots(root: str) -> None:
    assert not WINDOWS_RULES.pure(root).is_absolute()


def test_a_unc_root_keeps_server_and_share_when_a_target_is_joined() -> None:
    joined = WINDOWS_RULES.pure("\\\\nas\\anime").joinpath(
        *["Show (2020)", "Season 01", "Show (2020) S01E01.mkv"]
    )
    assert str(joined) == "\\\\nas\\anime\\Show (2020)\\Season 01\\Show (2020) S01E01.mkv"
    assert joined.anchor == "\\\\nas\\anime\\"


@pytest.mark.parametrize(
    ("root", "prefix"), [("D:\\Anime", "\\\\?\\D:\\Anime\\"), ("\\\\nas\\anime", "\\\\?\\UNC\\nas\\anime\\")]
)
def test_targets_past_max_path_take_the_long_path_form_under_windows_rules(root: str, prefix: str) -> None:
    long_target = "/".join(["S" * 200, "Season 01", "E" * 100 + ".mkv"])
    full = str(WINDOWS_RULES.pure(root).joinpath(*long_target.split("/")))
    assert len(full) > 260
    assert WINDOWS_RULES.os_form(full).startswith(prefix)
    WINDOWS_RULES.check_reachable(full)  # reachable in its long form: no error
    short = str(WINDOWS_RULES.pure(root) / "x.mkv")
    assert WINDOWS_RULES.os_form(short) == short


def test_targets_no_long_form_can_reach_are_refused() -> None:
    too_long = "\\".join(["d" * 250] * 132)
    with pytest.raises(PathTooLongError):
        WINDOWS_RULES.check_reachable("D:\\Anime\\" + too_long)
    with pytest.raises(PathTooLongError):
        WINDOWS_RULES.check_reachable("Anime\\" + "d" * 300)  # relative, past 259: no prefix helps
    with pytest.raises(PathTooLongError):
        POSIX_RULES.check_reachable("/srv/anime/" + "/".join(["d" * 250] * 17))  # past PATH_MAX


def test_a_posix_mount_under_windows_rules_has_the_posix_limit() -> None:
    """A plan made on Linux for a share Windows serves: its ``/…`` root is not a Windows path."""
    WINDOWS_RULES.check_reachable("/srv/anime/" + "/".join(["d" * 200, "e" * 100]))
    with pytest.raises(PathTooLongError):
        WINDOWS_RULES.check_reachable("/srv/anime/" + "/".join(["d" * 250] * 17))
    with pytest.raises(PathTooLongError):
        WINDOWS_RULES.check_reachable("//nas/anime/" + "/".join(["d" * 250] * 132))  # UNC, not POSIX


def test_library_spelling_takes_the_case_on_disk_then_the_case_first_planned(tmp_path: Path) -> None:
    write(tmp_path / "show (2020)" / "season 01" / "show (2020) s01e01.MKV", b"old")
    spelling = LibrarySpelling()
    new = spelling.spelled(tmp_path, "Show (2020)/Season 01/Show (2020) S01E02.mkv")
    assert new == "show (2020)/season 01/Show (2020) S01E02.mkv"
    taken = spelling.spelled(tmp_path, "SHOW (2020)/Season 01/Show (2020) S01E01.mkv")
    assert taken == "show (2020)/season 01/show (2020) s01e01.MKV"
    assert spelling.spelled(tmp_path, "New (2021)/a.mkv") == "New (2021)/a.mkv"
    assert spelling.spelled(tmp_path, "NEW (2021)/b.mkv") == "New (2021)/b.mkv"


@pytest.mark.parametrize(("rules", "status"), [(WINDOWS_RULES, "exists"), (POSIX_RULES, "planned")])
def test_a_file_in_the_library_differing_only_by_case_is_met_under_windows_rules(
    tmp_path: Path, rules: object, status: str
) -> None:
    library = tmp_path / "library"
    existing = write(library / "frieren (2023)" / "season 01" / "FRIEREN (2023) s01e01.MKV", b"other bytes")
    if (library / "Frieren (2023)").exists():
        pytest.skip("this disk folds case itself: both rule sets meet the file")
    item = matched(tmp_path / "downloads", "Frieren - 01.mkv")
    plan = build_plan([item], library, PlanOptions(path_rules=rules))  # type: ignore[arg-type]
    entry = by_source(plan)["Frieren - 01.mkv"]
    assert entry.status == status
    if rules is WINDOWS_RULES:
        assert entry.target == existing
    else:
        assert entry.target.name == "Frieren (2023) S01E01.mkv"


def test_an_entry_is_spelled_below_its_own_root(tmp_path: Path) -> None:
    """Series and movies have different roots: each entry's root is read from the entry itself."""
    item = matched(tmp_path / "downloads", "Frieren - 01.mkv")
    (entry,) = build_plan([item], tmp_path / "series", PlanOptions(path_rules=POSIX_RULES)).entries
    movies = tmp_path / "movies"
    (movies / "frieren (2023)").mkdir(parents=True)
    elsewhere = replace(entry, target=movies.joinpath(*entry.relative_target.split("/")))
    respelled = LibrarySpelling().respelled(elsewhere)
    assert respelled.target == movies / "frieren (2023)" / "Season 01" / "Frieren (2023) S01E01.mkv"
    assert respelled.relative_target == "frieren (2023)/Season 01/Frieren (2023) S01E01.mkv"
