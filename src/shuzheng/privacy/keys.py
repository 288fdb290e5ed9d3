"""Keys of the privacy engine: reversible SM4 tokens and keyed HMAC-SM3 hashes.

A token is deterministic — the same value under the same key and domain gives
the same token, so tokenised columns still join and count — and authenticated:
the nonce is an HMAC of the value (a synthetic IV), so a token cannot be forged
or altered without the key. Each token names the key it was made with, which is
how rotation works: new tokens use the active key, old keys stay in the ring
to read old tokens, and ``token_rotate`` re-issues a token under the active key.

The ring comes from ``SHUZHENG_PRIVACY_KEY_FILE`` (JSON: ``{"active": "2026",
"keys": {"2026": "<32 hex digits>", "2025": "…"}}``); without it, one key
``k0`` is derived from ``SHUZHENG_DATA_KEY`` so the embedded default works.
"""

from __future__ import annotations

import base64
import hmac as std_hmac
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

TOKEN_PREFIX = "T1"  # noqa: S105 -- the format version of tokens, not a secret
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_NONCE, _TAG = 12, 16


class TokenError(ValueError):
    """A token that this deployment cannot read: unknown key, altered, or not a token at all."""


@dataclass(frozen=True)
class Ring:
    """The keys by id, and which one makes new tokens and hashes."""

    active: str
    keys: dict[str, bytes]


def _derive(master: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=16, salt=None, info=purpose.encode()).derive(master)


@cache
def _ring_from(path: str, modified: float, data_key: str) -> Ring:
    if not path:
        return Ring("k0", {"k0": _derive(data_key.encode(), "shuzheng privacy key k0")})
    try:
        raw = json.loads(Path(path).read_text("utf-8"))
        keys = {key_id: bytes.fromhex(value) for key_id, value in raw["keys"].items()}
        active = raw["active"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured(f"SHUZHENG_PRIVACY_KEY_FILE: not a key ring: {exc}") from None
    if active not in keys or any(not _KEY_ID.fullmatch(k) or len(v) != 16 for k, v in keys.items()):
        raise ImproperlyConfigured("SHUZHENG_PRIVACY_KEY_FILE: each key is 32 hex digits under a short id, one active")
    return Ring(active, keys)


def ring() -> Ring:
    """The current key ring; a changed key file is read again."""
    path = settings.SHUZHENG_PRIVACY_KEY_FILE
    modified = Path(path).stat().st_mtime if path and Path(path).exists() else 0.0
    return _ring_from(path, modified, settings.SHUZHENG_DATA_KEY)


@cache
def _subkeys(key: bytes) -> tuple[bytes, bytes, bytes]:
    return _derive(key, "token encryption"), _derive(key, "token nonce"), _derive(key, "keyed hash")


def _key(key_id: str | None) -> tuple[str, bytes]:
    keys = ring()
    chosen = key_id or keys.active
    if chosen not in keys.keys:
        raise TokenError(_("密钥 %(key)s 不在密钥环中（可能已停用，或令牌来自其他系统）") % {"key": chosen})
    return chosen, keys.keys[chosen]


def _mac(key: bytes, *parts: str) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update("\x00".join(parts).encode())
    return mac.finalize()


def tokenize(value: str, *, domain: str = "", key_id: str | None = None) -> str:
    """A reversible token for ``value``: ``T1.<key id>.<base64>``, the same for the same value, key and domain."""
    chosen, key = _key(key_id)
    encryption, nonce_key, _hash = _subkeys(key)
    nonce = _mac(nonce_key, domain, value)[:_NONCE]
    encryptor = Cipher(algorithms.SM4(encryption), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(f"{chosen}\x00{domain}".encode())
    body = encryptor.update(value.encode()) + encryptor.finalize()
    payload = base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode().rstrip("=")
    return f"{TOKEN_PREFIX}.{chosen}.{payload}"


def detokenize(token: str, *, domain: str = "") -> str:
    """The value behind a token; :class:`TokenError` if the key is unknown or the token was altered."""
    prefix, _sep, rest = token.partition(".")
    key_id, _sep, payload = rest.partition(".")
    if prefix != TOKEN_PREFIX or not _KEY_ID.fullmatch(key_id) or not payload:
        raise TokenError(_("不是本平台的令牌"))
    chosen, key = _key(key_id)
    encryption, nonce_key, _hash = _subkeys(key)
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except ValueError:
        raise TokenError(_("令牌已被篡改")) from None
    if len(raw) < _NONCE + _TAG:
        raise TokenError(_("令牌已被篡改"))
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(encryption), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(f"{chosen}\x00{domain}".encode())
    try:
        value = (decryptor.update(body) + decryptor.finalize()).decode()
    except (InvalidTag, UnicodeDecodeError):
        raise TokenError(_("令牌已被篡改，或属于另一个用途")) from None
    # The nonce is the value's HMAC: a valid tag on any other nonce means a forged token.
    if not std_hmac.compare_digest(nonce, _mac(nonce_key, domain, value)[:_NONCE]):
        raise TokenError(_("令牌已被篡改"))
    return value


def token_rotate(token: str, *, domain: str = "") -> str:
    """The same value's token under the active key (unchanged if it already uses it)."""
    return tokenize(detokenize(token, domain=domain), domain=domain)


def keyed_hash(value: str, *, domain: str = "", key_id: str | None = None) -> str:
    """HMAC-SM3 of ``value`` under a ring key, 32 hex digits: joins without disclosure, not reversible."""
    _chosen, key = _key(key_id)
    return _mac(_subkeys(key)[2], domain, value)[:16].hex()
