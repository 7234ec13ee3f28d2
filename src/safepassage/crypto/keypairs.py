"""Key pairs of members and cells.

A member holds an X25519 pair (records are sealed to it) and an Ed25519 pair (for signing,
e.g. audit entries and handoff confirmations). A cell holds an X25519 pair whose private key
is sealed to each of its members.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nacl.exceptions
import nacl.public
import nacl.signing


@dataclass(frozen=True, slots=True)
class BoxKeyPair:
    """An X25519 key pair; the private half never appears in repr."""

    public: bytes
    private: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> BoxKeyPair:
        sk = nacl.public.PrivateKey.generate()
        return cls(public=bytes(sk.public_key), private=bytes(sk))

    @classmethod
    def from_private(cls, private: bytes) -> BoxKeyPair:
        sk = nacl.public.PrivateKey(private)
        return cls(public=bytes(sk.public_key), private=private)


@dataclass(frozen=True, slots=True)
class MemberKeys:
    """A member's private keys, as held in a login slot and in a session."""

    box: BoxKeyPair
    signing_seed: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> MemberKeys:
        seed = bytes(nacl.signing.SigningKey.generate())
        return cls(box=BoxKeyPair.generate(), signing_seed=seed)

    @property
    def verify_key(self) -> bytes:
        return bytes(nacl.signing.SigningKey(self.signing_seed).verify_key)

    def sign(self, message: bytes) -> bytes:
        return bytes(nacl.signing.SigningKey(self.signing_seed).sign(message).signature)


def verify(verify_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is `verify_key`'s signature of `message`."""
    try:
        nacl.signing.VerifyKey(verify_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        return False
    return True
