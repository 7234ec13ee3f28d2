"""Creating, unlocking and burning a store."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from safepassage.crypto.errors import UnlockError
from safepassage.crypto.kdf import KdfCost
from safepassage.store import dialects, migrate, schema
from safepassage.store.errors import StoreCorrupt, StoreExists, StoreMissing
from safepassage.store.keyring import Subkeys, create_instance_key, unlock_instance_key
from safepassage.store.vault import Progress, Vault


def _has_schema(engine: sa.Engine) -> bool:
    try:
        return migrate.current_revision(engine) is not None
    except sa.exc.DatabaseError:
        raise StoreCorrupt("the database file is damaged or is not a safepassage store") from None


def initialise(
    engine: sa.Engine, passphrases: Sequence[str], threshold: int, cost: KdfCost
) -> Vault:
    """A new, unlocked store. Refuses to touch a database that already holds one."""
    if _has_schema(engine):
        raise StoreExists("a store already exists here; nothing was changed")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        instance_key = create_instance_key(conn, passphrases, threshold, cost)
    return Vault(engine, Subkeys.from_instance_key(instance_key))


def unlock(
    engine: sa.Engine, passphrases: Sequence[str], progress: Progress | None = None
) -> Vault:
    """Unwrap the instance key with operators' passphrases and rebuild the index."""
    if not _has_schema(engine):
        raise StoreMissing("there is no safepassage store here")
    if migrate.current_revision(engine) != migrate.head_revision():
        migrate.upgrade(engine)
    with engine.connect() as conn:
        instance_key = unlock_instance_key(conn, passphrases)
    vault = Vault(engine, Subkeys.from_instance_key(instance_key))
    vault.load(progress)
    return vault


def burn(engine: sa.Engine) -> None:
    """Destroy all key material: every row left behind is noise to anyone, operators included."""
    if not _has_schema(engine):
        raise StoreMissing("there is no safepassage store here")
    with engine.begin() as conn:
        for table in (schema.instance_wrap, schema.operator, schema.epoch, schema.member_slot):
            conn.execute(table.delete())
    dialects.flush_to_rest(engine)


__all__ = ["UnlockError", "burn", "initialise", "unlock"]
