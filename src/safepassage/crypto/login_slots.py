"""Login slots: a member's private keys encrypted under their passphrase.

Every member has exactly two slots of identical size, in random order: the real one, and a
duress one (decoy keys, flagged inside the ciphertext) or random bytes of the same length.
Login always derives a key for both slots, so neither timing nor the stored bytes say
whether a duress passphrase exists or which slot is which. Successful decryption is the
authentication.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import nacl.utils

from safepassage.crypto import aead
from safepassage.crypto.context import Purpose, associated_data
from safepassage.crypto.errors import EnvelopeError
from safepassage.crypto.kdf import (
    ENCODED_COST_BYTES,
    SALT_BYTES,
    KdfCost,
    derive_key,
    normalise_passphrase,
)
from safepassage.crypto.keypairs import BoxKeyPair, MemberKeys

MEMBER_ID_BYTES = 16
_REAL = b"\x01"
_DURESS = b"\x02"
_PLAINTEXT_BYTES = 1 + MEMBER_ID_BYTES + 32 + 32
SLOT_BYTES = ENCODED_COST_BYTES + SALT_BYTES + aead.OVERHEAD + _PLAINTEXT_BYTES


@dataclass(frozen=True, slots=True)
class SlotContents:
    """What a slot opens to: whose keys, and whether it was the duress passphrase."""

    member_id: bytes
    keys: MemberKeys
    duress: bool


def _ad(tag: bytes, cost: KdfCost, salt: bytes) -> bytes:
    # The stored cost and salt are authenticated too: no byte of a slot can change unnoticed.
    return associated_data(Purpose.LOGIN_SLOT, "", tag + cost.encode() + salt)


def _make_slot(
    tag: bytes, flag: bytes, member_id: bytes, keys: MemberKeys, passphrase: str, cost: KdfCost
) -> bytes:
    salt = bytes(nacl.utils.random(SALT_BYTES))
    plaintext = flag + member_id + keys.box.private + keys.signing_seed
    sealed = aead.encrypt(derive_key(passphrase, salt, cost), plaintext, _ad(tag, cost, salt))
    return cost.encode() + salt + sealed


def filler_slot(cost: KdfCost) -> bytes:
    """Random bytes shaped like a slot: for members without a duress passphrase."""
    return cost.encode() + bytes(nacl.utils.random(SLOT_BYTES - ENCODED_COST_BYTES))


def make_slots(
    tag: bytes,
    member_id: bytes,
    keys: MemberKeys,
    passphrase: str,
    cost: KdfCost,
    duress: tuple[MemberKeys, str] | None = None,
) -> tuple[bytes, bytes]:
    """Two slots for one member, in random order. `tag` is the member's lookup tag."""
    if len(member_id) != MEMBER_ID_BYTES:
        raise ValueError("member ids are 16 bytes")
    real = _make_slot(tag, _REAL, member_id, keys, passphrase, cost)
    if duress is None:
        other = filler_slot(cost)
    else:
        decoy_keys, duress_passphrase = duress
        if normalise_passphrase(duress_passphrase) == normalise_passphrase(passphrase):
            raise ValueError("the duress passphrase must differ from the real one")
        other = _make_slot(tag, _DURESS, member_id, decoy_keys, duress_passphrase, cost)
    return (real, other) if secrets.randbits(1) else (other, real)


def _try_open(tag: bytes, slot: bytes, passphrase: str) -> SlotContents | None:
    if len(slot) != SLOT_BYTES:
        return None
    try:
        cost = KdfCost.decode(slot[:ENCODED_COST_BYTES])
    except EnvelopeError:
        return None
    salt = slot[ENCODED_COST_BYTES : ENCODED_COST_BYTES + SALT_BYTES]
    key = derive_key(passphrase, salt, cost)
    try:
        sealed = slot[ENCODED_COST_BYTES + SALT_BYTES :]
        plaintext = aead.decrypt(key, sealed, _ad(tag, cost, salt))
    except EnvelopeError:
        return None
    flag, rest = plaintext[:1], plaintext[1:]
    member_id, box, seed = rest[:MEMBER_ID_BYTES], rest[16:48], rest[48:80]
    keys = MemberKeys(box=BoxKeyPair.from_private(box), signing_seed=seed)
    return SlotContents(member_id=member_id, keys=keys, duress=flag == _DURESS)


def open_slots(tag: bytes, slots: tuple[bytes, bytes], passphrase: str) -> SlotContents | None:
    """Try `passphrase` on both slots; None when neither opens.

    Both derivations always run, whichever slot matches, so the time taken does not depend
    on which slot opened or whether a duress slot exists.
    """
    results = [_try_open(tag, slot, passphrase) for slot in slots]
    for result in results:
        if result is not None:
            return result
    return None
