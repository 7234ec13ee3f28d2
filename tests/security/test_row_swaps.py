"""Rows moved between records at rest are rejected: associated data binds each to its place.

Someone with write access to the database (a restored backup, a hostile host) swaps
ciphertexts between rows; the running server must refuse them, never serve one record's
content as another's.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from seizure import OPERATOR

from safepassage import bootstrap
from safepassage.config import Settings
from safepassage.crypto.keypairs import BoxKeyPair
from safepassage.domain.record_header import NewRecord, RecordHeader
from safepassage.store import schema
from safepassage.store.errors import NotReadable, StoreCorrupt

DAY = dt.date(2026, 12, 1)


def _two_records(
    runtime: bootstrap.Runtime, pair: BoxKeyPair, kinds: tuple[str, str] = ("case", "case")
) -> tuple[bytes, bytes]:
    first, second = runtime.vault.write_many(
        [
            NewRecord(RecordHeader(kind=kinds[0], expires=DAY, recipients=(pair.public,)), b"one"),
            NewRecord(RecordHeader(kind=kinds[1], expires=DAY, recipients=(pair.public,)), b"two"),
        ]
    )
    return first, second


def _swap(
    runtime: bootstrap.Runtime, table: sa.Table, key: str, column: str, a: bytes, b: bytes
) -> None:
    key_column, value_column = table.c[key], table.c[column]
    with runtime.vault.engine.begin() as conn:
        va = conn.execute(sa.select(value_column).where(key_column == a)).scalar_one()
        vb = conn.execute(sa.select(value_column).where(key_column == b)).scalar_one()
        conn.execute(table.update().where(key_column == a).values({column: vb}))
        conn.execute(table.update().where(key_column == b).values({column: va}))


@pytest.mark.parametrize("kinds", [("case", "case"), ("case", "journey")])
def test_swapped_bodies_do_not_open(runtime: bootstrap.Runtime, kinds: tuple[str, str]) -> None:
    pair = BoxKeyPair.generate()
    first, second = _two_records(runtime, pair, kinds)
    assert runtime.vault.read(first, [pair]) == b"one"
    _swap(runtime, schema.record, "id", "body", first, second)
    for rid in (first, second):
        with pytest.raises(NotReadable):
            runtime.vault.read(rid, [pair])


def test_swapped_wraps_do_not_open(runtime: bootstrap.Runtime) -> None:
    pair = BoxKeyPair.generate()
    first, second = _two_records(runtime, pair)
    _swap(runtime, schema.wrap, "record_id", "sealed", first, second)
    for rid in (first, second):
        with pytest.raises(NotReadable):
            runtime.vault.read(rid, [pair])


def test_swapped_headers_stop_the_unlock(
    runtime: bootstrap.Runtime, store_settings: Settings
) -> None:
    pair = BoxKeyPair.generate()
    first, second = _two_records(runtime, pair, ("case", "journey"))
    _swap(runtime, schema.record, "id", "header", first, second)
    runtime.lock()
    with pytest.raises(StoreCorrupt):
        bootstrap.unlock_store(store_settings, [OPERATOR])


def test_swapped_epoch_rows_stop_the_unlock(
    runtime: bootstrap.Runtime, store_settings: Settings
) -> None:
    pair = BoxKeyPair.generate()
    runtime.vault.write_many(
        [
            NewRecord(RecordHeader(kind="case", expires=day, recipients=(pair.public,)), b"x")
            for day in (DAY, DAY + dt.timedelta(days=1))
        ]
    )
    with runtime.vault.engine.connect() as conn:
        tags = conn.execute(sa.select(schema.epoch.c.tag)).scalars().all()
    assert len(tags) == 2
    _swap(runtime, schema.epoch, "tag", "sealed", bytes(tags[0]), bytes(tags[1]))
    runtime.lock()
    with pytest.raises(StoreCorrupt):
        bootstrap.unlock_store(store_settings, [OPERATOR])
