"""The platform's signing key for the call log: Ed25519 by default, SM2 (GB/T 32918, with SM3)
where an assessment asks for the national algorithm.

The key comes from ``SHUZHENG_SHARING_SIGNING_KEY_FILE`` (Ed25519: a PEM private key; SM2: the
private key as 64 hex digits); without one it is derived from ``SHUZHENG_DATA_KEY``, so a laptop
install signs with a stable key. Records name the key's id, so a new key leaves old records
verifiable as long as the old public key is kept.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from gmssl import sm2

from shuzheng.core.crypto import sm3

ED25519 = "ed25519"
SM2 = "sm2"


@dataclass(frozen=True)
class Signer:
    algorithm: str
    key_id: str
    public_key: str  # PEM for Ed25519; 128 hex digits (x ‖ y) for SM2
    _private: Ed25519PrivateKey | sm2.CryptSM2

    def sign(self, message: bytes) -> str:
        if isinstance(self._private, Ed25519PrivateKey):
            return base64.b64encode(self._private.sign(message)).decode()
        return str(self._private.sign_with_sm3(message))


def _seed() -> bytes:
    """32 bytes from the data key, for the signing key of an install that has no key file."""
    mac = hmac.HMAC(settings.SHUZHENG_DATA_KEY.encode(), hashes.SM3())
    mac.update(b"shuzheng.sharing.signing-key")
    return mac.finalize()


def _sm2_public(private_hex: str) -> str:
    # gmssl has no public key derivation of its own beyond this multiplication by the base point.
    return str(
        sm2.CryptSM2(private_key=private_hex, public_key="")._kg(int(private_hex, 16), sm2.default_ecc_table["g"])
    )


@cache
def signer() -> Signer:
    """The key records are sealed with, as configured."""
    algorithm = settings.SHUZHENG_SHARING_SIGNATURE
    configured = settings.SHUZHENG_SHARING_SIGNING_KEY_FILE
    text = Path(configured).read_bytes() if configured else b""
    if algorithm == SM2:
        private_hex = text.decode().strip() if text else _seed().hex()
        public = _sm2_public(private_hex)
        private: Ed25519PrivateKey | sm2.CryptSM2 = sm2.CryptSM2(private_key=private_hex, public_key=public)
    else:
        loaded = serialization.load_pem_private_key(text, password=None) if text else None
        if loaded is not None and not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError("SHUZHENG_SHARING_SIGNING_KEY_FILE must hold an Ed25519 private key")
        private = loaded or Ed25519PrivateKey.from_private_bytes(_seed())
        public = (
            private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
    return Signer(algorithm, sm3(public.encode())[:16], public, private)


def verify(*, algorithm: str, public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` is the holder of ``public_key``'s signature of ``message``."""
    try:
        if algorithm == SM2:
            return bool(sm2.CryptSM2(private_key="", public_key=public_key).verify_with_sm3(signature, message))
        key = serialization.load_pem_public_key(public_key.encode())
        if not isinstance(key, Ed25519PublicKey):
            return False
        key.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
