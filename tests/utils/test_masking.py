"""Masker: query keys, bearer tokens, registered secrets and the home prefix never survive."""

from __future__ import annotations

import pytest

from anivault.utils.masking import MASK, Masker

KEY = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET https://h/3/search/tv?api_key=SECRET&query=x", "GET https://h/3/search/tv?api_key=***&query=x"),
        ("https://h/3/tv/1?language=ja&API_KEY=SECRET", "https://h/3/tv/1?language=ja&API_KEY=***"),
        ('url="https://h/?api_key=SECRET" next', 'url="https://h/?api_key=***" next'),
        ("api_key=SECRET more", "api_key=*** more"),
        ("TMDB_API_KEY=SECRET", "TMDB_API_KEY=***"),
        ("params={'api_key': 'SECRET', 'query': 'x'}", "params={'api_key': '***', 'query': 'x'}"),
        ('{"api_key": "SECRET"}', '{"api_key": "***"}'),
        ("api_key=", "api_key=***"),
    ],
)
def test_api_key_values_are_masked(text: str, expected: str) -> None:
    assert Masker().mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.abc-_~+/==", "Authorization: Bearer ***"),
        ("headers={'Authorization': 'Bearer tok123'}", "headers={'Authorization': 'Bearer ***'}"),
        ("bearer abc def", "bearer *** def"),
    ],
)
def test_bearer_tokens_are_masked(text: str, expected: str) -> None:
    assert Masker().mask(text) == expected


def test_registered_secrets_are_masked_anywhere() -> None:
    masker = Masker(secrets=[KEY, "abc"])  # "abc" is too short to be worth masking
    assert masker.mask(f"key is {KEY}!") == f"key is {MASK}!"
    assert masker.mask(f"prefix{KEY}suffix") == f"prefix{MASK}suffix"
    assert masker.mask("abc stays") == "abc stays"


def test_longest_secret_wins_and_regex_characters_are_literal() -> None:
    masker = Masker(secrets=["a.b*", "a.b*c+d"])
    assert masker.mask("x a.b*c+d y a.b* z aXb") == "x *** y *** z aXb"


def test_with_secret_returns_a_new_masker_and_keeps_the_old_one() -> None:
    first = Masker(home="/home/ann")
    second = first.with_secret(KEY)
    assert first.mask(KEY) == KEY
    assert second.mask(KEY) == MASK
    assert second.home == "/home/ann"
    assert second.secret_count == 1


def test_repr_hides_secrets() -> None:
    assert KEY not in repr(Masker(secrets=[KEY]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/home/ann/Videos/a.mkv", "~/Videos/a.mkv"),
        ("path=/home/ann", "path=~"),
        ('"/home/ann/x"', '"~/x"'),
        ("/home/ann2/x", "/home/ann2/x"),
        ("/home/ann.bak/x", "/home/ann.bak/x"),
        ("/mnt/home/ann/x", "/mnt/home/ann/x"),
        ("/home/ann/a and /home/ann/b", "~/a and ~/b"),
    ],
)
def test_posix_home_is_masked_only_as_a_prefix(text: str, expected: str) -> None:
    assert Masker(home="/home/ann/").mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"C:\Users\Ann\Videos\a.mkv", r"~\Videos\a.mkv"),
        ("C:/Users/Ann/Videos", "~/Videos"),
        (r"c:\users\ann\x", r"~\x"),
        (r'"C:\\Users\\Ann\\x"', r'"~\\x"'),  # as it appears inside a JSON string
        (r"C:\Users\Anna\x", r"C:\Users\Anna\x"),
    ],
)
def test_windows_home_is_masked_case_insensitively(text: str, expected: str) -> None:
    assert Masker(home="C:\\Users\\Ann").mask(text) == expected


@pytest.mark.parametrize("home", [None, "", "/", "C:\\", "C:"])
def test_root_or_missing_home_masks_nothing(home: str | None) -> None:
    masker = Masker(home=home)
    assert masker.home is None
    assert masker.mask("/usr/lib C:\\x") == "/usr/lib C:\\x"


def test_masking_twice_changes_nothing() -> None:
    masker = Masker(secrets=[KEY], home="/home/ann")
    once = masker.mask(f"/home/ann/x?api_key={KEY} Bearer {KEY} {KEY}")
    assert once == "~/x?api_key=*** Bearer *** ***"
    assert masker.mask(once) == once
