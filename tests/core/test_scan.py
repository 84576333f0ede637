"""Scanning a real tree: sidecar pairing, what is skipped and why, order, symlinks, permissions."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anivault.core.lookup import scan as scan_module
from anivault.core.lookup.scan import (
    ListedVideo,
    ScanFilter,
    expand_folder,
    list_videos,
    scan_tree,
    walk_folders,
)
from anivault.core.models import FolderListing, ScannedFile, Skipped

NOBODY = 65534


def make(root: Path, *relatives: str) -> None:
    for relative in relatives:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(relative.encode("utf-8"))


def scan(root: Path, **kwargs: Path | ScanFilter) -> tuple[dict[str, ScannedFile], dict[str, Skipped]]:
    files: dict[str, ScannedFile] = {}
    skipped: dict[str, Skipped] = {}
    for item in scan_tree(root, **kwargs):
        if isinstance(item, ScannedFile):
            files[item.relative] = item
        else:
            skipped[item.path.relative_to(root).as_posix()] = item
    return files, skipped


def test_sidecars_pair_by_stem(tmp_path: Path) -> None:
    make(tmp_path, "X.mkv", "X.en.ass", "X.ass", "X.jpn.forced.srt", "Y.ass")
    files, skipped = scan(tmp_path)
    assert list(files) == ["X.mkv"]
    sidecars = {Path(s.path).name: s.tail for s in files["X.mkv"].sidecars}
    assert sidecars == {"X.en.ass": ".en.ass", "X.ass": ".ass", "X.jpn.forced.srt": ".jpn.forced.srt"}
    assert all(Path(s.path).parent == tmp_path for s in files["X.mkv"].sidecars)
    assert skipped["Y.ass"].reason == "sidecar without a matching video"


def test_longest_stem_owns_the_sidecar(tmp_path: Path) -> None:
    make(tmp_path, "Show.mkv", "Show.part2.mkv", "Show.part2.en.ass")
    files, _ = scan(tmp_path)
    assert [Path(s.path).name for s in files["Show.part2.mkv"].sidecars] == ["Show.part2.en.ass"]
    assert files["Show.mkv"].sidecars == ()


def test_sidecars_do_not_pair_across_folders(tmp_path: Path) -> None:
    make(tmp_path, "a/X.mkv", "b/X.ass")
    files, skipped = scan(tmp_path)
    assert files["a/X.mkv"].sidecars == ()
    assert "b/X.ass" in skipped


def test_scanned_file_is_the_listed_path_and_the_listing_adds_its_size(tmp_path: Path) -> None:
    make(tmp_path, "Show - 01.mkv", "Show - 01.en.ass")
    files, _ = scan(tmp_path)
    assert files["Show - 01.mkv"].path == str(tmp_path / "Show - 01.mkv")
    listed = [item for item in list_videos(tmp_path) if isinstance(item, ListedVideo)]
    assert [(v.scanned, v.size) for v in listed] == [(files["Show - 01.mkv"], len(b"Show - 01.mkv"))]


def test_the_listing_reports_a_video_gone_before_its_size_was_read(tmp_path: Path) -> None:
    make(tmp_path, "A - 01.mkv", "B - 01.mkv")
    items = list_videos(tmp_path)
    first = next(items)
    (tmp_path / "B - 01.mkv").unlink()  # the folder was listed already: B is gone before its stat
    rest = list(items)
    assert isinstance(first, ListedVideo) and first.scanned.relative == "A - 01.mkv"
    assert [(type(i), getattr(i, "code", None)) for i in rest] == [(Skipped, "E-FS")]


@pytest.mark.parametrize("junk", ["notes.txt", "Show - 01.mkv.part", "Thumbs.db", "desktop.ini", "cover.jpg"])
def test_junk_is_skipped_with_a_reason(tmp_path: Path, junk: str) -> None:
    make(tmp_path, "Show - 01.mkv", junk)
    files, skipped = scan(tmp_path)
    assert list(files) == ["Show - 01.mkv"]
    assert files["Show - 01.mkv"].sidecars == ()
    assert skipped[junk].reason == "not a video"
    assert skipped[junk].code is None


def test_sample_folder_is_skipped_and_not_descended(tmp_path: Path) -> None:
    make(tmp_path, "Show/Show - 01.mkv", "Show/Sample/sample-01.mkv", "Show/samples/x.mkv")
    files, skipped = scan(tmp_path)
    assert list(files) == ["Show/Show - 01.mkv"]
    assert skipped["Show/Sample"].reason == "sample folder"
    assert skipped["Show/samples"].reason == "sample folder"
    assert "Show/Sample/sample-01.mkv" not in skipped


@pytest.mark.parametrize("name", ["Show sample.mkv", "show-sample.mkv", "sample.mkv", "Show [Sample].mkv"])
def test_sample_videos_are_skipped(tmp_path: Path, name: str) -> None:
    make(tmp_path, name)
    files, skipped = scan(tmp_path)
    assert files == {}
    assert skipped[name].reason == "sample video"


@pytest.mark.parametrize("name", ["sample-show.s01e04.mkv", "show.s01e04.sample.720p.mkv"])
def test_sample_marked_at_the_start_or_between_dots_is_skipped(tmp_path: Path, name: str) -> None:
    make(tmp_path, name)
    files, skipped = scan(tmp_path)
    assert files == {}
    assert skipped[name].reason == "sample video"


def test_title_word_sample_is_not_a_sample_file(tmp_path: Path) -> None:
    make(tmp_path, "[Group] Show Sample - 10 [1080p].mkv")
    files, skipped = scan(tmp_path)
    assert (list(files), skipped) == (["[Group] Show Sample - 10 [1080p].mkv"], {})


@pytest.mark.parametrize(
    "extension", [".rmvb", ".ogm", ".divx", ".m2ts", ".ts", ".wmv", ".flv", ".webm", ".3gp", ".mpg", ".RMVB"]
)
def test_real_video_extensions_are_videos(tmp_path: Path, extension: str) -> None:
    make(tmp_path, f"Show - 01{extension}")
    files, skipped = scan(tmp_path)
    assert (list(files), skipped) == ([f"Show - 01{extension}"], {})


def test_a_title_merely_containing_sample_is_kept(tmp_path: Path) -> None:
    make(tmp_path, "Samples of Life - 01.mkv", "Resample - 02.mkv")
    files, _ = scan(tmp_path)
    assert sorted(files) == ["Resample - 02.mkv", "Samples of Life - 01.mkv"]


def test_order_is_deterministic_and_sorted(tmp_path: Path) -> None:
    names = ["b/02.mkv", "b/01.mkv", "a/z.mkv", "a/c/01.mkv", "top.mkv", "A/1.mkv"]
    make(tmp_path, *names)
    first = [item.relative for item in scan_tree(tmp_path) if isinstance(item, ScannedFile)]
    second = [item.relative for item in scan_tree(tmp_path) if isinstance(item, ScannedFile)]
    assert first == second
    # Pre-order: a directory's own files first, then its subdirectories in name order (A < a < b).
    assert first == ["top.mkv", "A/1.mkv", "a/z.mkv", "a/c/01.mkv", "b/01.mkv", "b/02.mkv"]


def test_exclude_is_not_descended(tmp_path: Path) -> None:
    make(tmp_path, "Show - 01.mkv", "Library/Show/Season 01/Show S01E01.mkv", "Library/junk.txt")
    files, skipped = scan(tmp_path, exclude=tmp_path / "Library")
    assert list(files) == ["Show - 01.mkv"]
    assert not any(key.startswith("Library") for key in skipped)


def test_exclude_works_for_a_relative_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, "downloads/Show - 01.mkv", "downloads/Library/Show/Season 01/Show S01E01.mkv")
    monkeypatch.chdir(tmp_path)
    files, _ = scan(Path("downloads"), exclude=(tmp_path / "downloads" / "Library").resolve())
    assert list(files) == ["Show - 01.mkv"]


def test_directory_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    make(tmp_path, "Show/Show - 01.mkv")
    (tmp_path / "Show" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "elsewhere").symlink_to(tmp_path / "Show", target_is_directory=True)
    files, skipped = scan(tmp_path)
    assert list(files) == ["Show/Show - 01.mkv"]
    assert skipped["Show/loop"].reason == "symbolic link to a folder, not followed"
    assert skipped["elsewhere"].reason == "symbolic link to a folder, not followed"


def test_relative_paths_are_posix(tmp_path: Path) -> None:
    make(tmp_path, "Show [1080p]/Season 1/Show - 01.mkv")
    files, _ = scan(tmp_path)
    assert list(files) == ["Show [1080p]/Season 1/Show - 01.mkv"]
    assert "\\" not in next(iter(files))


def test_empty_tree_yields_nothing(tmp_path: Path) -> None:
    assert list(scan_tree(tmp_path)) == []


def test_every_video_is_accounted_for_when_stems_repeat(tmp_path: Path) -> None:
    make(tmp_path, "X.mkv", "X.mp4")
    files, skipped = scan(tmp_path)
    assert set(files) | set(skipped) == {"X.mkv", "X.mp4"}


# --- unreadable directories --------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="Windows: mode bits do not make a folder unreadable")
def test_unreadable_directory_is_skipped_with_perm_code(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores permission bits; see the privilege-dropping variant below")
    make(tmp_path, "ok/Show - 01.mkv", "locked/Show - 02.mkv")
    (tmp_path / "locked").chmod(0)
    try:
        files, skipped = scan(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert list(files) == ["ok/Show - 01.mkv"]
    assert skipped["locked"].code == "E-FS-PERM"
    assert skipped["locked"].reason == "directory not readable"


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="Windows: no root to drop from, no mode bits")
def test_unreadable_directory_as_an_unprivileged_user(tmp_path: Path) -> None:
    """As root, drop to ``nobody`` in a child process so the kernel really refuses the listing."""
    if os.geteuid() != 0:
        pytest.skip("covered directly by the test above when not root")
    make(tmp_path, "src/ok/Show - 01.mkv", "src/locked/Show - 02.mkv")
    (tmp_path / "src" / "locked").chmod(0)
    tmp_path.chmod(0o711)  # pytest makes it 0700; nobody must be able to resolve paths from it
    # The child enters tmp_path while still root (its parents are root-only), then drops.
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from anivault.core.models import ScannedFile
        from anivault.core.lookup.scan import ListedVideo, list_videos, scan_tree
        os.chdir({str(tmp_path)!r})
        os.setgroups([]); os.setgid({NOBODY}); os.setuid({NOBODY})
        for item in scan_tree(Path("src")):
            where = item.relative if isinstance(item, ScannedFile) else item.path
            print(type(item).__name__, where, getattr(item, "code", ""), sep="|")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.splitlines())
    assert lines == ["ScannedFile|ok/Show - 01.mkv|", "Skipped|src/locked|E-FS-PERM"]


def test_a_file_where_a_directory_is_expected_is_skipped_not_fatal(tmp_path: Path) -> None:
    make(tmp_path, "Show - 01.mkv")
    items = list(scan_tree(tmp_path / "Show - 01.mkv"))
    assert items == [Skipped(tmp_path / "Show - 01.mkv", "directory not listable (Not a directory)", "E-FS")]


def test_a_missing_root_is_skipped_not_fatal(tmp_path: Path) -> None:
    items = list(scan_tree(tmp_path / "gone"))
    assert len(items) == 1
    assert isinstance(items[0], Skipped)
    assert items[0].code == "E-FS"


def test_a_run_receives_one_listing_per_folder_with_sorted_names(tmp_path: Path) -> None:
    make(tmp_path, "A/b - 02.mkv", "A/b - 01.mkv", "A/b - 01.ass", "A/notes.txt", "B/c.mp4", "empty/x/y.mkv")
    listings = [item for item in walk_folders(tmp_path) if isinstance(item, FolderListing)]
    assert [(item.prefix, item.videos, item.others) for item in listings] == [
        ("A/", ("b - 01.mkv", "b - 02.mkv"), ("b - 01.ass", "notes.txt")),
        ("B/", ("c.mp4",), ()),
        ("empty/x/", ("y.mkv",), ()),
    ]
    assert listings[0].directory == os.path.join(tmp_path, "A", "")
    assert listings[0].fonts is None


def test_a_big_folder_comes_in_slices_that_pair_sidecars_as_the_whole_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    videos = [f"Show - {n:02d}.mkv" for n in range(1, 8)] + ["Show - 07.part2.mkv"]
    others = ["Show - 01.en.ass", "Show - 07.part2.ass", "Show - 07.ass", "readme.txt", "Show - 06.srt"]
    make(tmp_path, *videos, *others)
    whole = list(scan_tree(tmp_path))
    monkeypatch.setattr(scan_module, "FOLDER_SLICE", 3)
    listings = list(walk_folders(tmp_path))
    assert [len(item.videos) for item in listings if isinstance(item, FolderListing)] == [3, 3, 2]
    assert sorted(map(repr, scan_tree(tmp_path))) == sorted(map(repr, whole))
    files, _ = scan(tmp_path)
    assert [s.tail for s in files["Show - 07.part2.mkv"].sidecars] == [".ass"]
    assert [s.tail for s in files["Show - 07.mkv"].sidecars] == [".ass"]


@settings(max_examples=60, deadline=None)
@given(
    stems=st.lists(st.text("ab.", min_size=1, max_size=4), min_size=1, max_size=12),
    tails=st.lists(st.sampled_from([".ass", ".en.ass", ".srt", ".b.srt", ".nfo", ".txt"]), max_size=12),
    slice_size=st.integers(1, 4),
)
def test_slicing_never_changes_what_a_folder_expands_to(
    stems: list[str], tails: list[str], slice_size: int
) -> None:
    videos = sorted({f"{stem}.mkv" for stem in stems} | {f"{stem}.mp4" for stem in stems[:2]})
    others = sorted({f"{stem}{tail}" for stem, tail in zip(stems * 2, tails, strict=False)} | {"x.txt"})
    subs = sorted({f"Subs/{stem}/2_English.srt" for stem in stems[:3]} | {"Subs/a.txt"})
    if len(videos) > slice_size:  # as the walk slices: a lone video would own Subs/English.srt
        subs.append("Subs/English.srt")
    whole = FolderListing("/d/", "", tuple(videos), tuple(others), subs=tuple(subs))
    original = scan_module.FOLDER_SLICE
    scan_module.FOLDER_SLICE = slice_size
    try:
        pieces = list(scan_module._slices("/d/", "", videos, others, None, subs))
    finally:
        scan_module.FOLDER_SLICE = original
    slices = [piece for piece in pieces if isinstance(piece, FolderListing)]
    assert all(len(piece.videos) <= slice_size for piece in slices)
    expanded = [p for p in pieces if isinstance(p, Skipped)]
    expanded += [item for piece in slices for item in expand_folder(piece)]
    assert sorted(map(repr, expanded)) == sorted(map(repr, expand_folder(whole)))


def test_a_folders_fonts_subfolder_is_named_on_its_videos(tmp_path: Path) -> None:
    make(tmp_path, "batch/Show - 01.mkv", "batch/FONTS/a.ttf", "plain/Show - 02.mkv", "plain/Extras/x.txt")
    files, skipped = scan(tmp_path)
    assert (files["batch/Show - 01.mkv"].fonts, files["plain/Show - 02.mkv"].fonts) == ("FONTS", None)
    assert skipped["batch/FONTS/a.ttf"].reason == "not a video"


def test_a_filter_keeps_only_the_selected_extensions_and_reports_the_rest(tmp_path: Path) -> None:
    make(tmp_path, "Show - 01.mkv", "Show - 02.mp4", "Show - 03.avi", "Show - 01.en.ass")

    files, skipped = scan(tmp_path, select=ScanFilter(extensions=frozenset({".mkv", ".mp4"})))

    assert sorted(files) == ["Show - 01.mkv", "Show - 02.mp4"]
    assert files["Show - 01.mkv"].sidecars[0].tail == ".en.ass"
    assert skipped["Show - 03.avi"].reason == "extension not selected"


def test_exclude_globs_match_names_at_any_depth_and_relative_paths(tmp_path: Path) -> None:
    make(
        tmp_path,
        "Show - 01.mkv",
        "Show - 02.mkv.part",
        "Show/Specials/Show - SP1.mkv",
        "Show/Season 2/Show - 13.mkv",
        "Show/Season 1/Show - 01.mkv",
        "Other/Season 2/Other - 13.mkv",
    )

    files, skipped = scan(tmp_path, select=ScanFilter(exclude=("*.part", "Specials", "Show/Season 2*")))

    assert sorted(files) == ["Other/Season 2/Other - 13.mkv", "Show - 01.mkv", "Show/Season 1/Show - 01.mkv"]
    assert skipped["Show/Specials"].reason == "excluded (matches 'Specials')"
    assert skipped["Show/Season 2"].reason == "excluded (matches 'Show/Season 2*')"
    assert skipped["Show - 02.mkv.part"].reason == "excluded (matches '*.part')"
    assert not any(key.startswith(("Show/Specials/", "Show/Season 2/")) for key in skipped)  # not descended


def test_an_excluded_video_is_reported_where_a_run_walks_too(tmp_path: Path) -> None:
    make(tmp_path, "a/Show - 01.mkv", "a/Show - 02.mkv")

    walked = list(walk_folders(tmp_path, select=ScanFilter(exclude=("*02*",))))

    assert [item.reason for item in walked if isinstance(item, Skipped)] == ["excluded (matches '*02*')"]
    assert [item.videos for item in walked if isinstance(item, FolderListing)] == [("Show - 01.mkv",)]


# --- Subs/ folders ---------------------------------------------------------------------------------


def test_a_subs_folder_per_video_pairs_each_subtitle_with_its_video(tmp_path: Path) -> None:
    make(
        tmp_path,
        "S1/Show.S01E01.mkv",
        "S1/Show.S01E02.mkv",
        "S1/Subs/Show.S01E01/2_English.srt",
        "S1/Subs/Show.S01E01/3_English.srt",
        "S1/Subs/Show.S01E02/4_Japanese.srt",
        "S1/Subs/Show.S01E02/Show.S01E02.pol.forced.ass",
        "S1/Subs/Show.S01E02/Show.S01E02.nfo.txt",
        "S1/Subs/Other.S01E09/2_English.srt",
    )
    files, skipped = scan(tmp_path)
    first = files["S1/Show.S01E01.mkv"].sidecars
    assert [(Path(s.path).relative_to(tmp_path).as_posix(), s.tail) for s in first] == [
        ("S1/Subs/Show.S01E01/2_English.srt", ".en.srt"),
        ("S1/Subs/Show.S01E01/3_English.srt", ".en.2.srt"),  # two English tracks keep two names
    ]
    assert [s.tail for s in files["S1/Show.S01E02.mkv"].sidecars] == [".ja.srt", ".pol.forced.ass"]
    assert skipped["S1/Subs/Other.S01E09/2_English.srt"].reason == "sidecar without a matching video"
    assert skipped["S1/Subs/Show.S01E02/Show.S01E02.nfo.txt"].reason == "not a subtitle"


def test_a_flat_subtitles_folder_belongs_to_the_only_video_or_by_stem(tmp_path: Path) -> None:
    make(
        tmp_path,
        "movie/Film.2016.mkv",
        "movie/Film.2016.en.srt",
        "movie/Subtitles/English.srt",
        "movie/Subtitles/Portuguese (Brazil).ass",
        "batch/A - 01.mkv",
        "batch/A - 02.mkv",
        "batch/subs/A - 02.de.ass",
        "batch/subs/English.srt",
    )
    files, skipped = scan(tmp_path)
    tails = [s.tail for s in files["movie/Film.2016.mkv"].sidecars]
    assert tails == [".en.srt", ".en.2.srt", ".pt-BR.ass"]  # beside the video first, then Subtitles/
    assert [s.tail for s in files["batch/A - 02.mkv"].sidecars] == [".de.ass"]
    assert skipped["batch/subs/English.srt"].reason == "sidecar without a matching video"


def test_a_subs_folder_without_videos_beside_it_is_walked_as_usual(tmp_path: Path) -> None:
    make(tmp_path, "Subs/Show - 01.mkv", "Subs/Show - 01.en.ass")
    files, _ = scan(tmp_path)
    assert [s.tail for s in files["Subs/Show - 01.mkv"].sidecars] == [".en.ass"]
