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


@pytest.mark.xfail(
    strict=True,
    raises=IndexError,
    reason="BUG src/safepassage/crypto/operators.py open_with_keys (material.wraps[position]) "
    "and store/keyring.py load_material (no check that there is one wrap per k-subset): "
    "a missing instance_wrap row makes unlock_store raise IndexError",
)
def test_a_missing_instance_wrap_row_is_store_corrupt(store_settings: Settings) -> None:
    _store(store_settings)
    _execute(
        store_settings, schema.instance_wrap.delete().where(schema.instance_wrap.c.position == 2)
    )
    with pytest.raises((StoreCorrupt, UnlockError)):
        bootstrap.unlock_store(store_settings, TEAM[1:])


@pytest.mark.xfail(
    strict=True,
    raises=ValueError,
    reason="BUG src/safepassage/store/keyring.py load_material / crypto/operators.py "
    "match_operator: an operator row cut inside its salt gives derive_key a short salt and "
    "PyNaCl raises ValueError out of unlock_store",
)
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
