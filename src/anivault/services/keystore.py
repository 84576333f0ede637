"""The TMDB key at rest: Fernet-encrypted under a key derived from a PIN with scrypt and a salt.

Environment variables win (``TMDB_API_KEY``/``ANIVAULT_TMDB_KEY``); this store is for people who
would rather not keep the key in a shell profile. The file holds only the salt, the KDF
parameters and the Fernet token; without the PIN it is useless. A wrong PIN, or a new one shorter
than ``MIN_PIN_CHARS``, is ``E-KEYSTORE-PIN``.

cryptography is imported only when a key is stored or read: every command's start-up (``--help``
included) reaches this module through the CLI's context, and most never touch the key.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path

from anivault.errors import ConfigError, KeyStorePinError
from anivault.services.settings import KEY_ENV_VARS
from anivault.utils.atomic import atomic_text

KEYSTORE_NAME = "tmdb_key.enc"
PIN_ENV_VAR = "ANIVAULT_PIN"
MIN_PIN_CHARS = 6
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16


def keystore_path(home: Path) -> Path:
    return home / KEYSTORE_NAME


def key_origin(env: Mapping[str, str], home: Path) -> str | None:
    """Where the TMDB key comes from, without reading it: ``env:NAME``, the store's path, or None.

    The same order as the commands that use the key: a non-empty environment variable wins.
    """
    name = next((name for name in KEY_ENV_VARS if env.get(name, "").strip()), None)
    if name is not None:
        return f"env:{name}"
    store = keystore_path(home)
    return str(store) if store.exists() else None


def store_key(path: Path, api_key: str, pin: str) -> None:
    """Encrypt ``api_key`` under ``pin`` and replace the store atomically (owner-only on POSIX).

    Raises KeyStorePinError for a PIN shorter than ``MIN_PIN_CHARS`` (stores made earlier with a
    shorter one still open: the rule applies to new PINs only).
    """
    from cryptography.fernet import Fernet  # noqa: PLC0415 (module docstring)

    if len(pin) < MIN_PIN_CHARS:
        raise KeyStorePinError(f"the key store PIN must have at least {MIN_PIN_CHARS} characters")
    salt = os.urandom(SALT_BYTES)
    token = Fernet(_derive(pin, salt, SCRYPT_N)).encrypt(api_key.encode("utf-8"))
    payload = {
        "version": 1,
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "salt": base64.b64encode(salt).decode("ascii"),
        "token": token.decode("ascii"),
    }
    with atomic_text(path, permissions=0o600) as out:
        json.dump(payload, out)


def load_key(path: Path, pin: str) -> str:
    """Decrypt the stored key. Raises KeyStorePinError for a wrong PIN, ConfigError for a bad file."""
    from cryptography.fernet import Fernet, InvalidToken  # noqa: PLC0415 (module docstring)

    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        salt = base64.b64decode(payload["salt"])
        token = payload["token"].encode("ascii")
        cost = int(payload["n"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: unreadable key store ({exc}); run settings set --tmdb-key") from exc
    try:
        return Fernet(_derive(pin, salt, cost)).decrypt(token).decode("utf-8")
    except InvalidToken as exc:
        raise KeyStorePinError(f"wrong PIN for the TMDB key store {path}") from exc


def _derive(pin: str, salt: bytes, cost: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # noqa: PLC0415 (module docstring)

    raw = Scrypt(salt=salt, length=32, n=cost, r=SCRYPT_R, p=SCRYPT_P).derive(pin.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)
