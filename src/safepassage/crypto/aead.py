"""Authenticated encryption: XChaCha20-Poly1305 (IETF) with associated data.

An envelope is `nonce || ciphertext`. The nonce is random; 24 bytes make collisions
negligible, so keys never need counters. The associated data binds the envelope to its
context (see `context.py`) so it cannot be moved to another record or purpose.
"""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from safepassage.crypto.errors import EnvelopeError

KEY_BYTES: int = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES: int = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
TAG_BYTES: int = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
OVERHEAD: int = NONCE_BYTES + TAG_BYTES


def random_key() -> bytes:
    """A fresh random 32-byte symmetric key."""
    return bytes(nacl.utils.random(KEY_BYTES))


def encrypt(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt `plaintext` under `key`, bound to `associated`."""
    if len(key) != KEY_BYTES:
        raise ValueError("AEAD keys are 32 bytes")
    nonce = nacl.utils.random(NONCE_BYTES)
    sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated, nonce, key)
    return bytes(nonce) + bytes(sealed)


def decrypt(key: bytes, envelope: bytes, associated: bytes) -> bytes:
    """Open an envelope made by `encrypt`; any failure is an `EnvelopeError`."""
    if len(key) != KEY_BYTES or len(envelope) < OVERHEAD:
        raise EnvelopeError
    nonce, sealed = envelope[:NONCE_BYTES], envelope[NONCE_BYTES:]
    try:
        return bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, associated, nonce, key)
        )
    except nacl.exceptions.CryptoError:
        raise EnvelopeError from None
