"""The unlocked record store: write, read, index, re-seal, purge, burn.

A `Vault` exists only while the server is unlocked. It holds the subkeys of the instance
key, the epoch keys and the header index in memory; the database holds ciphertext only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

import nacl.utils
import sqlalchemy as sa

from safepassage.crypto import aead, records
from safepassage.crypto.errors import EnvelopeError
from safepassage.crypto.keypairs import BoxKeyPair
from safepassage.crypto.subkeys import keyed_hash
from safepassage.domain.record_header import NewRecord, RecordHeader
from safepassage.store import dialects, schema
from safepassage.store.errors import DiskFull, NotReadable, StoreCorrupt
from safepassage.store.index import HeaderIndex
from safepassage.store.keyring import Subkeys

Progress = Callable[[int, int], None]


class KeyPair(Protocol):
    """Any X25519 key pair (a member's or a cell's)."""

    @property
    def public(self) -> bytes: ...
    @property
    def private(self) -> bytes: ...


_CHUNK = 500


@dataclass(frozen=True, slots=True)
class PurgeReport:
    epochs_destroyed: int
    records_deleted: int


class Vault:
    def __init__(self, engine: sa.Engine, subkeys: Subkeys) -> None:
        self._engine = engine
        self._keys: Subkeys | None = subkeys
        self._epochs: dict[dt.date, bytes] = {}
        self.index = HeaderIndex()

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    @property
    def subkeys(self) -> Subkeys:
        if self._keys is None:
            raise StoreCorrupt("the store is locked")
        return self._keys

    @property
    def release_keys(self) -> BoxKeyPair:
        """The server's own key pair: holds tasks until their need-to-know window opens.

        Derived from the instance key, so only a running, unlocked server can open what is
        sealed to it (the same exposure as the outbox).
        """
        return BoxKeyPair.from_private(self.subkeys.release)

    def server_tag(self, data: bytes) -> bytes:
        """A keyed hash only the running server can compute (e.g. of a recognition phrase)."""
        return keyed_hash(self.subkeys.server_tag, data)

    def load(self, progress: Progress | None = None) -> None:
        """Decrypt every epoch key and header into memory (on unlock)."""
        keys = self.subkeys
        with self._engine.connect() as conn:
            for row in conn.execute(sa.select(schema.epoch)):
                day, key = self._open_epoch(keys, bytes(row.tag), bytes(row.sealed))
                self._epochs[day] = key
            total = conn.execute(sa.select(sa.func.count()).select_from(schema.record)).scalar_one()
            result = conn.execution_options(yield_per=5000).execute(
                sa.select(schema.record.c.id, schema.record.c.header)
            )
            # Closed explicitly: a damaged header stops the loop with the cursor still open.
            with contextlib.closing(result):
                for done, (record_id, envelope) in enumerate(result, start=1):
                    rid = bytes(record_id)
                    self.index.put(rid, self._open_header(keys, rid, bytes(envelope)))
                    if progress is not None and done % 5000 == 0:
                        progress(done, total)
        if progress is not None:
            progress(total, total)

    def lock(self) -> None:
        """Forget every key and the index; leave the files at rest."""
        self._keys = None
        self._epochs.clear()
        self.index.clear()
        dialects.flush_to_rest(self._engine)
        # Closing every connection lets SQLite remove its -wal and -shm files.
        self._engine.dispose()

    # -- writing -------------------------------------------------------------------------

    def write(self, record: NewRecord) -> bytes:
        return self.write_many([record])[0]

    def write_many(self, new_records: Sequence[NewRecord]) -> list[bytes]:
        """Write records (insert or replace) in one transaction; return their ids.

        Each write takes a fresh data key and re-seals it to the header's recipients, so a
        write never needs to read: the server can update a record it cannot read.
        """
        keys = self.subkeys
        ids: list[bytes] = []
        record_rows: list[dict[str, bytes]] = []
        wrap_rows: list[dict[str, bytes]] = []
        new_epochs: dict[dt.date, bytes] = {}
        for record in new_records:
            rid = record.record_id or bytes(nacl.utils.random(records.RECORD_ID_BYTES))
            header = record.header
            data_key = aead.random_key()
            epoch_key = self._epochs.get(header.expires) or new_epochs.get(header.expires)
            if epoch_key is None:
                epoch_key = new_epochs[header.expires] = aead.random_key()
            record_rows.append(
                {
                    "id": rid,
                    "header": records.seal_header(keys.row, rid, header.encode()),
                    "body": records.seal_body(data_key, header.kind, rid, record.body),
                }
            )
            for recipient in dict.fromkeys(header.recipients):
                tag = records.recipient_tag(keys.wrap_tag, rid, recipient)
                sealed = records.wrap_data_key(
                    data_key, recipient, epoch_key, header.kind, rid, tag
                )
                wrap_rows.append({"record_id": rid, "tag": tag, "sealed": sealed})
            ids.append(rid)
        with self._transaction() as conn:
            if new_epochs:
                conn.execute(
                    schema.epoch.insert(),
                    [self._epoch_row(keys, day, key) for day, key in new_epochs.items()],
                )
            replaced = [rid for rid in ids if rid in self.index]
            for chunk in _chunks(replaced):
                conn.execute(schema.wrap.delete().where(schema.wrap.c.record_id.in_(chunk)))
                conn.execute(schema.record.delete().where(schema.record.c.id.in_(chunk)))
            conn.execute(schema.record.insert(), record_rows)
            if wrap_rows:
                conn.execute(schema.wrap.insert(), wrap_rows)
        self._epochs.update(new_epochs)
        for rid, record in zip(ids, new_records, strict=True):
            self.index.put(rid, record.header)
        return ids

    def remove_recipient(self, record_id: bytes, recipient: bytes) -> None:
        """Delete one recipient's wrap: from now on their keys cannot open the record."""
        header = self.index.get(record_id)
        if header is None:
            raise NotReadable
        keys = self.subkeys
        tag = records.recipient_tag(keys.wrap_tag, record_id, recipient)
        new_header = _with_recipients(header, [r for r in header.recipients if r != recipient])
        with self._transaction() as conn:
            conn.execute(
                schema.wrap.delete().where(
                    schema.wrap.c.record_id == record_id, schema.wrap.c.tag == tag
                )
            )
            conn.execute(
                schema.record.update()
                .where(schema.record.c.id == record_id)
                .values(header=records.seal_header(keys.row, record_id, new_header.encode()))
            )
        self.index.put(record_id, new_header)

    def delete(self, record_ids: Iterable[bytes]) -> int:
        ids = [rid for rid in record_ids if rid in self.index]
        with self._transaction() as conn:
            for chunk in _chunks(ids):
                conn.execute(schema.wrap.delete().where(schema.wrap.c.record_id.in_(chunk)))
                conn.execute(schema.record.delete().where(schema.record.c.id.in_(chunk)))
        for rid in ids:
            self.index.remove(rid)
        return len(ids)

    # -- reading -------------------------------------------------------------------------

    def read(self, record_id: bytes, keyring: Sequence[KeyPair]) -> bytes:
        """The body of one record, opened with any key pair of `keyring` that it is sealed to."""
        return self.read_many([record_id], keyring)[record_id]

    def read_many(
        self, record_ids: Sequence[bytes], keyring: Sequence[KeyPair]
    ) -> dict[bytes, bytes]:
        """Bodies of the records `keyring` can open; `NotReadable` if any cannot be."""
        out = self.try_read_many(record_ids, keyring)
        if len(out) != len(set(record_ids)):
            raise NotReadable
        return out

    def try_read_many(
        self, record_ids: Sequence[bytes], keyring: Sequence[KeyPair]
    ) -> dict[bytes, bytes]:
        """Bodies of those of `record_ids` that `keyring` can open; the rest are left out."""
        keys = self.subkeys
        wanted: dict[bytes, tuple[RecordHeader, dict[bytes, KeyPair]]] = {}
        for rid in dict.fromkeys(record_ids):
            header = self.index.get(rid)
            if header is None:
                continue
            usable = {
                records.recipient_tag(keys.wrap_tag, rid, pair.public): pair
                for pair in keyring
                if pair.public in header.recipients
            }
            if usable:
                wanted[rid] = (header, usable)
        out: dict[bytes, bytes] = {}
        with self._engine.connect() as conn:
            for chunk in _chunks(list(wanted)):
                bodies = {
                    bytes(r.id): bytes(r.body)
                    for r in conn.execute(
                        sa.select(schema.record.c.id, schema.record.c.body).where(
                            schema.record.c.id.in_(chunk)
                        )
                    )
                }
                wraps = conn.execute(
                    sa.select(schema.wrap).where(schema.wrap.c.record_id.in_(chunk))
                ).all()
                for row in wraps:
                    rid, tag = bytes(row.record_id), bytes(row.tag)
                    header, usable = wanted[rid]
                    pair = usable.get(tag)
                    if pair is None or rid in out or rid not in bodies:
                        continue
                    body = self._open_body(rid, header, pair, tag, bytes(row.sealed), bodies[rid])
                    if body is not None:
                        out[rid] = body
        return out

    def _open_body(
        self,
        rid: bytes,
        header: RecordHeader,
        pair: KeyPair,
        tag: bytes,
        sealed: bytes,
        body: bytes,
    ) -> bytes | None:
        epoch_key = self._epochs.get(header.expires)
        if epoch_key is None:
            return None
        try:
            data_key = records.unwrap_data_key(
                sealed, pair.private, epoch_key, header.kind, rid, tag
            )
            return records.open_body(data_key, header.kind, rid, body)
        except EnvelopeError:
            return None

    # -- retention -----------------------------------------------------------------------

    def purge(self, today: dt.date, progress: Progress | None = None) -> PurgeReport:
        """Destroy every epoch key of a day before `today`, then the rows they protected."""
        keys = self.subkeys
        expired_days = [day for day in self._epochs if day < today]
        with self._transaction() as conn:
            for day in expired_days:
                tag = records.epoch_tag(keys.epoch_tag, day)
                conn.execute(schema.epoch.delete().where(schema.epoch.c.tag == tag))
        for day in expired_days:
            del self._epochs[day]
        doomed = self.index.expired_before(today)
        for done, chunk in enumerate(_chunks(doomed), start=1):
            self.delete(chunk)
            if progress is not None:
                progress(min(done * _CHUNK, len(doomed)), len(doomed))
        dialects.flush_to_rest(self._engine)
        return PurgeReport(epochs_destroyed=len(expired_days), records_deleted=len(doomed))

    def epoch_days(self) -> list[dt.date]:
        return sorted(self._epochs)

    # -- helpers -------------------------------------------------------------------------

    def _transaction(self) -> AbstractContextManager[sa.Connection]:
        return _transaction(self._engine)

    @staticmethod
    def _open_header(keys: Subkeys, rid: bytes, envelope: bytes) -> RecordHeader:
        try:
            return RecordHeader.decode(records.open_header(keys.row, rid, envelope))
        except (EnvelopeError, ValueError, KeyError):
            raise StoreCorrupt("a record header failed its integrity check") from None

    @staticmethod
    def _open_epoch(keys: Subkeys, tag: bytes, sealed: bytes) -> tuple[dt.date, bytes]:
        try:
            return records.open_epoch_key(keys.epoch_wrap, tag, sealed)
        except EnvelopeError:
            raise StoreCorrupt("an epoch key failed its integrity check") from None

    @staticmethod
    def _epoch_row(keys: Subkeys, day: dt.date, key: bytes) -> dict[str, bytes]:
        tag = records.epoch_tag(keys.epoch_tag, day)
        return {"tag": tag, "sealed": records.seal_epoch_key(keys.epoch_wrap, tag, day, key)}


@contextmanager
def _transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """`engine.begin()`, turning a full disk into `DiskFull` (the transaction rolled back)."""
    try:
        with engine.begin() as conn:
            yield conn
    except sa.exc.OperationalError as error:
        if dialects.is_disk_full(error):
            raise DiskFull("the disk is full; nothing was written") from None
        raise


def _chunks(items: Sequence[bytes]) -> list[list[bytes]]:
    return [list(items[i : i + _CHUNK]) for i in range(0, len(items), _CHUNK)]


def _with_recipients(header: RecordHeader, recipients: Sequence[bytes]) -> RecordHeader:
    return dataclasses.replace(header, recipients=tuple(recipients))
