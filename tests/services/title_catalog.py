"""A small TMDB-shaped catalog, and the title index the real builder makes of it in a temp folder."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from anivault.services.titles.index import TitleHit, TitleIndex
from tools.build_title_index import build_title_index


def tv(tmdb_id: int, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": tmdb_id,
        "synthetic_id": False,
        "name": name,
        "original_name": extra.pop("original_name", ""),
        "popularity": extra.pop("popularity", 10.0),
        "alternative_titles": extra.pop("alternative_titles", []),
        "translations": extra.pop("translations", []),
        "seasons": [{"season_number": 1, "name": "Season 1", "episode_count": 12, "air_date": "2020-01-01"}],
        "season_titles": extra.pop("season_titles", {}),
        **extra,
    }


def movie(tmdb_id: int, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": tmdb_id,
        "synthetic_id": False,
        "title": title,
        "original_title": extra.pop("original_title", ""),
        "popularity": extra.pop("popularity", 10.0),
        "alternative_titles": extra.pop("alternative_titles", []),
        "translations": extra.pop("translations", []),
        **extra,
    }


SMALL_CATALOG: dict[str, Any] = {
    "schema": "anivault-tmdb-catalog/1",
    "built_from": [{"repo": "example/list", "commit": "abc", "commit_date": "2026-01-01", "license": "MIT"}],
    "tv": [
        tv(
            889,
            "Eureka Seven",
            original_name="交響詩篇エウレカセブン",
            popularity=51.4,
            alternative_titles=[{"iso_3166_1": "JP", "title": "Eureka 7", "type": ""}],
            translations=[{"iso_639_1": "de", "iso_3166_1": "DE", "name": "Eureka Seven"}],
            season_titles={
                "0": ["Eureka Seven: Pocket Full of Rainbows"],
                "1": ["Koukyoushihen: Eureka Seven", "Eureka Seven", "Eureka 7"],
                "2": ["Eureka Seven AO", "Eureka Seven: Astral Ocean"],
            },
        ),
        tv(
            502,
            "Long Runner",
            absolute_ranges=[
                {"season_number": 1, "first_absolute": 1, "last_absolute": 50},
                {"season_number": 2, "first_absolute": 51, "last_absolute": 98},
            ],
        ),
        tv(
            83121,
            "Kaguya-sama: Love Is War",
            translations=[
                {"iso_639_1": "zh", "iso_3166_1": "CN", "name": "辉夜大小姐想让我告白～天才们的恋爱头脑战～"}
            ],
            season_titles={"0": ["劇場版 遊☆戯☆王 ~超融合! 時空を越えた絆~"]},
        ),
        tv(
            902,
            "Yu-Gi-Oh!",
            translations=[{"iso_639_1": "zh", "iso_3166_1": "CN", "name": "游戏王怪兽之决斗 DUEL MONSTERS"}],
            season_titles={"0": ["劇場版 遊☆戯☆王 ~光のピラミッド~"]},
        ),
        tv(
            500,
            "Spy x Family",
            popularity=90.0,
            season_titles={"2": ["Spy x Family", "Spy x Family Season 2"]},
        ),
        tv(501, "Another Spy x Family", popularity=5.0, alternative_titles=[{"title": "SPY×FAMILY"}]),
        tv(9_000_001, "Made Up Show", synthetic_id=True, season_titles={"1": ["Made Up Show"]}),
    ],
    "movie": [
        movie(81, "Nausicaa of the Valley of the Wind", original_title="風の谷のナウシカ", popularity=124.0),
        movie(9_500_001, "Made Up Movie", synthetic_id=True),
    ],
}


def write_catalog(folder: Path, catalog: dict[str, Any] = SMALL_CATALOG) -> Path:
    path = folder / "catalog.json.gz"
    path.write_bytes(gzip.compress(json.dumps(catalog, ensure_ascii=False).encode("utf-8"), mtime=0))
    return path


def build_small_index(folder: Path) -> TitleIndex:
    """The real builder's index of ``SMALL_CATALOG``, written and loaded in ``folder``."""
    out = folder / "index" / "titles.json.gz"
    build_title_index(write_catalog(folder), out)
    return TitleIndex.load(out)


def places(hits: list[TitleHit]) -> list[tuple[int, str, int | None]]:
    return [(hit.tmdb_id, hit.media_type, hit.season) for hit in hits]
