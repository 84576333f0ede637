"""The TMDB stand-in speaks TMDB v3 as docs/tmdb-api.md describes, over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tools.tmdb_standin import Standin
from tools.tmdb_standin.catalog import tokens


def get(standin: Standin, path: str, **params: Any) -> requests.Response:
    params.setdefault("api_key", standin.api_key)
    return requests.get(standin.base_url + path, params=params, timeout=5)


def test_auth_by_key_or_bearer_and_tmdb_401_body(tmdb_standin: Standin) -> None:
    assert get(tmdb_standin, "/configuration").status_code == 200
    bearer = requests.get(
        tmdb_standin.base_url + "/configuration",
        timeout=5,
        headers={"Authorization": f"Bearer {tmdb_standin.bearer_token}"},
    )
    assert bearer.status_code == 200
    v3_as_bearer = requests.get(
        tmdb_standin.base_url + "/configuration",
        timeout=5,
        headers={"Authorization": f"Bearer {tmdb_standin.api_key}"},
    )
    assert v3_as_bearer.status_code == 401
    wrong = get(tmdb_standin, "/search/tv", query="Frieren", api_key="nope")
    assert wrong.status_code == 401
    assert wrong.json() == {
        "status_code": 7,
        "status_message": "Invalid API key: You must be granted a valid key.",
        "success": False,
    }


def test_not_found_and_validation_bodies(tmdb_standin: Standin) -> None:
    missing = get(tmdb_standin, "/tv/1")
    assert missing.status_code == 404 and missing.json()["status_code"] == 34
    assert get(tmdb_standin, "/tv/abc").status_code == 404
    assert get(tmdb_standin, "/tv/1429/season/99").status_code == 404
    assert get(tmdb_standin, "/search/tv", query="x", page=501).json() == {
        "errors": ["page must be less than or equal to 500"]
    }
    assert get(tmdb_standin, "/search/tv", query="").status_code == 422


def test_search_ands_words_folds_case_and_finds_romaji(tmdb_standin: Standin) -> None:
    hits = get(tmdb_standin, "/search/tv", query="shingeki no KYOJIN").json()
    assert [r["id"] for r in hits["results"]][:1] == [1429]
    assert hits["results"][0]["name"] == "Attack on Titan"
    assert set(hits["results"][0]) >= {
        "id",
        "name",
        "original_name",
        "first_air_date",
        "popularity",
        "origin_country",
        "genre_ids",
    }
    extra_word = get(tmdb_standin, "/search/tv", query="Attack on Titan Westworld").json()
    assert extra_word == {"page": 1, "results": [], "total_pages": 1, "total_results": 0}
    assert tokens("Ｒｅ：Ｚｅｒｏ Café") == ("re", "zero", "cafe")


def test_ordering_is_text_match_then_popularity_not_exact_first(tmdb_standin: Standin) -> None:
    catalog = tmdb_standin.state.catalog
    found = None
    for item in catalog.items["tv"].values():
        name = item.raw.get("name") or ""
        results = catalog.search("tv", name)
        if len(tokens(name)) >= 2 and results and results[0].id != item.id and item in results:
            found = (name, results)
            break
    assert found is not None, "the catalog has a query whose exact title is not ranked first"
    name, results = found
    again = get(tmdb_standin, "/search/tv", query=name).json()["results"]
    assert [r["id"] for r in again] == [i.id for i in results][:20], "deterministic over HTTP too"


def test_pagination_by_twenty(tmdb_standin: Standin) -> None:
    first = get(tmdb_standin, "/search/tv", query="the").json()
    assert first["total_results"] > 20 and len(first["results"]) == 20
    assert first["total_pages"] == -(-first["total_results"] // 20)
    second = get(tmdb_standin, "/search/tv", query="the", page=2).json()
    assert {r["id"] for r in second["results"]}.isdisjoint(r["id"] for r in first["results"])


def test_year_filters(tmdb_standin: Standin) -> None:
    assert get(tmdb_standin, "/search/tv", query="Attack on Titan", first_air_date_year=2013).json()[
        "results"
    ]
    assert not get(tmdb_standin, "/search/tv", query="Shingeki no Kyojin", first_air_date_year=2017).json()[
        "results"
    ]
    assert get(tmdb_standin, "/search/tv", query="Shingeki no Kyojin", year=2017).json()["results"], (
        "year also matches season air dates"
    )
    assert get(tmdb_standin, "/search/movie", query="Akira", year=1988).json()["results"]


def test_details_seasons_and_sub_resources(tmdb_standin: Standin) -> None:
    details = get(
        tmdb_standin, "/tv/1429", append_to_response="alternative_titles,translations,videos"
    ).json()
    assert details["number_of_seasons"] == 4
    assert details["alternative_titles"]["results"] and details["videos"] == {"results": []}
    assert any(t["data"]["name"] == "進撃の巨人" for t in details["translations"]["translations"])
    season = get(tmdb_standin, "/tv/1429/season/2").json()
    assert [e["episode_number"] for e in season["episodes"]] == list(range(1, 13))
    movie_alt = get(tmdb_standin, "/movie/81/alternative_titles").json()
    assert "titles" in movie_alt and "results" not in movie_alt
    assert "title" in get(tmdb_standin, "/movie/81/translations").json()["translations"][0]["data"]
    assert get(tmdb_standin, "/search/multi", query="Akira").json()["results"][0]["media_type"] in (
        "tv",
        "movie",
    )


@pytest.mark.parametrize(("status", "code"), [(429, 25), (500, 11), (502, 43), (503, 46), (504, 24)])
def test_forced_failures_carry_tmdb_bodies(tmdb_standin: Standin, status: int, code: int) -> None:
    tmdb_standin.configure(fail_nth={2}, fail_status=status, retry_after=0)
    assert get(tmdb_standin, "/configuration").status_code == 200
    failed = get(tmdb_standin, "/configuration")
    assert failed.status_code == status and failed.json()["status_code"] == code
    assert (failed.headers.get("Retry-After") == "0") == (status == 429)
    assert [e["status"] for e in tmdb_standin.request_log] == [200, status]


def test_rate_limit_knob_answers_429_with_retry_after(tmdb_standin: Standin) -> None:
    tmdb_standin.configure(rate=1.0, burst=2, retry_after=1)
    statuses = [get(tmdb_standin, "/configuration").status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and 429 in statuses[2:]


def test_down_closes_the_connection(tmdb_standin: Standin) -> None:
    tmdb_standin.configure(down=True)
    with pytest.raises(requests.ConnectionError):
        get(tmdb_standin, "/configuration")


def test_stats_endpoint_and_key_kept_out_of_the_log(tmdb_standin: Standin) -> None:
    get(tmdb_standin, "/search/tv", query="Frieren")
    stats = requests.get(tmdb_standin.base_url.removesuffix("/3") + "/__standin__/stats", timeout=5).json()
    assert stats == {"requests": 1, "by_status": {"200": 1}}
    assert tmdb_standin.request_log[0]["query"] == {"query": "Frieren"}
