"""Settings resolution: defaults, env over files, first file wins, origins, and refusals."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from anivault.errors import ConfigError
from anivault.services.settings import api_key_from_env, load_settings
from anivault.services.settings_model import Settings


def toml(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ANIVAULT_HOME": str(tmp_path / "home")}


def test_defaults(env: dict[str, str], tmp_path: Path) -> None:
    loaded = load_settings(env=env, files=())
    assert loaded.settings == Settings(home=str(tmp_path / "home"))
    assert loaded.settings.tmdb_rate == 35.0
    assert loaded.settings.tmdb_backend == "tmdbv3api"
    assert loaded.settings.min_confidence == 0.62
    assert loaded.origins["home"] == "env:ANIVAULT_HOME"
    assert {name: origin for name, origin in loaded.origins.items() if name != "home"} == {
        f.name: "default" for f in fields(Settings) if f.name != "home"
    }


def test_home_derived_directories(env: dict[str, str], tmp_path: Path) -> None:
    settings = load_settings(env=env, files=()).settings
    assert settings.home_dir == tmp_path / "home"
    assert settings.cache_dir == tmp_path / "home" / "cache"
    assert settings.log_dir == tmp_path / "home" / "logs"
    assert settings.state_dir == tmp_path / "home" / "state"


def test_home_without_env_is_under_the_user_home_and_marked_default() -> None:
    loaded = load_settings(env={}, files=())  # computes a path only; nothing is read or written
    assert loaded.settings.home_dir == Path.home() / ".anivault"
    assert loaded.origins["home"] == "default"


def test_an_empty_variable_counts_as_unset() -> None:
    # `ANIVAULT_HOME=` once made the current folder the home: config, cache and run state
    # scattered into whatever folder the command was started from
    loaded = load_settings(env={"ANIVAULT_HOME": "", "ANIVAULT_LANGUAGE": ""}, files=())
    assert loaded.settings.home_dir == Path.home() / ".anivault"
    assert loaded.origins["home"] == "default"
    assert loaded.origins["language"] == "default"


def test_missing_file_is_ignored(env: dict[str, str], tmp_path: Path) -> None:
    loaded = load_settings(env=env, files=(tmp_path / "absent.toml",))
    assert loaded.settings.tmdb_rate == 35.0


def test_file_values_are_typed_and_their_origin_recorded(env: dict[str, str], tmp_path: Path) -> None:
    path = toml(
        tmp_path / "config.toml",
        'tmdb_rate = 20\ntmdb_burst = 4\nlanguage = "ja-JP"\ntmdb_backend = "requests"\n',
    )
    loaded = load_settings(env=env, files=(path,))
    assert loaded.settings.tmdb_rate == 20.0
    assert isinstance(loaded.settings.tmdb_rate, float)
    assert loaded.settings.tmdb_burst == 4
    assert loaded.settings.language == "ja-JP"
    assert loaded.settings.tmdb_backend == "requests"
    for name in ("tmdb_rate", "tmdb_burst", "language", "tmdb_backend"):
        assert loaded.origins[name] == str(path)
    assert loaded.origins["max_workers"] == "default"


def test_env_overrides_file(env: dict[str, str], tmp_path: Path) -> None:
    path = toml(tmp_path / "config.toml", "tmdb_rate = 20\nmax_workers = 2\n")
    loaded = load_settings(env={**env, "ANIVAULT_TMDB_RATE": "12.5"}, files=(path,))
    assert loaded.settings.tmdb_rate == 12.5
    assert loaded.origins["tmdb_rate"] == "env:ANIVAULT_TMDB_RATE"
    assert loaded.settings.max_workers == 2
    assert loaded.origins["max_workers"] == str(path)


def test_env_strings_are_converted(env: dict[str, str]) -> None:
    loaded = load_settings(env={**env, "ANIVAULT_MAX_WORKERS": "8", "ANIVAULT_LANGUAGE": "de-DE"}, files=())
    assert loaded.settings.max_workers == 8
    assert loaded.settings.language == "de-DE"


def test_first_file_wins_over_later_ones(env: dict[str, str], tmp_path: Path) -> None:
    exe_dir = toml(tmp_path / "exe" / "anivault.toml", "tmdb_rate = 10\n")
    user = toml(tmp_path / "home" / "config.toml", "tmdb_rate = 30\ntmdb_burst = 3\n")
    loaded = load_settings(env=env, files=(exe_dir, user))
    assert loaded.settings.tmdb_rate == 10.0
    assert loaded.origins["tmdb_rate"] == str(exe_dir)
    assert loaded.settings.tmdb_burst == 3  # the later file still fills what the first leaves out
    assert loaded.origins["tmdb_burst"] == str(user)


def test_invalid_toml_names_the_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    path = toml(tmp_path / "config.toml", "tmdb_rate = 20\ntmdb_burst = = 3\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(env=env, files=(path,))
    assert caught.value.code == "E-CONFIG"
    assert str(path) in str(caught.value)
    assert "line 2" in str(caught.value)


def test_unknown_key_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = toml(tmp_path / "config.toml", "tmdb_rate = 20\ntmdb_ratee = 3\n")
    with pytest.raises(ConfigError, match="tmdb_ratee") as caught:
        load_settings(env=env, files=(path,))
    assert str(path) in caught.value.message


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ('tmdb_rate = "fast"', "tmdb_rate"),
        ("max_workers = true", "max_workers"),
        ("tmdb_rate = false", "tmdb_rate"),
        ('language = ["en"]', "language"),
        ("tmdb_burst = { a = 1 }", "tmdb_burst"),
        ('max_workers = "4.5"', "max_workers"),
    ],
)
def test_wrong_type_in_a_file_is_refused(
    env: dict[str, str], tmp_path: Path, line: str, setting: str
) -> None:
    path = toml(tmp_path / "config.toml", line + "\n")
    with pytest.raises(ConfigError, match=setting) as caught:
        load_settings(env=env, files=(path,))
    assert str(path) in caught.value.message


def test_wrong_type_in_env_names_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="env:ANIVAULT_MAX_WORKERS"):
        load_settings(env={**env, "ANIVAULT_MAX_WORKERS": "many"}, files=())


def test_float_for_an_int_setting_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = toml(tmp_path / "config.toml", "tmdb_burst = 3.7\n")
    with pytest.raises(ConfigError, match="tmdb_burst"):
        load_settings(env=env, files=(path,))


@pytest.mark.parametrize("backend", ["tmdbv3api", "requests"])
def test_backend_choices_are_accepted(env: dict[str, str], backend: str) -> None:
    assert (
        load_settings(env={**env, "ANIVAULT_TMDB_BACKEND": backend}, files=()).settings.tmdb_backend
        == backend
    )


def test_unknown_backend_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = toml(tmp_path / "config.toml", 'tmdb_backend = "httpx"\n')
    with pytest.raises(ConfigError, match="tmdbv3api, requests"):
        load_settings(env=env, files=(path,))
    with pytest.raises(ConfigError, match="env:ANIVAULT_TMDB_BACKEND"):
        load_settings(env={**env, "ANIVAULT_TMDB_BACKEND": "Requests"}, files=())


# --- api_key_from_env --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, None),
        ({"TMDB_API_KEY": "primary"}, "primary"),
        ({"ANIVAULT_TMDB_KEY": "secondary"}, "secondary"),
        ({"TMDB_API_KEY": "primary", "ANIVAULT_TMDB_KEY": "secondary"}, "primary"),
        ({"TMDB_API_KEY": "   ", "ANIVAULT_TMDB_KEY": "secondary"}, "secondary"),
        ({"TMDB_API_KEY": "", "ANIVAULT_TMDB_KEY": " \t"}, None),
        ({"TMDB_API_KEY": "  padded\n"}, "padded"),
    ],
)
def test_api_key_from_env(variables: dict[str, str], expected: str | None) -> None:
    assert api_key_from_env(variables) == expected
