"""Field encryption and blind indexes for personal data, with the national algorithms.

Sensitive personal data (ID numbers above all) is stored encrypted with SM4 in
GCM mode, so a copied database or backup does not expose it; a blind index
(HMAC-SM3) lets the platform find and de-duplicate records without decrypting.
Both keys derive from ``SHUZHENG_DATA_KEY``; rotating it needs a re-encryption
run, which is why production must set it explicitly and keep it apart from
``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"s1"  # ciphertext layout: version, 12-byte nonce, 16-byte tag, ciphertext
_NONCE_BYTES = 12
_TAG_BYTES = 16


class DecryptionError(ValueError):
    """The value was not produced with this deployment's key, or was altered."""


@cache
def _keys(master: str) -> tuple[bytes, bytes]:
    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SM3(), length=16, salt=None, info=purpose).derive(master.encode())

    return derive(b"shuzheng field encryption"), derive(b"shuzheng blind index")


def encrypt(plaintext: str, *, context: str = "") -> str:
    """Encrypt text for storage; ``context`` (e.g. the field name) binds it to its place."""
    key, _ = _keys(settings.SHUZHENG_DATA_KEY)
    nonce = os.urandom(_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return base64.urlsafe_b64encode(_VERSION + nonce + encryptor.tag + ciphertext).decode()


def decrypt(token: str, *, context: str = "") -> str:
    """The text :func:`encrypt` stored; raises :class:`DecryptionError` if altered."""
    key, _ = _keys(settings.SHUZHENG_DATA_KEY)
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except ValueError as exc:
        raise DecryptionError("not an encrypted value") from exc
    if raw[: len(_VERSION)] != _VERSION:
        raise DecryptionError("unknown ciphertext version")
    body = raw[len(_VERSION) :]
    nonce, tag, ciphertext = body[:_NONCE_BYTES], body[_NONCE_BYTES : _NONCE_BYTES + _TAG_BYTES], body[28:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(ciphertext) + decryptor.finalize()).decode()
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("the value was altered or belongs to another key or field") from exc


def blind_index(value: str, *, context: str = "") -> str:
    """A keyed, deterministic fingerprint for lookups and uniqueness (HMAC-SM3, hex)."""
    _, key = _keys(settings.SHUZHENG_DATA_KEY)
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(context.encode() + b"\x00" + value.encode())
    return mac.finalize().hex()


def sm3_stream(chunks: Iterable[bytes]) -> str:
    """The SM3 digest of data arriving in pieces (a large upload read a megabyte at a time)."""
    digest = hashes.Hash(hashes.SM3())
    for chunk in chunks:
        digest.update(chunk)
    return digest.finalize().hex()


def sm3(data: bytes) -> str:
    """The SM3 digest (GB/T 32905) of ``data``, hex: checksums of files, digests of signed texts."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()
