"""Login slots at rest: one row per member, found by a keyed tag of the codename."""

from __future__ import annotations

import unicodedata
from typing import Protocol

import sqlalchemy as sa

from safepassage.crypto import login_slots
from safepassage.crypto.kdf import KdfCost
from safepassage.crypto.keypairs import BoxKeyPair, MemberKeys
from safepassage.crypto.login_slots import SlotContents
from safepassage.crypto.subkeys import keyed_hash
from safepassage.store import schema
from safepassage.store.vault import KeyPair, Vault


def normalise_codename(codename: str) -> str:
    return unicodedata.normalize("NFKC", codename).strip().casefold()


class MemberKeyring(Protocol):
    @property
    def box(self) -> KeyPair: ...
    @property
    def signing_seed(self) -> bytes: ...


def _concrete(keys: MemberKeyring) -> MemberKeys:
    return MemberKeys(BoxKeyPair(keys.box.public, keys.box.private), keys.signing_seed)


class Logins:
    """Create, open and remove members' login slots."""

    def __init__(self, vault: Vault, cost: KdfCost) -> None:
        self._vault = vault
        self._cost = cost
        # Unknown codenames are tried against these, so they cost the same as known ones.
        self._dummy = (login_slots.filler_slot(cost), login_slots.filler_slot(cost))

    def tag(self, codename: str) -> bytes:
        key = self._vault.subkeys.member_lookup
        return keyed_hash(key, normalise_codename(codename).encode())

    def exists(self, codename: str) -> bool:
        with self._vault.engine.connect() as conn:
            row = conn.execute(
                sa.select(schema.member_slot.c.tag).where(
                    schema.member_slot.c.tag == self.tag(codename)
                )
            ).first()
        return row is not None

    def create(
        self,
        codename: str,
        member_id: bytes,
        keys: MemberKeyring,
        passphrase: str,
        duress: tuple[MemberKeyring, str] | None = None,
    ) -> None:
        tag = self.tag(codename)
        decoy = None if duress is None else (_concrete(duress[0]), duress[1])
        slot_a, slot_b = login_slots.make_slots(
            tag, member_id, _concrete(keys), passphrase, self._cost, decoy
        )
        with self._vault.engine.begin() as conn:
            conn.execute(schema.member_slot.delete().where(schema.member_slot.c.tag == tag))
            conn.execute(schema.member_slot.insert().values(tag=tag, slot_a=slot_a, slot_b=slot_b))

    def remove(self, codename: str) -> None:
        with self._vault.engine.begin() as conn:
            conn.execute(
                schema.member_slot.delete().where(schema.member_slot.c.tag == self.tag(codename))
            )

    def open(self, codename: str, passphrase: str) -> SlotContents | None:
        """The member's keys if the passphrase opens a slot; None otherwise, unknown or not."""
        tag = self.tag(codename)
        with self._vault.engine.connect() as conn:
            row = conn.execute(
                sa.select(schema.member_slot).where(schema.member_slot.c.tag == tag)
            ).first()
        slots = (bytes(row.slot_a), bytes(row.slot_b)) if row is not None else self._dummy
        return login_slots.open_slots(tag, slots, passphrase)
