"""``anivault settings`` and the key store through the real CLI, with real files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.conftest import Outcome

from anivault.cli import exit_codes
from anivault.services.keystore import load_key
from tools.tmdb_standin.server import Standin

Run = Callable[..., Outcome]


@pytest.fixture
def home(anivault_env: Path) -> Path:
    anivault_env.mkdir(parents=True, exist_ok=True)
    return anivault_env


@pytest.fixture
def exe_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend to be the frozen binary in ``exe_dir`` (how ``{exe_dir}/anivault.toml`` is found)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "anivault"))
    return folder


def shown(outcome: Outcome) -> dict[str, tuple[object, str]]:
    return {
        e["fields"]["name"]: (e["fields"]["value"], e["fields"]["origin"])  # type: ignore[index]
        for e in outcome.events()
        if e["event"] == "value"
    }


def test_show_names_where_each_value_came_from(
    cli: Run, home: Path, exe_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (exe_dir / "anivault.toml").write_text('language = "ja-JP"\nmax_workers = 2\n', encoding="utf-8")
    (home / "config.toml").write_text("max_workers = 6\ntmdb_burst = 3\ntmdb_rate = 9.0\n", encoding="utf-8")
    monkeypatch.setenv("ANIVAULT_TMDB_RATE", "12.5")

    values = shown(cli("--json", "settings", "show"))

    assert values["tmdb_rate"] == (12.5, "env:ANIVAULT_TMDB_RATE")
    assert values["language"] == ("ja-JP", str(exe_dir / "anivault.toml"))
    assert values["max_workers"] == (2, str(exe_dir / "anivault.toml"))  # exe_dir beats home
    assert values["tmdb_burst"] == (3, str(home / "config.toml"))
    assert values["on_conflict"] == ("skip", "default")


def test_show_human_output_has_one_line_per_setting_with_its_origin(cli: Run, home: Path) -> None:
    outcome = cli("settings", "show")

    assert outcome.status == 0
    assert "tmdb_rate = 35.0  # default" in outcome.out.splitlines()


def test_get_prints_the_value_and_refuses_an_unknown_key(cli: Run, home: Path) -> None:
    assert cli("settings", "get", "on_conflict").out == "skip\n"

    unknown = cli("settings", "get", "colour")

    assert unknown.status == exit_codes.USAGE
    assert "unknown setting colour" in unknown.err


def test_set_writes_a_typed_value_that_later_commands_read(cli: Run, home: Path) -> None:
    assert cli("settings", "set", "tmdb_burst", "4").status == 0

    assert (home / "config.toml").read_text(encoding="utf-8") == "tmdb_burst = 4\n"
    assert shown(cli("--json", "settings", "get", "tmdb_burst"))["tmdb_burst"] == (
        4,
        str(home / "config.toml"),
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("tmdb_burst", "4.5", "setting tmdb_burst must be a int"),
        ("on_conflict", "overwrite", "must be one of skip, index, fail"),
        ("colour", "blue", "unknown setting colour"),
    ],
)
def test_set_refuses_bad_input_and_leaves_the_file_alone(
    cli: Run, home: Path, name: str, value: str, said: str
) -> None:
    config = home / "config.toml"
    config.write_text("# mine\ntmdb_rate = 9.0\n", encoding="utf-8")

    outcome = cli("settings", "set", name, value)

    assert outcome.status == exit_codes.CONFIG
    assert said in outcome.err and str(config) in outcome.err
    assert config.read_text(encoding="utf-8") == "# mine\ntmdb_rate = 9.0\n"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("tmdb_rate = 9.0\nlanguage = ja-JP\n", "invalid TOML"),
        ("tmdb_rate = 9.0\ncolour = 'blue'\n", ":2: unknown setting(s) colour"),
        ('# x\n\ntmdb_burst = "many"\n', ":3: setting tmdb_burst must be a int"),
    ],
)
def test_a_broken_config_file_is_named_with_its_line_and_never_overwritten(
    cli: Run, home: Path, content: str, said: str
) -> None:
    config = home / "config.toml"
    config.write_text(content, encoding="utf-8")

    for args in (("settings", "show"), ("settings", "set", "tmdb_rate", "3")):
        outcome = cli(*args)
        assert outcome.status == exit_codes.CONFIG
        assert f"error E-CONFIG: {config}" in outcome.err and said in outcome.err
        assert config.read_text(encoding="utf-8") == content


def test_invalid_toml_error_gives_the_line(cli: Run, home: Path) -> None:
    (home / "config.toml").write_text("tmdb_rate = 9.0\nlanguage = ja-JP\n", encoding="utf-8")

    assert "line 2" in cli("status").err


def test_path_lists_every_place(cli: Run, home: Path) -> None:
    places = {e["fields"]["name"]: e["fields"]["path"] for e in cli("--json", "settings", "path").events()}  # type: ignore[index]

    assert places["config[0]"] == str(home / "config.toml")
    assert places["key_store"] == str(home / "tmdb_key.enc")
    assert places["logs"] == str(home / "logs")


def anivault(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """A real process without a controlling terminal, so hidden prompts read stdin."""
    return subprocess.run(
        [sys.executable, "-m", "anivault", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        start_new_session=True,
    )


def test_stored_key_is_used_with_the_right_pin_and_refused_with_a_wrong_one(
    tmp_path: Path, tmdb_standin: Standin
) -> None:
    source = tmp_path / "downloads"
    source.mkdir()
    (source / "Dan Da Dan - 02 [1080p].mkv").write_bytes(b"\0" * 64)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
    env |= {"ANIVAULT_HOME": str(tmp_path / "home"), "ANIVAULT_TMDB_BASE_URL": tmdb_standin.base_url}

    stored = anivault(
        ["settings", "set", "--tmdb-key"], env | {"ANIVAULT_PIN": "246813"}, tmdb_standin.api_key
    )
    assert stored.returncode == 0, stored.stderr
    assert tmdb_standin.api_key not in (tmp_path / "home" / "tmdb_key.enc").read_text(encoding="utf-8")

    right = anivault(["--json", "match", "--src", str(source)], env | {"ANIVAULT_PIN": "246813"})
    assert right.returncode == 0, right.stderr
    assert '"event": "matched"' in right.stdout

    wrong = anivault(["--json", "match", "--src", str(source)], env | {"ANIVAULT_PIN": "135724"})
    assert wrong.returncode == exit_codes.TMDB_KEY
    assert "error E-KEYSTORE-PIN: wrong PIN" in wrong.stderr
    assert '"code": "E-KEYSTORE-PIN"' in wrong.stdout

    piped_pin = anivault(["--json", "match", "--src", str(source)], env, stdin="246813\n")
    assert piped_pin.returncode == exit_codes.TMDB_KEY  # a PIN is never read from a pipe
    assert "error E-KEYSTORE-PIN" in piped_pin.stderr and "ANIVAULT_PIN" in piped_pin.stderr
    assert tmdb_standin.api_key not in piped_pin.stdout + piped_pin.stderr


def test_scan_never_asks_for_the_pin(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
    env["ANIVAULT_HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "tmdb_key.enc").write_text("{}", encoding="utf-8")

    outcome = anivault(["scan", "--src", str(tmp_path)], env)

    assert outcome.returncode == 0
    assert "PIN" not in outcome.stderr


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANIVAULT_", "TMDB_"))}
    return env | {"ANIVAULT_HOME": str(home)}


def test_key_piped_on_stdin_is_stored_without_any_prompt_or_warning(tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home") | {"ANIVAULT_PIN": "123456"}

    stored = anivault(["settings", "set", "--tmdb-key"], env, stdin="piped-key-0123456789\n")

    assert stored.returncode == 0, stored.stderr
    assert "Warning" not in stored.stderr and "PIN" not in stored.stderr
    assert load_key(tmp_path / "home" / "tmdb_key.enc", "123456") == "piped-key-0123456789"


def test_key_file_is_stored(tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text("file-key-0123456789\n", encoding="utf-8")
    env = clean_env(tmp_path / "home") | {"ANIVAULT_PIN": "abcdef"}

    stored = anivault(["settings", "set", "--tmdb-key-file", str(key_file)], env)

    assert stored.returncode == 0, stored.stderr
    assert load_key(tmp_path / "home" / "tmdb_key.enc", "abcdef") == "file-key-0123456789"


def test_a_short_pin_is_refused_with_its_code_and_nothing_is_stored(tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home") | {"ANIVAULT_PIN": "12345"}

    refused = anivault(["settings", "set", "--tmdb-key"], env, stdin="some-key\n")

    assert refused.returncode == exit_codes.TMDB_KEY
    assert "error E-KEYSTORE-PIN: " in refused.stderr and "at least 6 characters" in refused.stderr
    assert not (tmp_path / "home" / "tmdb_key.enc").exists()


def test_no_pin_and_no_terminal_says_how_to_give_the_pin(tmp_path: Path) -> None:
    refused = anivault(
        ["--json", "settings", "set", "--tmdb-key"], clean_env(tmp_path / "home"), "some-key\n"
    )

    assert refused.returncode == exit_codes.TMDB_KEY
    assert "error E-KEYSTORE-PIN: " in refused.stderr and "set ANIVAULT_PIN" in refused.stderr
    assert '"code": "E-KEYSTORE-PIN"' in refused.stdout
    assert "Warning" not in refused.stderr
    assert not (tmp_path / "home" / "tmdb_key.enc").exists()


def test_show_says_where_the_key_comes_from_and_never_shows_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = clean_env(home)

    def key_line(extra: dict[str, str]) -> str:
        shown = anivault(["settings", "show"], env | extra)
        assert shown.returncode == 0, shown.stderr
        assert "secret-key-0123456789" not in shown.stdout + shown.stderr
        return next(line for line in shown.stdout.splitlines() if line.startswith("tmdb_key = "))

    assert key_line({}) == "tmdb_key = not set  # none"
    assert (
        anivault(
            ["settings", "set", "--tmdb-key"], env | {"ANIVAULT_PIN": "123456"}, "secret-key-0123456789"
        ).returncode
        == 0
    )
    assert key_line({}) == f"tmdb_key = set  # {home / 'tmdb_key.enc'}"
    assert key_line({"TMDB_API_KEY": "secret-key-0123456789"}) == "tmdb_key = set  # env:TMDB_API_KEY"

    as_json = anivault(["--json", "settings", "show"], env)
    key_events = [line for line in as_json.stdout.splitlines() if '"event": "key"' in line]
    assert len(key_events) == 1 and '"set": true' in key_events[0]
