"""The instance key's life: created at init, unlocked from operator passphrases, burned.

Holds the subkeys the running server uses; nothing here is written to disk unwrapped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from safepassage.crypto import aead
from safepassage.crypto.errors import EnvelopeError
from safepassage.crypto.kdf import ENCODED_COST_BYTES, SALT_BYTES, KdfCost
from safepassage.crypto.operators import (
    MAX_OPERATORS,
    OperatorMaterial,
    OperatorSlot,
    unwrap_instance_key,
    wrap_instance_key,
)
from safepassage.crypto.subkeys import Subkey, derive_subkey
from safepassage.store import schema
from safepassage.store.errors import StoreCorrupt


@dataclass(frozen=True, slots=True)
class Subkeys:
    """Subkeys of the instance key for the running server."""

    row: bytes = field(repr=False)
    epoch_wrap: bytes = field(repr=False)
    epoch_tag: bytes = field(repr=False)
    wrap_tag: bytes = field(repr=False)
    member_lookup: bytes = field(repr=False)
    handle_index: bytes = field(repr=False)
    outbox: bytes = field(repr=False)
    release: bytes = field(repr=False)
    server_tag: bytes = field(repr=False)

    @classmethod
    def from_instance_key(cls, instance_key: bytes) -> Subkeys:
        return cls(
            row=derive_subkey(instance_key, Subkey.ROW),
            epoch_wrap=derive_subkey(instance_key, Subkey.EPOCH_WRAP),
            epoch_tag=derive_subkey(instance_key, Subkey.EPOCH_TAG),
            wrap_tag=derive_subkey(instance_key, Subkey.WRAP_TAG),
            member_lookup=derive_subkey(instance_key, Subkey.MEMBER_LOOKUP),
            handle_index=derive_subkey(instance_key, Subkey.HANDLE_INDEX),
            outbox=derive_subkey(instance_key, Subkey.OUTBOX),
            release=derive_subkey(instance_key, Subkey.RELEASE),
            server_tag=derive_subkey(instance_key, Subkey.SERVER_TAG),
        )


def create_instance_key(
    connection: sa.Connection, passphrases: Sequence[str], threshold: int, cost: KdfCost
) -> bytes:
    """A new instance key, stored only wrapped under the operators' passphrases."""
    instance_key = aead.random_key()
    material = wrap_instance_key(instance_key, passphrases, threshold, cost)
    connection.execute(
        schema.operator.insert(),
        [
            {"position": i, "threshold": threshold, "slot": s.cost.encode() + s.salt + s.check}
            for i, s in enumerate(material.slots)
            if s is not None  # always: a fresh material has every operator's slot
        ],
    )
    connection.execute(
        schema.instance_wrap.insert(),
        [{"position": i, "sealed": w} for i, w in enumerate(material.wraps)],
    )
    return instance_key


def load_material(connection: sa.Connection) -> OperatorMaterial:
    operators = connection.execute(
        sa.select(schema.operator).order_by(schema.operator.c.position)
    ).all()
    wraps = connection.execute(
        sa.select(schema.instance_wrap).order_by(schema.instance_wrap.c.position)
    ).all()
    if not operators or not wraps:
        raise StoreCorrupt("this store has no operator key material (burned or damaged)")
    thresholds = {row.threshold for row in operators}
    if len(thresholds) != 1:
        raise StoreCorrupt("the operator key material is damaged")
    threshold = thresholds.pop()
    count = _operator_count(threshold, [row.position for row in wraps])
    slots: list[OperatorSlot | None] = [None] * count
    for row in operators:
        if not 0 <= row.position < count:
            raise StoreCorrupt("the operator key material is damaged")
        slots[row.position] = _slot(bytes(row.slot))
    return OperatorMaterial(threshold, tuple(slots), tuple(bytes(w.sealed) for w in wraps))


def _operator_count(threshold: int, wrap_positions: list[int]) -> int:
    """How many operators the store was made for, from its wraps (one per k-subset).

    A lost operator row leaves the others able to unlock; a lost wrap is damage.
    """
    if wrap_positions != list(range(len(wrap_positions))):
        raise StoreCorrupt("the operator key material is damaged")
    for count in range(threshold, MAX_OPERATORS + 1):
        if math.comb(count, threshold) == len(wrap_positions):
            return count
    raise StoreCorrupt("the operator key material is damaged")


def _slot(raw: bytes) -> OperatorSlot:
    if len(raw) <= ENCODED_COST_BYTES + SALT_BYTES:
        raise StoreCorrupt("the operator key material is damaged")
    try:
        cost = KdfCost.decode(raw[:ENCODED_COST_BYTES])
    except EnvelopeError:
        raise StoreCorrupt("the operator key material is damaged") from None
    salt = raw[ENCODED_COST_BYTES : ENCODED_COST_BYTES + SALT_BYTES]
    return OperatorSlot(salt, cost, raw[ENCODED_COST_BYTES + SALT_BYTES :])


def unlock_instance_key(connection: sa.Connection, passphrases: Sequence[str]) -> bytes:
    return unwrap_instance_key(load_material(connection), passphrases)
