"""`run --tmdb-id/--season-offset/--lang` and override files, through the real CLI and stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anivault.cli.main import main
from anivault.core.lookup.overrides import OVERRIDE_FILE


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), [json.loads(line) for line in out.splitlines() if line.strip()], err


def targets(events: list[dict[str, object]]) -> dict[str, str]:
    return {
        str(e["fields"]["source"]): str(e["fields"]["target"])  # type: ignore[index]
        for e in events
        if e["phase"] == "plan" and e["event"] == "entry"
    }


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    source = tmp_path / "downloads"
    for name in ("Root A/Tokyo Ghoul Root A - 03 [1080p].mkv", "Dan Da Dan - 02 [1080p].mkv"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(name.encode())
    return source


@pytest.mark.usefixtures("anivault_env")
def test_without_help_a_cour_subtitle_is_placed_by_the_title_index(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # TMDB has no "Tokyo Ghoul Root A"; the title index knows it as season 2 of Tokyo Ghoul.
    status, events, _ = run_cli(
        ["--json", "run", "--src", str(downloads), "--dst", str(tmp_path / "lib")], capsys
    )
    assert status == 0
    results = {
        str(e["fields"]["source"]): e["fields"]  # type: ignore[index]
        for e in events
        if e["phase"] == "match" and e["event"] == "result"
    }
    placed = results["Root A/Tokyo Ghoul Root A - 03 [1080p].mkv"]
    assert (placed["status"], placed["tmdb_id"], placed["season"], placed["episodes"]) == (
        "matched",
        61374,
        2,
        [3],
    )
    assert "title_index" in placed["score_parts"]  # type: ignore[operator]
    assert results["Dan Da Dan - 02 [1080p].mkv"]["status"] == "matched"


@pytest.mark.usefixtures("anivault_env")
def test_a_folder_file_and_lang_decide_targets(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (downloads / "Root A" / OVERRIDE_FILE).write_text(
        '{"tmdb_id": 61374, "season_offset": 1}', encoding="utf-8"
    )
    args = ["--json", "run", "--src", str(downloads), "--dst", str(tmp_path / "lib"), "--lang", "ja-JP"]
    status, events, _ = run_cli(args, capsys)
    assert status == 0
    assert targets(events) == {
        "Root A/Tokyo Ghoul Root A - 03 [1080p].mkv": "東京喰種トーキョーグール (2014)/Season 02/"
        "東京喰種トーキョーグール (2014) S02E03.mkv",
        "Dan Da Dan - 02 [1080p].mkv": "ダンダダン (2024)/Season 01/ダンダダン (2024) S01E02.mkv",
    }


@pytest.mark.usefixtures("anivault_env")
def test_tmdb_id_applies_to_the_whole_source(
    downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--json", "run", "--src", str(downloads / "Root A"), "--dst", str(tmp_path / "lib")]
    status, events, _ = run_cli([*args, "--tmdb-id", "61374", "--season-offset", "1"], capsys)
    assert status == 0
    assert list(targets(events).values()) == ["Tokyo Ghoul (2014)/Season 02/Tokyo Ghoul (2014) S02E03.mkv"]


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--tmdb-type", "movie"], "--tmdb-type needs --tmdb-id"),
        (["--resume", "--tmdb-id", "1"], "--tmdb-id"),
    ],
)
def test_match_option_mistakes_are_usage_errors(
    extra: list[str], message: str, downloads: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folders = [] if "--resume" in extra else ["--src", str(downloads), "--dst", str(tmp_path / "lib")]
    status, _, err = run_cli(["run", *folders, *extra], capsys)
    assert status == 2
    assert "E-USAGE" in err
    assert message in err


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize(
    ("lang", "folder"),
    [
        ("ru-RU", "東京喰種トーキョーグール (2014)"),
        ("vi-VN", "Nga quy vung Tokyo (2014)"),
        ("en-US", "Tokyo Ghoul (2014)"),
    ],
)
def test_title_rule_ascii_or_native_never_writes_a_third_script(
    lang: str,
    folder: str,
    downloads: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANIVAULT_TITLE_RULE", "ascii-or-native")
    args = [
        "--json",
        "run",
        "--src",
        str(downloads / "Root A"),
        "--dst",
        str(tmp_path / "lib"),
        "--lang",
        lang,
    ]
    status, events, _ = run_cli([*args, "--tmdb-id", "61374"], capsys)
    assert status == 0
    assert [t.split("/")[0] for t in targets(events).values()] == [folder]
