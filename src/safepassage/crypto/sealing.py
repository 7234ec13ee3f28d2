"""Public-key sealing: anyone may seal to a member or a cell; only the holder opens.

Sealed boxes (X25519 + XSalsa20-Poly1305 with an ephemeral sender key) carry record data
keys and cell private keys.
"""

from __future__ import annotations

import nacl.exceptions
import nacl.public

from safepassage.crypto.errors import EnvelopeError


def seal(public_key: bytes, data: bytes) -> bytes:
    """Seal `data` to the X25519 `public_key`."""
    return bytes(nacl.public.SealedBox(nacl.public.PublicKey(public_key)).encrypt(data))


def unseal(private_key: bytes, sealed: bytes) -> bytes:
    """Open a sealed box with the X25519 `private_key`."""
    try:
        box = nacl.public.SealedBox(nacl.public.PrivateKey(private_key))
        return bytes(box.decrypt(sealed))
    except (nacl.exceptions.CryptoError, nacl.exceptions.TypeError, ValueError):
        raise EnvelopeError from None
