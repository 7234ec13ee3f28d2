"""The record store on both engines: write, read, re-seal, purge, lock and unlock."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from safepassage import bootstrap
from safepassage.config import Settings
from safepassage.crypto.keypairs import BoxKeyPair, MemberKeys
from safepassage.domain.record_header import STANDING, NewRecord, RecordHeader
from safepassage.store import schema
from safepassage.store.errors import (
    DiskFull,
    NotReadable,
    StoreCorrupt,
    StoreExists,
    StoreMissing,
)

DAY = dt.date(2026, 12, 1)
OPERATOR = "correct horse battery staple"


def _header(*recipients: bytes, expires: dt.date = DAY, kind: str = "case") -> RecordHeader:
    return RecordHeader(
        kind=kind,
        expires=expires,
        links={"journey": (b"j" * 16,)},
        times={"window_start": dt.datetime(2026, 11, 30, 6, tzinfo=dt.UTC)},
        recipients=recipients,
        attrs={"status": "planned"},
    )


@pytest.fixture
def runtime(store_settings: Settings) -> bootstrap.Runtime:
    return bootstrap.initialise_store(store_settings, [OPERATOR], 1)


def test_round_trip_for_each_recipient_and_no_one_else(runtime: bootstrap.Runtime) -> None:
    alice, bob, cell = BoxKeyPair.generate(), BoxKeyPair.generate(), BoxKeyPair.generate()
    rid = runtime.vault.write(NewRecord(_header(alice.public, cell.public), b"party of three"))
    assert runtime.vault.read(rid, [alice]) == b"party of three"
    assert runtime.vault.read(rid, [cell]) == b"party of three"
    with pytest.raises(NotReadable):
        runtime.vault.read(rid, [bob])
    with pytest.raises(NotReadable):
        runtime.vault.read(b"\x00" * 16, [alice])


def test_unknown_and_forbidden_records_give_the_same_error(runtime: bootstrap.Runtime) -> None:
    alice, bob = BoxKeyPair.generate(), BoxKeyPair.generate()
    rid = runtime.vault.write(NewRecord(_header(alice.public), b"x"))
    with pytest.raises(NotReadable) as forbidden:
        runtime.vault.read(rid, [bob])
    with pytest.raises(NotReadable) as unknown:
        runtime.vault.read(b"\x01" * 16, [bob])
    assert str(forbidden.value) == str(unknown.value)


def test_replace_reseals_to_the_new_recipients_only(runtime: bootstrap.Runtime) -> None:
    alice, bob = BoxKeyPair.generate(), BoxKeyPair.generate()
    rid = runtime.vault.write(NewRecord(_header(alice.public), b"v1"))
    runtime.vault.write(NewRecord(_header(bob.public), b"v2", record_id=rid))
    assert runtime.vault.read(rid, [bob]) == b"v2"
    with pytest.raises(NotReadable):
        runtime.vault.read(rid, [alice])
    assert len(runtime.vault.index) == 1


def test_remove_recipient_takes_the_key_away(runtime: bootstrap.Runtime) -> None:
    alice, bob = BoxKeyPair.generate(), BoxKeyPair.generate()
    rid = runtime.vault.write(NewRecord(_header(alice.public, bob.public), b"leg"))
    runtime.vault.remove_recipient(rid, bob.public)
    with pytest.raises(NotReadable):
        runtime.vault.read(rid, [bob])
    assert runtime.vault.read(rid, [alice]) == b"leg"
    assert runtime.vault.index.sealed_to(bob.public) == set()


def test_unlock_rebuilds_the_index(store_settings: Settings, runtime: bootstrap.Runtime) -> None:
    alice = BoxKeyPair.generate()
    ids = runtime.vault.write_many(
        [NewRecord(_header(alice.public, kind=k), k.encode()) for k in ("case", "leg", "leg")]
    )
    header = runtime.vault.index.get(ids[0])
    runtime.lock()
    again = bootstrap.unlock_store(store_settings, [OPERATOR])
    assert len(again.vault.index) == 3
    assert again.vault.index.get(ids[0]) == header
    assert {rid for rid, _ in again.vault.index.of_kind("leg")} == set(ids[1:])
    assert {rid for rid, _ in again.vault.index.linking_to(b"j" * 16)} == set(ids)
    assert again.vault.read_many(ids, [alice]) == {
        ids[0]: b"case",
        ids[1]: b"leg",
        ids[2]: b"leg",
    }


def test_purge_destroys_the_day_keys_then_the_rows(runtime: bootstrap.Runtime) -> None:
    alice = BoxKeyPair.generate()
    old = runtime.vault.write(NewRecord(_header(alice.public, expires=DAY), b"old"))
    new = runtime.vault.write(
        NewRecord(_header(alice.public, expires=DAY + dt.timedelta(days=3)), b"new")
    )
    standing = runtime.vault.write(NewRecord(_header(alice.public, expires=STANDING), b"cell"))
    assert runtime.vault.purge(DAY).records_deleted == 0
    assert runtime.vault.read(old, [alice]) == b"old"
    report = runtime.vault.purge(DAY + dt.timedelta(days=1))
    assert (report.epochs_destroyed, report.records_deleted) == (1, 1)
    with pytest.raises(NotReadable):
        runtime.vault.read(old, [alice])
    assert runtime.vault.read(new, [alice]) == b"new"
    assert runtime.vault.read(standing, [alice]) == b"cell"
    assert DAY not in runtime.vault.epoch_days()


def test_second_init_refused_and_nothing_changed(
    store_settings: Settings, runtime: bootstrap.Runtime
) -> None:
    alice = BoxKeyPair.generate()
    rid = runtime.vault.write(NewRecord(_header(alice.public), b"keep me"))
    runtime.lock()
    with pytest.raises(StoreExists):
        bootstrap.initialise_store(store_settings, ["another passphrase"], 1)
    again = bootstrap.unlock_store(store_settings, [OPERATOR])
    assert again.vault.read(rid, [alice]) == b"keep me"


def test_wrong_passphrase_and_missing_store(store_settings: Settings) -> None:
    with pytest.raises(StoreMissing):
        bootstrap.unlock_store(store_settings, [OPERATOR])
    bootstrap.initialise_store(store_settings, [OPERATOR], 1).lock()
    with pytest.raises(bootstrap.UnlockError):
        bootstrap.unlock_store(store_settings, ["wrong"])


def test_two_of_three_operators(store_settings: Settings) -> None:
    phrases = ["one one one", "two two two", "three three three"]
    bootstrap.initialise_store(store_settings, phrases, 2).lock()
    for pair in ([phrases[0], phrases[2]], [phrases[2], phrases[1]]):
        bootstrap.unlock_store(store_settings, pair).lock()
    with pytest.raises(bootstrap.UnlockError):
        bootstrap.unlock_store(store_settings, [phrases[1]])
    with pytest.raises(bootstrap.UnlockError):
        bootstrap.unlock_store(store_settings, [phrases[1], phrases[1]])


def test_tampered_header_is_refused_on_unlock(
    store_settings: Settings, runtime: bootstrap.Runtime
) -> None:
    rid = runtime.vault.write(NewRecord(_header(BoxKeyPair.generate().public), b"x"))
    with runtime.vault.engine.begin() as conn:
        header = conn.execute(sa.select(schema.record.c.header)).scalar_one()
        flipped = bytes([header[0] ^ 1]) + header[1:]
        conn.execute(schema.record.update().where(schema.record.c.id == rid).values(header=flipped))
    runtime.lock()
    with pytest.raises(StoreCorrupt):
        bootstrap.unlock_store(store_settings, [OPERATOR])


def test_logins_real_duress_unknown(runtime: bootstrap.Runtime) -> None:
    real, decoy = MemberKeys.generate(), MemberKeys.generate()
    runtime.context.logins.create(
        "Heron", b"m" * 16, real, "river at dawn", duress=(decoy, "all is well")
    )
    opened = runtime.context.logins.open("  heron ", "river at dawn")
    assert opened is not None
    assert (opened.member_id, opened.duress, opened.keys.box.public) == (
        b"m" * 16,
        False,
        real.box.public,
    )
    duress = runtime.context.logins.open("Heron", "all is well")
    assert duress is not None
    assert (duress.duress, duress.keys.box.public) == (True, decoy.box.public)
    assert runtime.context.logins.open("Heron", "wrong") is None
    assert runtime.context.logins.open("Nobody", "river at dawn") is None


def test_a_full_disk_fails_cleanly_and_loses_nothing(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "data", "test", "test")
    runtime = bootstrap.initialise_store(settings, [OPERATOR], 1)
    alice = BoxKeyPair.generate()
    kept = runtime.vault.write(NewRecord(_header(alice.public), b"kept"))
    engine = runtime.vault.engine
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 2}")

    engine.dispose()
    event.listen(engine, "connect", cap)
    big = [NewRecord(_header(alice.public), os.urandom(40_000)) for _ in range(10)]
    with pytest.raises(DiskFull):
        runtime.vault.write_many(big)
    assert len(runtime.vault.index) == 1
    assert runtime.vault.read(kept, [alice]) == b"kept"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.record)).scalar() == 1
