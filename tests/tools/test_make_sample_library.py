"""Tests for tools/make_sample_library.py.

The sample library is the ground truth for parser/matcher/organiser tests and benchmarks, so these
tests pin what that truth promises: it is reproducible, it is self-consistent (manifest == disk),
its labels agree with the catalog, and its names are legal on every OS a user might run us on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tools.make_sample_library import (
    DEFAULT_CATALOG,
    SCHEMA,
    ManifestEntry,
    OutputDirNotEmptyError,
    default_manifest_path,
    generate,
    main,
    write_manifest,
)

ALL_CATEGORIES = {
    "plain",
    "sequel_marker",
    "sequel_title",
    "special",
    "multi_episode",
    "movie",
    "western",
    "bare_number_folder",
    "sidecar",
    "junk",
    "font",
}
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ManifestEntry]]:
    """One default-seed library shared by the read-only checks (keeps the module fast)."""
    out = tmp_path_factory.mktemp("sample") / "library"
    return out, generate(out)


@pytest.fixture(scope="module")
def catalog_seasons() -> dict[int, dict[int, int]]:
    """tmdb_id -> {season_number: episode_count}, read independently of the generator."""
    with gzip.open(DEFAULT_CATALOG, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return {
        int(tv["id"]): {int(s["season_number"]): int(s["episode_count"]) for s in tv["seasons"]}
        for tv in data["tv"]
    }


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_same_seed_gives_identical_tree_and_manifest(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=11)
    second = generate(tmp_path / "b", seed=11)
    assert first == second
    assert _tree_hashes(tmp_path / "a") == _tree_hashes(tmp_path / "b")
    write_manifest(first, tmp_path / "a.json", seed=11)
    write_manifest(second, tmp_path / "b.json", seed=11)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_different_seed_gives_a_different_library(tmp_path: Path) -> None:
    assert generate(tmp_path / "a", seed=1) != generate(tmp_path / "b", seed=2)


def test_generation_is_fast(tmp_path: Path) -> None:
    generate(tmp_path / "warm")  # the catalog is cached per process; time the generation itself
    started = time.perf_counter()
    generate(tmp_path / "timed", seed=3)
    assert time.perf_counter() - started < 2.0


def test_size_and_variety(library: tuple[Path, list[ManifestEntry]]) -> None:
    _, entries = library
    assert len(entries) >= 200
    assert len({e.tmdb_id for e in entries if e.tmdb_id is not None}) >= 30
    assert {e.category for e in entries} == ALL_CATEGORIES
    assert len({e.tmdb_id for e in entries if e.category == "western"}) >= 3
    assert len({e.tmdb_id for e in entries if e.media_type == "movie"}) == 8
    assert len({e.tmdb_id for e in entries if e.media_type == "tv"}) == 36
    assert {e.lang_tag for e in entries if e.role == "sidecar"} >= {None, "en", "jpn.forced"}
    assert {e.special_kind for e in entries if e.category == "special"} == {"ova", "sp", "episode_0"}


def test_manifest_matches_disk(library: tuple[Path, list[ManifestEntry]]) -> None:
    root, entries = library
    assert [e.path for e in entries] == sorted(e.path for e in entries)
    assert _tree_hashes(root) == {e.path: e.sha256 for e in entries}
    assert len({e.sha256 for e in entries}) == len(entries), "every file's content must be unique"


def test_labels_are_consistent(
    library: tuple[Path, list[ManifestEntry]], catalog_seasons: dict[int, dict[int, int]]
) -> None:
    _, entries = library
    by_path = {e.path: e for e in entries}
    for entry in entries:
        assert entry.role in {"video", "sidecar", "junk", "extra"}
        if entry.role == "sidecar":
            video = by_path[entry.sidecar_of or ""]
            assert video.role == "video"
            assert entry.path.startswith(video.path[: -len(".mkv")] + ".")
            assert (entry.tmdb_id, entry.season, entry.episodes) == (
                video.tmdb_id,
                video.season,
                video.episodes,
            )
        if entry.role in {"video", "sidecar"}:
            assert entry.title and entry.year and entry.tmdb_id
        if entry.media_type == "movie":
            assert entry.season is None and entry.episodes == ()
        if entry.media_type != "tv" or entry.role not in {"video", "sidecar"}:
            continue
        seasons = catalog_seasons[entry.tmdb_id or 0]
        assert entry.season in seasons
        assert all(1 <= ep <= seasons[entry.season or 0] for ep in entry.episodes), entry
        if entry.role == "sidecar":
            continue  # mirrors its video's labels, checked above
        if entry.category == "multi_episode":
            assert len(entry.episodes) == 2
        elif entry.category == "special":
            assert entry.season == 0 and entry.special_kind
            assert entry.episodes in {(), (1,)}
            assert entry.episodes == () or seasons[0] == 1, "S00 episode only when unambiguous"
        else:
            assert len(entry.episodes) == 1
        if entry.category in {"sequel_marker", "sequel_title", "bare_number_folder"}:
            assert (entry.season or 0) >= 2


def test_no_episode_is_claimed_twice(library: tuple[Path, list[ManifestEntry]]) -> None:
    _, entries = library
    claims = Counter(
        (e.tmdb_id, e.season, ep)
        for e in entries
        if e.role == "video" and e.media_type == "tv"
        for ep in e.episodes
    )
    assert [key for key, n in claims.items() if n > 1] == []


def test_names_are_valid_on_windows(library: tuple[Path, list[ManifestEntry]]) -> None:
    _, entries = library
    folded = Counter(e.path.casefold() for e in entries)
    assert max(folded.values()) == 1, "paths differing only by case collide on Windows/macOS"
    for entry in entries:
        assert len(entry.path) < 200
        for part in entry.path.split("/"):
            assert part, entry.path
            assert not WINDOWS_FORBIDDEN.search(part), part
            assert not part.endswith((".", " ")), part
            assert part.split(".")[0].strip().upper() not in WINDOWS_RESERVED, part


def test_release_name_styles_present(library: tuple[Path, list[ManifestEntry]]) -> None:
    _, entries = library
    names = [e.path for e in entries]
    patterns = [
        r"^(.*/)?\[SubsPlease\] .+ - \d{2,4} \(1080p\) \[[0-9A-F]{8}\]\.mkv$",
        r"^(.*/)?\[Erai-raws\] .+ - \d{2,4} \[1080p\]\[Multiple Subtitle\]\[[0-9A-F]{8}\]\.mkv$",
        r"^(.*/)?\[HorribleSubs\] .+ - \d{2,4} \[720p\]\.mkv$",
        r"^\[[^]]+\] [^/]+ \[BD 1080p x265\]/\[[^]]+\] .+ - \d{2,4} \[BD 1080p x265 FLAC\]\.mkv$",
        r"^[^/]+ (S\d+ \[BD 1080p\]|Season \d+)/\d{2}\.mkv$",
        r"^(.*/)?[A-Za-z0-9.]+\.S\d{2}E\d{2,4}\.1080p\.WEB-DL\.x264-\w+\.mkv$",
        r"^(.*/)?[A-Za-z0-9.]+\.S\d{2}E\d{2,4}E\d{2,4}\..+\.mkv$",
        r" - \d{2,4}-\d{2,4} ",
        r" - \d{2,4}~\d{2,4} ",
        r" S\d+ - \d{2}",
        r" \d+(st|nd|rd|th) Season - \d{2}",
        r" Season \d+ - \d{2}",
        r" - OVA ",
        r" - SP1 ",
        r" - 00 ",
        r"^(.*/)?\[[^]]+\] .+ \(\d{4}\) \[BD 1080p\]\.mkv$",
        r"^(.*/)?[A-Za-z0-9.]+\.\d{4}\.1080p\.BluRay\.x264\.mkv$",
        r"/Fonts/[^/]+\.ttf$",
        r"(^|/)Sample/[^/]+\.mkv$",
        r" sample\.mkv$",
        r"\.mkv\.part$",
        r"(^|/)Thumbs\.db$",
        r"^info\.nfo$",
        r"\.txt$",
        r"\.en\.ass$",
        r"\.jpn\.forced\.srt$",
        r"\]\.ass$",
        r"\]\.srt$",
    ]
    missing = [p for p in patterns if not any(re.search(p, name) for name in names)]
    assert missing == []


def test_refuses_non_empty_output_dir(tmp_path: Path) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.mkv").write_bytes(b"mine")
    with pytest.raises(OutputDirNotEmptyError):
        generate(out)
    assert main(["--out", str(out)]) == 2
    assert [p.name for p in out.iterdir()] == ["keep.mkv"]
    assert not default_manifest_path(out).exists()


def test_cli_writes_manifest_beside_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lib"
    assert main(["--out", str(out), "--seed", "5", "--series", "12", "--movies", "3"]) == 0
    manifest_path = tmp_path / "lib.manifest.json"
    document = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert document["schema"] == SCHEMA
    assert document["seed"] == 5
    assert not any(p.name.endswith(".manifest.json") for p in out.rglob("*"))
    paths = [e["path"] for e in document["entries"]]
    assert paths == sorted(paths)
    assert set(paths) == set(_tree_hashes(out))
    assert "12 series, 3 movies" in capsys.readouterr().out
