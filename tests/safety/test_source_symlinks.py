"""Issue 23, reproduction 1: symlinks under --src must not bring outside files into the library.

Real symlinks, the real CLI in a subprocess, the real stand-in. The "outside" file stands for
``/etc/hostname`` or a user's private file: it must never reach the library, by any action.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.safety.boundary_helpers import (
    SECRET,
    SHOW_FOLDER,
    applying,
    entries,
    files_below,
    links_below,
    release,
    skipped,
    with_settings,
    write,
)

from tools.faultlab.cli import Cli

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    return write(tmp_path / "elsewhere" / "hostname", SECRET)


@pytest.mark.parametrize("action", ["copy", "move", "hardlink", "symlink"])
def test_source_video_symlink_to_an_outside_file_is_skipped_not_filed(
    cli: Cli, tmp_path: Path, outside: Path, action: str
) -> None:
    source, library = tmp_path / "S", tmp_path / "D"
    write(source / release(104), b"a real episode")
    (source / release(103)).symlink_to(outside)

    result = cli.run(applying(source, library, "--action", action))

    assert result.status == 0, result.stderr
    assert SECRET not in files_below(library).values()
    assert skipped(result)[release(103)] == "symbolic link, not followed (setting follow_source_symlinks)"
    assert [e["source"] for e in entries(result)] == [release(104)]
    season = library / SHOW_FOLDER / "Season 01"
    assert not (season / f"{SHOW_FOLDER} S01E103.mkv").exists()
    if action != "symlink":  # the symlink action links to its (real, inside) source by design
        assert links_below(library) == []
    assert (source / release(103)).is_symlink(), "the link itself stays where it was"


def test_source_sidecar_symlink_to_an_outside_file_does_not_travel(
    cli: Cli, tmp_path: Path, outside: Path
) -> None:
    source, library = tmp_path / "S", tmp_path / "D"
    write(source / release(104), b"a real episode")
    (source / release(104, ".ass")).symlink_to(outside)

    result = cli.run(applying(source, library, "--action", "copy"))

    assert result.status == 0, result.stderr
    assert files_below(library) == {f"{SHOW_FOLDER}/Season 01/{SHOW_FOLDER} S01E104.mkv": b"a real episode"}
    assert release(104, ".ass") in skipped(result)


def test_source_follow_symlinks_setting_admits_links_inside_the_source_only(
    cli: Cli, tmp_path: Path, outside: Path
) -> None:
    """A link to a regular file inside --src (a seeding client's store with hashed names) is filed
    under its own name with the real file's bytes; a link leading out is still skipped."""
    source, library = tmp_path / "S", tmp_path / "D"
    stored = write(source / ".store" / "9f2c41", b"episode 104 bytes")
    (source / release(104)).symlink_to(stored)
    (source / release(103)).symlink_to(outside)
    (source / release(105)).symlink_to(Path("..") / "elsewhere" / "hostname")  # relative, still out
    settings = with_settings(cli, follow_source_symlinks="true")

    result = settings.run(applying(source, library, "--action", "copy"))

    assert result.status == 0, result.stderr
    reasons = skipped(result)
    assert reasons[release(103)] == "symbolic link leading outside the source"
    assert reasons[release(105)] == "symbolic link leading outside the source"
    assert files_below(library) == {
        f"{SHOW_FOLDER}/Season 01/{SHOW_FOLDER} S01E104.mkv": b"episode 104 bytes"
    }


def test_source_folder_symlink_is_never_walked_even_when_following_links(cli: Cli, tmp_path: Path) -> None:
    source, library = tmp_path / "S", tmp_path / "D"
    write(tmp_path / "private" / release(106), b"outside episode")
    write(source / release(104), b"a real episode")
    (source / "more").symlink_to(tmp_path / "private", target_is_directory=True)
    settings = with_settings(cli, follow_source_symlinks="true")

    result = settings.run(applying(source, library, "--action", "copy"))

    assert result.status == 0, result.stderr
    assert skipped(result)["more"] == "symbolic link to a folder, not followed"
    assert b"outside episode" not in files_below(library).values()


def test_source_font_symlink_in_a_batch_fonts_folder_does_not_travel(
    cli: Cli, tmp_path: Path, outside: Path
) -> None:
    source, library = tmp_path / "S", tmp_path / "D"
    write(source / "batch" / release(104), b"a real episode")
    write(source / "batch" / "Fonts" / "good.ttf", b"a real font")
    (source / "batch" / "Fonts" / "evil.ttf").symlink_to(outside)

    result = cli.run(applying(source, library, "--action", "copy"))

    assert result.status == 0, result.stderr
    filed = files_below(library)
    assert SECRET not in filed.values()
    assert b"a real font" in filed.values()
    assert not any(name.endswith("evil.ttf") for name in filed)
