"""What an adversary who seizes the store does: read every byte, and try every key they hold.

Shared by the security tests (imported as a plain module: the folder has no __init__.py).
Nothing here uses the vault: it reads files and rows directly, as a seizure would.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from safepassage.crypto import records
from safepassage.crypto.errors import EnvelopeError
from safepassage.crypto.passphrases import wordlist
from safepassage.domain.record_header import RecordHeader
from safepassage.store import schema
from safepassage.store.keyring import Subkeys


def passphrase(seed: int) -> str:
    """A generated-style passphrase (8 words of the EFF list), the same on every run."""
    rng = random.Random(seed)
    return " ".join(rng.choice(wordlist()) for _ in range(8))


OPERATOR = passphrase(1)

# -- encodings and the scan --------------------------------------------------------------


def _base64_forms(raw: bytes) -> list[bytes]:
    """The base64 of `raw` as it looks inside a longer base64 text, at each of 3 alignments.

    With `a` bytes before it in the encoded text, the string's base64 starts mid-group: the
    characters that mix in neighbouring bytes are dropped, the rest are always the same.
    """
    forms = []
    for lead in range(3):
        whole = len(raw) + lead
        stable = base64.b64encode(b"\x00" * lead + raw)[: (whole // 3) * 4]
        skip = {0: 0, 1: 2, 2: 3}[lead]
        forms.append(stable[skip:])
    return [f for f in forms if len(f) >= 6]


def encodings(text: str) -> dict[str, bytes]:
    """Every form a string could take on disk, by name."""
    raw = text.encode("utf-8")
    forms = {
        "utf-8": raw,
        "utf-8/casefold": text.casefold().encode("utf-8"),
        "utf-16le": text.encode("utf-16-le"),
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
        "url": urllib.parse.quote(text, safe="").encode(),
        "url/plus": urllib.parse.quote_plus(text).encode(),
    }
    for lead, form in enumerate(_base64_forms(raw)):
        forms[f"base64/{lead}"] = form
    return forms


@dataclass(frozen=True, slots=True)
class Hit:
    where: str
    text: str
    encoding: str


def scan(haystacks: Mapping[str, bytes], strings: Iterable[str]) -> list[Hit]:
    """Every (place, string, encoding) found; an empty list means nothing leaked."""
    needles = [(text, name, form) for text in strings for name, form in encodings(text).items()]
    hits = []
    for where, data in haystacks.items():
        for text, name, form in needles:
            if form in data:
                hits.append(Hit(where, text, name))
    return hits


def data_files(directory: Path) -> dict[str, bytes]:
    """Every file under `directory`, whatever its name (database, WAL, journal, temp)."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def table_bytes(engine: sa.Engine) -> dict[str, bytes]:
    """Every value of every column of every table, as bytes, one haystack per table.

    For PostgreSQL this stands in for a scan of its files: the data directory belongs to
    the server (and, in the threat model, so do its WAL files), so the test reads every row
    the server would hand over instead.
    """
    out = {}
    with engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            chunks = []
            for row in conn.execute(sa.select(table)):
                for value in row:
                    if isinstance(value, bytes | memoryview | bytearray):
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode("utf-8"))
            out[f"table {name}"] = b"\x00".join(chunks)
    return out


# -- the raw rows, and trying keys on them -----------------------------------------------


@dataclass(frozen=True, slots=True)
class RawStore:
    """Copies of the rows that protect record bodies, as they were when read."""

    records: dict[bytes, tuple[bytes, bytes]]  # id -> (header envelope, body envelope)
    wraps: dict[bytes, list[tuple[bytes, bytes]]]  # record id -> [(tag, sealed)]
    epochs: dict[bytes, bytes]  # tag -> sealed
    key_rows: dict[str, list[bytes]]  # operator, instance_wrap and member_slot bytes

    @classmethod
    def read(cls, engine: sa.Engine) -> RawStore:
        with engine.connect() as conn:
            recs = {
                bytes(r.id): (bytes(r.header), bytes(r.body))
                for r in conn.execute(sa.select(schema.record))
            }
            wraps: dict[bytes, list[tuple[bytes, bytes]]] = {}
            for r in conn.execute(sa.select(schema.wrap)):
                wraps.setdefault(bytes(r.record_id), []).append((bytes(r.tag), bytes(r.sealed)))
            epochs = {bytes(r.tag): bytes(r.sealed) for r in conn.execute(sa.select(schema.epoch))}
            key_rows = {
                "operator": [bytes(r.slot) for r in conn.execute(sa.select(schema.operator))],
                "instance_wrap": [
                    bytes(r.sealed) for r in conn.execute(sa.select(schema.instance_wrap))
                ],
                "member_slot": [
                    bytes(r.slot_a) + bytes(r.slot_b)
                    for r in conn.execute(sa.select(schema.member_slot))
                ],
            }
        return cls(recs, wraps, epochs, key_rows)

    def only(self, record_ids: Iterable[bytes]) -> RawStore:
        ids = set(record_ids)
        return RawStore(
            {k: v for k, v in self.records.items() if k in ids},
            {k: v for k, v in self.wraps.items() if k in ids},
            self.epochs,
            self.key_rows,
        )


def epoch_keys(raw: RawStore, subkeys: Sequence[Subkeys]) -> dict[dt.date, bytes]:
    """Every epoch key the rows give up to anyone holding one of `subkeys`."""
    out = {}
    for tag, sealed in raw.epochs.items():
        for keys in subkeys:
            try:
                day, key = records.open_epoch_key(keys.epoch_wrap, tag, sealed)
            except EnvelopeError:
                continue
            out[day] = key
    return out


def every_key(subkeys: Sequence[Subkeys]) -> list[bytes]:
    """Every 32-byte secret derivable from the instance keys: tried as epoch keys too."""
    return [getattr(keys, name) for keys in subkeys for name in keys.__slots__]


def open_bodies(
    raw: RawStore,
    candidate_epoch_keys: Iterable[bytes],
    private_keys: Iterable[bytes],
    subkeys: Sequence[Subkeys] = (),
    kinds: Sequence[str] = (),
) -> dict[bytes, bytes]:
    """Every body that opens with any candidate epoch key and any private key.

    The record kind (bound into the associated data) comes from the header when a row key
    opens it, otherwise every kind in `kinds` is tried.
    """
    epoch_candidates = list(dict.fromkeys(candidate_epoch_keys))
    privates = list(dict.fromkeys(private_keys))
    opened = {}
    for rid, (header_envelope, body_envelope) in raw.records.items():
        record_kinds = list(kinds)
        for keys in subkeys:
            try:
                header = RecordHeader.decode(records.open_header(keys.row, rid, header_envelope))
            except EnvelopeError:
                continue
            record_kinds = [header.kind, *record_kinds]
        for tag, sealed in raw.wraps.get(rid, []):
            for kind in dict.fromkeys(record_kinds):
                for epoch_key in epoch_candidates:
                    for private in privates:
                        try:
                            data_key = records.unwrap_data_key(
                                sealed, private, epoch_key, kind, rid, tag
                            )
                            opened[rid] = records.open_body(data_key, kind, rid, body_envelope)
                        except EnvelopeError:
                            continue
    return opened
