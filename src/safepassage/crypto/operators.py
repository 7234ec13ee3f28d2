"""The instance key at rest: wrapped under operator passphrases, k of n.

Each operator's passphrase gives a key by Argon2id with its own salt. For every set of k
operators, the instance key is encrypted under a key hashed from their k keys together, so
any k operators can unlock and fewer cannot. This needs no secret-sharing scheme of our own:
only Argon2id, BLAKE2b and AEAD. With n up to 5 the number of wraps stays small (10 for
3-of-5). A short check envelope per operator tells which operator a passphrase belongs to.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import nacl.utils

from safepassage.crypto import aead
from safepassage.crypto.context import Purpose, associated_data
from safepassage.crypto.errors import EnvelopeError, UnlockError
from safepassage.crypto.kdf import SALT_BYTES, KdfCost, derive_key
from safepassage.crypto.subkeys import keyed_hash

MAX_OPERATORS = 7
_COMBINE = b"sp.op-combine"


@dataclass(frozen=True, slots=True)
class OperatorSlot:
    """One operator's salt, cost and check envelope. Holds nothing secret."""

    salt: bytes
    cost: KdfCost
    check: bytes


@dataclass(frozen=True, slots=True)
class OperatorMaterial:
    """Everything stored to unlock the instance key: slots and one wrap per k-subset."""

    threshold: int
    slots: tuple[OperatorSlot | None, ...]  # None: that operator's row is missing
    wraps: tuple[bytes, ...]


def _subsets(n: int, k: int) -> list[tuple[int, ...]]:
    return list(itertools.combinations(range(n), k))


def _combined_key(indices: Sequence[int], keys: Sequence[bytes]) -> bytes:
    material = b"".join(i.to_bytes(1, "big") + key for i, key in zip(indices, keys, strict=True))
    return keyed_hash(b"", material, person=_COMBINE)


def _check_ad(salt: bytes, cost: KdfCost) -> bytes:
    # Cost and salt are authenticated: a changed byte of an operator row is detected.
    return associated_data(Purpose.OPERATOR_CHECK, "", salt + cost.encode())


def _wrap_ad(indices: Sequence[int]) -> bytes:
    return associated_data(Purpose.INSTANCE, "", bytes(indices))


def wrap_instance_key(
    instance_key: bytes, passphrases: Sequence[str], threshold: int, cost: KdfCost
) -> OperatorMaterial:
    """Wrap `instance_key` so that any `threshold` of the `passphrases` unlock it."""
    n = len(passphrases)
    if not 1 <= threshold <= n <= MAX_OPERATORS:
        raise ValueError("need 1 <= threshold <= operators <= 7")
    slots: list[OperatorSlot] = []
    keys: list[bytes] = []
    for passphrase in passphrases:
        salt = bytes(nacl.utils.random(SALT_BYTES))
        key = derive_key(passphrase, salt, cost)
        keys.append(key)
        slots.append(OperatorSlot(salt, cost, aead.encrypt(key, b"", _check_ad(salt, cost))))
    wraps = tuple(
        aead.encrypt(
            _combined_key(subset, [keys[i] for i in subset]), instance_key, _wrap_ad(subset)
        )
        for subset in _subsets(n, threshold)
    )
    return OperatorMaterial(threshold, tuple(slots), wraps)


def match_operator(
    material: OperatorMaterial, passphrase: str, skip: set[int]
) -> tuple[int, bytes]:
    """Which operator `passphrase` belongs to, and their key; `UnlockError` if none."""
    for index, slot in enumerate(material.slots):
        if index in skip or slot is None:
            continue
        if len(slot.salt) != SALT_BYTES:
            raise UnlockError("the operator key material is damaged")
        key = derive_key(passphrase, slot.salt, slot.cost)
        try:
            aead.decrypt(key, slot.check, _check_ad(slot.salt, slot.cost))
        except EnvelopeError:
            continue
        return index, key
    raise UnlockError("that passphrase does not belong to any operator of this store")


def unwrap_instance_key(material: OperatorMaterial, passphrases: Sequence[str]) -> bytes:
    """The instance key, from at least `threshold` distinct operators' passphrases."""
    matched: dict[int, bytes] = {}
    for passphrase in passphrases:
        index, key = match_operator(material, passphrase, skip=set(matched))
        matched[index] = key
        if len(matched) == material.threshold:
            break
    if len(matched) < material.threshold:
        raise UnlockError(f"{material.threshold} operator passphrases are needed")
    return open_with_keys(material, matched)


def open_with_keys(material: OperatorMaterial, matched: dict[int, bytes]) -> bytes:
    """The instance key from `threshold` matched operator keys (index -> key)."""
    subset = tuple(sorted(matched))[: material.threshold]
    subsets = _subsets(len(material.slots), material.threshold)
    if len(material.wraps) != len(subsets):
        raise UnlockError("the operator key material is damaged")
    position = subsets.index(subset)
    key = _combined_key(subset, [matched[i] for i in subset])
    try:
        return aead.decrypt(key, material.wraps[position], _wrap_ad(subset))
    except EnvelopeError:
        raise UnlockError("the operator key material is damaged") from None
