"""Damaged operator key rows must stop an unlock with the store's own errors, nothing else.

A seized-and-returned or half-restored disk may lose or cut rows; unlocking must then say
StoreCorrupt or UnlockError, never leak an IndexError or a PyNaCl ValueError to the CLI.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from seizure import OPERATOR, passphrase

from safepassage import bootstrap
from safepassage.config import Settings
from safepassage.crypto.errors import UnlockError
from safepassage.crypto.kdf import ENCODED_COST_BYTES, SALT_BYTES
from safepassage.store import schema
from safepassage.store.errors import StoreCorrupt

TEAM = [OPERATOR, passphrase(2), passphrase(3)]


def _store(settings: Settings) -> None:
    bootstrap.initialise_store(settings, TEAM, 2).lock()


def _execute(settings: Settings, statement: sa.Executable) -> None:
    engine = bootstrap.engine_for(settings)
    with engine.begin() as conn:
        conn.execute(statement)
    engine.dispose()


def test_a_deleted_operator_row_is_refused_cleanly(store_settings: Settings) -> None:
    _store(store_settings)
    _execute(store_settings, schema.operator.delete().where(schema.operator.c.position == 2))
    with pytest.raises((StoreCorrupt, UnlockError)):
        bootstrap.unlock_store(store_settings, TEAM[1:])
    bootstrap.unlock_store(store_settings, TEAM[:2]).lock()  # the other two still can


def test_a_missing_instance_wrap_row_is_store_corrupt(store_settings: Settings) -> None:
    _store(store_settings)
    _execute(
        store_settings, schema.instance_wrap.delete().where(schema.instance_wrap.c.position == 2)
    )
    with pytest.raises((StoreCorrupt, UnlockError)):
        bootstrap.unlock_store(store_settings, TEAM[1:])


def test_a_truncated_operator_row_is_store_corrupt(store_settings: Settings) -> None:
    _store(store_settings)
    engine = bootstrap.engine_for(store_settings)
    with engine.begin() as conn:
        slot = conn.execute(
            sa.select(schema.operator.c.slot).where(schema.operator.c.position == 0)
        ).scalar_one()
        conn.execute(
            schema.operator.update()
            .where(schema.operator.c.position == 0)
            .values(slot=bytes(slot)[: ENCODED_COST_BYTES + SALT_BYTES // 2])
        )
    engine.dispose()
    with pytest.raises((StoreCorrupt, UnlockError)):
        bootstrap.unlock_store(store_settings, TEAM[:2])
