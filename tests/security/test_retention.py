"""Retention and burn are key destruction, checked with a fake clock on both engines.

One day after expiry, no record of that day opens with any key left anywhere: not through
the vault, and not for an adversary who copied the rows before the purge and holds every
member key, every cell key and every subkey of the instance key afterwards. After a burn
nothing opens, even with the instance key captured before it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from seizure import OPERATOR, RawStore, data_files, epoch_keys, every_key, open_bodies

from safepassage import bootstrap
from safepassage.clocks import FakeClock
from safepassage.config import Settings
from safepassage.crypto.errors import UnlockError
from safepassage.crypto.keypairs import BoxKeyPair
from safepassage.domain.record_header import NewRecord, RecordHeader
from safepassage.services import members
from safepassage.store import keyring
from safepassage.store.errors import NotReadable, StoreCorrupt
from safepassage.store.keyring import Subkeys

KINDS = ("case", "journey", "handoff", "checkin", "stay")
FOUNDERS = {"Heron": "lantern cobalt meadow quiver", "Kestrel": "orbit saffron tundra ember"}


@dataclass
class Network:
    pairs: list[BoxKeyPair]  # every member, cell and server key pair there is
    expiring: dict[bytes, tuple[bytes, tuple[bytes, ...]]]  # id -> (body, recipients), day D
    later: dict[bytes, tuple[bytes, tuple[bytes, ...]]]  # expiring D + 5
    day: dt.date

    @property
    def privates(self) -> list[bytes]:
        return [pair.private for pair in self.pairs]

    def holders(self, recipients: tuple[bytes, ...]) -> list[BoxKeyPair]:
        return [pair for pair in self.pairs if pair.public in recipients]


def _build(runtime: bootstrap.Runtime) -> Network:
    rng = random.Random(5)
    ctx = runtime.context
    pairs: list[BoxKeyPair] = []
    for codename, secret in FOUNDERS.items():
        members.found_cell(ctx, f"{codename} cell", codename, secret)
        session = members.open_session(ctx, codename, secret)
        pairs += [BoxKeyPair(p.public, p.private) for p in session.keyring]
    pairs += [BoxKeyPair.generate() for _ in range(3)]
    pairs.append(runtime.vault.release_keys)
    day = ctx.clock.now().date() + dt.timedelta(days=5)

    def write(expires: dt.date, count: int) -> dict[bytes, tuple[bytes, tuple[bytes, ...]]]:
        batch = []
        for i in range(count):
            recipients = tuple(p.public for p in rng.sample(pairs, rng.randint(2, 4)))
            header = RecordHeader(
                kind=KINDS[i % len(KINDS)], expires=expires, recipients=recipients
            )
            batch.append(NewRecord(header, f"{expires} record {i}: {rng.random()}".encode()))
        ids = runtime.vault.write_many(batch)
        return {rid: (r.body, r.header.recipients) for rid, r in zip(ids, batch, strict=True)}

    return Network(pairs, write(day, 25), write(day + dt.timedelta(days=5), 8), day)


def test_retention_destroys_the_day_one_day_after_expiry(
    runtime: bootstrap.Runtime, store_settings: Settings, clock: FakeClock
) -> None:
    net = _build(runtime)
    vault = runtime.vault
    subkeys = vault.subkeys

    # Before any purge: copy the rows as an adversary would, and show the copy is useful.
    copied = RawStore.read(vault.engine).only(net.expiring)
    assert len(copied.records) == len(net.expiring)
    known_epochs = epoch_keys(copied, [subkeys])
    assert net.day in known_epochs
    opened = open_bodies(copied, [known_epochs[net.day]], net.privates, [subkeys])
    assert opened == {rid: body for rid, (body, _) in net.expiring.items()}

    # Purge on the expiry day itself: nothing is lost.
    clock.advance(dt.timedelta(days=5))
    assert clock.now().date() == net.day
    report = runtime.purge(clock.now().date())
    assert report.records_deleted == 0
    for rid, (body, recipients) in net.expiring.items():
        for pair in net.holders(recipients):
            assert vault.read(rid, [pair]) == body

    # One day later: the day's epoch key is destroyed and with it every record of the day.
    clock.advance(dt.timedelta(days=1))
    report = runtime.purge(clock.now().date())
    assert report.epochs_destroyed == 1
    assert report.records_deleted == len(net.expiring)
    assert net.day not in vault.epoch_days()
    for rid in net.expiring:
        for pair in net.pairs:
            with pytest.raises(NotReadable):
                vault.read(rid, [pair])
        with pytest.raises(NotReadable):
            vault.read(rid, net.pairs)

    # Every key left anywhere: every epoch row still stored, every subkey, every key pair.
    after = RawStore.read(vault.engine)
    remaining = epoch_keys(after, [subkeys])
    assert net.day not in remaining
    assert len(remaining) == len(after.epochs) >= 2  # the D+5 day and the standing records
    candidates = [*remaining.values(), *every_key([subkeys])]
    privates = [*net.privates, *every_key([subkeys])]
    assert open_bodies(copied, candidates, privates, [subkeys], KINDS) == {}
    # The same attempt does open what is still alive, so the attempt itself is sound.
    alive = open_bodies(after.only(net.later), candidates, privates, [subkeys])
    assert alive == {rid: body for rid, (body, _) in net.later.items()}

    # Records of later days are untouched, also after a restart.
    for rid, (body, recipients) in net.later.items():
        assert vault.read(rid, net.holders(recipients)) == body
    runtime.lock()
    again = bootstrap.unlock_store(store_settings, [OPERATOR], clock=clock)
    assert not [rid for rid in net.expiring if rid in again.vault.index]
    assert net.day not in again.vault.epoch_days()
    for rid, (body, recipients) in net.later.items():
        assert again.vault.read(rid, net.holders(recipients)) == body
    again.lock()


def test_purged_epoch_key_leaves_no_bytes_on_disk(tmp_path_factory: pytest.TempPathFactory) -> None:
    """SQLite: the destroyed epoch row, and the rows it protected, are gone from every file.

    (PostgreSQL keeps dead tuples and WAL segments in the server's own files; the threat
    model leaves those to the server's storage, so this runs on SQLite only.)
    """
    data_dir = tmp_path_factory.mktemp("retention") / "data"
    settings = Settings(data_dir, "test", "test")
    clock = FakeClock(dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC))
    runtime = bootstrap.initialise_store(settings, [OPERATOR], 1, clock=clock)
    net = _build(runtime)
    raw = RawStore.read(runtime.vault.engine)
    day_tag = next(
        tag
        for tag, sealed in raw.epochs.items()
        if epoch_keys(RawStore({}, {}, {tag: sealed}, {}), [runtime.vault.subkeys]).get(net.day)
    )
    needles = {
        "epoch row": raw.epochs[day_tag],
        "epoch key": epoch_keys(raw, [runtime.vault.subkeys])[net.day],
    }
    for rid in list(net.expiring)[:10]:
        needles[f"body {rid.hex()}"] = raw.records[rid][1]
        for tag, sealed in raw.wraps[rid]:
            needles[f"wrap {tag.hex()}"] = sealed
    on_disk = b"".join(data_files(data_dir).values())
    present = [name for name, needle in needles.items() if needle in on_disk]
    assert present == [n for n in needles if n != "epoch key"], "control: rows are on disk"

    clock.advance(dt.timedelta(days=6))
    runtime.purge(clock.now().date())
    runtime.lock()
    on_disk = b"".join(data_files(data_dir).values())
    left = [name for name, needle in needles.items() if needle in on_disk]
    assert not left, f"bytes of purged rows remain on disk: {left}"


def test_burn_leaves_nothing_that_opens(
    runtime: bootstrap.Runtime, store_settings: Settings
) -> None:
    net = _build(runtime)
    with runtime.vault.engine.connect() as conn:
        instance_key = keyring.unlock_instance_key(conn, [OPERATOR])
    subkeys = Subkeys.from_instance_key(instance_key)
    assert subkeys == runtime.vault.subkeys
    before = RawStore.read(runtime.vault.engine)
    privates = [*net.privates, *every_key([subkeys])]
    # Control: with these keys, before the burn, every record opens.
    epochs_before = epoch_keys(before, [subkeys])
    opened = open_bodies(before, epochs_before.values(), privates, [subkeys])
    assert set(opened) == set(before.records)
    assert len(opened) == len(net.expiring) + len(net.later) + 2 * len(FOUNDERS)

    runtime.lock()
    bootstrap.burn_store(store_settings)
    with pytest.raises((StoreCorrupt, UnlockError)):
        bootstrap.unlock_store(store_settings, [OPERATOR])

    engine = bootstrap.engine_for(store_settings)
    after = RawStore.read(engine)
    assert after.epochs == {}
    assert after.key_rows == {"operator": [], "instance_wrap": [], "member_slot": []}
    with engine.connect() as conn, pytest.raises((StoreCorrupt, UnlockError)):
        keyring.unlock_instance_key(conn, [OPERATOR])
    candidates = [*epoch_keys(after, [subkeys]).values(), *every_key([subkeys])]
    assert open_bodies(after, candidates, privates, [subkeys], KINDS) == {}
    # Rows copied before the burn do not help either, with what the disk holds now.
    old_rows = RawStore(before.records, before.wraps, after.epochs, {})
    assert open_bodies(old_rows, candidates, privates, [subkeys], KINDS) == {}

    if store_settings.database_url is None:
        on_disk = b"".join(data_files(store_settings.data_dir).values())
        key_material = {
            **{f"epoch row {t.hex()}": s for t, s in before.epochs.items()},
            **{f"epoch key {d}": k for d, k in epochs_before.items()},
            **{
                f"{table} row {i}": row
                for table, rows in before.key_rows.items()
                for i, row in enumerate(rows)
            },
        }
        left = [name for name, needle in key_material.items() if needle in on_disk]
        assert not left, f"key material remains on disk after the burn: {left}"
