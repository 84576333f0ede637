"""The encrypted TMDB key store: round trip, wrong PIN, a damaged file, owner-only permissions."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from anivault.errors import ConfigError, KeyStorePinError
from anivault.services.keystore import keystore_path, load_key, store_key

KEY = "0123456789abcdef0123456789abcdef"


def test_round_trip_and_the_file_holds_no_key_or_pin(tmp_path: Path) -> None:
    path = keystore_path(tmp_path)

    store_key(path, KEY, "246813")

    assert load_key(path, "246813") == KEY
    text = path.read_text(encoding="utf-8")
    assert KEY not in text and "246813" not in text
    assert json.loads(text)["kdf"] == "scrypt"


def test_each_store_uses_a_fresh_salt(tmp_path: Path) -> None:
    first, second = tmp_path / "a.enc", tmp_path / "b.enc"
    store_key(first, KEY, "246813")
    store_key(second, KEY, "246813")

    assert json.loads(first.read_text())["salt"] != json.loads(second.read_text())["salt"]


def test_wrong_pin_is_its_own_error(tmp_path: Path) -> None:
    path = keystore_path(tmp_path)
    store_key(path, KEY, "246813")

    with pytest.raises(KeyStorePinError) as raised:
        load_key(path, "135724")

    assert raised.value.code == "E-KEYSTORE-PIN"
    assert KEY not in str(raised.value)


def test_damaged_store_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = keystore_path(tmp_path)
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_key(path, "246813")

    assert not isinstance(raised.value, KeyStorePinError)
    assert str(path) in raised.value.message


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_store_is_owner_only(tmp_path: Path) -> None:
    path = keystore_path(tmp_path)
    store_key(path, KEY, "246813")

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_new_pin_shorter_than_six_characters_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = keystore_path(tmp_path)

    with pytest.raises(KeyStorePinError) as raised:
        store_key(path, KEY, "12345")

    assert "at least 6 characters" in raised.value.message
    assert not path.exists()
