"""Pad plaintexts to size buckets so a ciphertext's length says little.

Buckets are powers of two from 256 bytes: a 10-byte note and a 200-byte note look alike,
and a large body reveals its size only to within a factor of two. The padding is
libsodium's ISO/IEC 7816-4 scheme (`sodium_pad`).
"""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions

from safepassage.crypto.errors import EnvelopeError

MIN_BUCKET = 256


def bucket_size(length: int) -> int:
    """The padded size for a plaintext of `length` bytes (one byte of marker included)."""
    size = MIN_BUCKET
    while size < length + 1:
        size *= 2
    return size


def pad(data: bytes) -> bytes:
    """Pad `data` to its bucket."""
    return bytes(sodium.sodium_pad(data, bucket_size(len(data))))


def unpad(data: bytes) -> bytes:
    """Remove padding added by `pad`; malformed padding is an `EnvelopeError`."""
    if not data or len(data) % MIN_BUCKET:
        raise EnvelopeError
    try:
        return bytes(sodium.sodium_unpad(data, len(data)))
    except (nacl.exceptions.CryptoError, ValueError):
        raise EnvelopeError from None
