"""Keys from passphrases: Argon2id, with its cost taken from settings.

Production costs at least 256 MiB per member login and 1 GiB per operator unlock. Tests
use a cheap profile, which `require_production_grade` refuses.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import nacl.pwhash.argon2id as argon2id

from safepassage.crypto.errors import EnvelopeError, KdfProfileError

SALT_BYTES: int = argon2id.SALTBYTES
KEY_BYTES = 32
MIB = 1024 * 1024
# Bounds for costs read back from disk, so a damaged row cannot ask for 1 TiB of memory.
_MAX_OPSLIMIT = 64
_MAX_MEMLIMIT = 8 * 1024 * MIB


@dataclass(frozen=True, slots=True)
class KdfCost:
    """Argon2id work factors: passes over memory, and memory in bytes."""

    opslimit: int
    memlimit: int

    def encode(self) -> bytes:
        return self.opslimit.to_bytes(4, "big") + self.memlimit.to_bytes(8, "big")

    @classmethod
    def decode(cls, raw: bytes) -> KdfCost:
        """Read a stored cost; out-of-range values (a damaged or hostile store) are refused."""
        cost = cls(int.from_bytes(raw[:4], "big"), int.from_bytes(raw[4:12], "big"))
        if not argon2id.OPSLIMIT_MIN <= cost.opslimit <= _MAX_OPSLIMIT:
            raise EnvelopeError
        if not argon2id.MEMLIMIT_MIN <= cost.memlimit <= _MAX_MEMLIMIT:
            raise EnvelopeError
        return cost


ENCODED_COST_BYTES = 12


@dataclass(frozen=True, slots=True)
class KdfProfile:
    """The costs for member logins and for operator unlocks."""

    name: str
    member: KdfCost
    operator: KdfCost


PRODUCTION = KdfProfile(
    name="production",
    member=KdfCost(opslimit=3, memlimit=256 * MIB),
    operator=KdfCost(opslimit=4, memlimit=1024 * MIB),
)
# Cheap enough that the test suite runs thousands of derivations; never for real data.
TEST = KdfProfile(
    name="test",
    member=KdfCost(opslimit=argon2id.OPSLIMIT_MIN, memlimit=argon2id.MEMLIMIT_MIN),
    operator=KdfCost(opslimit=argon2id.OPSLIMIT_MIN, memlimit=argon2id.MEMLIMIT_MIN),
)
PROFILES = {PRODUCTION.name: PRODUCTION, TEST.name: TEST}


def require_production_grade(profile: KdfProfile) -> None:
    """Refuse a profile cheaper than production's floor."""
    floor = PRODUCTION
    if profile.member.memlimit < floor.member.memlimit:
        raise KdfProfileError("member key derivation is below 256 MiB")
    if profile.operator.memlimit < floor.operator.memlimit:
        raise KdfProfileError("operator key derivation is below 1 GiB")
    if profile.member.opslimit < floor.member.opslimit:
        raise KdfProfileError("member key derivation has too few passes")
    if profile.operator.opslimit < floor.operator.opslimit:
        raise KdfProfileError("operator key derivation has too few passes")


def normalise_passphrase(passphrase: str) -> bytes:
    """The same passphrase typed on different keyboards gives the same bytes."""
    return unicodedata.normalize("NFKC", passphrase).strip().encode("utf-8")


def derive_key(passphrase: str, salt: bytes, cost: KdfCost) -> bytes:
    """A 32-byte key from a passphrase with Argon2id."""
    return bytes(
        argon2id.kdf(
            KEY_BYTES,
            normalise_passphrase(passphrase),
            salt,
            opslimit=cost.opslimit,
            memlimit=cost.memlimit,
        )
    )
