"""Domain objects as records: kinds, owners, recipients, headers and bodies.

Every record belongs to one cell (`links["cell"]`) and is sealed to that cell's key plus
the members who need it. Bodies are domain dataclasses (`codec.py`); headers carry only
what the server must act on without a member's keys: links, times and statuses.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from safepassage.domain.record_header import STANDING, NewRecord, RecordHeader
from safepassage.services import codec
from safepassage.services.errors import NotAvailable
from safepassage.services.ports import BoxKeys, Vault

T = TypeVar("T")

CELL = "cell"
MEMBER = "member"
PLACE = "place"
SEGMENT = "segment"
SAFE_HOUSE = "safe_house"
VEHICLE = "vehicle"
CASE = "case"
JOURNEY = "journey"
LEG = "leg"
STAY = "stay"
HANDOFF = "handoff"
CHECKIN = "checkin"
ALARM = "alarm"
AUDIT = "audit"
TALLY = "tally"


def new_id() -> str:
    """A fresh record id: 16 random bytes, as 32 hex characters."""
    return secrets.token_hex(16)


def raw(record_id: str) -> bytes:
    try:
        value = bytes.fromhex(record_id)
    except ValueError:
        raise NotAvailable from None
    if len(value) != 16:
        raise NotAvailable
    return value


class Records:
    """Typed access to the vault for services."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def write(
        self,
        kind: str,
        value: object,
        *,
        record_id: str,
        cells: Sequence[str],
        readers: Iterable[bytes] = (),
        links: Mapping[str, Sequence[str]] | None = None,
        times: Mapping[str, dt.datetime] | None = None,
        attrs: Mapping[str, str] | None = None,
        expires: dt.date | None = None,
    ) -> str:
        """Write (or replace) a record sealed to its cells' keys and to `readers`."""
        recipients = [self.public_key(c) for c in cells]
        recipients.extend(readers)
        all_links = {"cell": tuple(raw(c) for c in cells)}
        for role, targets in (links or {}).items():
            all_links[role] = tuple(raw(t) for t in targets)
        header = RecordHeader(
            kind=kind,
            expires=expires or STANDING,
            links=all_links,
            times=dict(times or {}),
            recipients=tuple(dict.fromkeys(recipients)),
            attrs=dict(attrs or {}),
        )
        self._vault.write(NewRecord(header, codec.encode(value), raw(record_id)))
        return record_id

    def read(self, cls: type[T], record_id: str, keyring: Sequence[BoxKeys]) -> T:
        """The body of a record as `cls`; `NotAvailable` if it cannot be opened."""
        found = self.read_many(cls, [record_id], keyring)
        if record_id not in found:
            raise NotAvailable
        return found[record_id]

    def read_many(
        self, cls: type[T], record_ids: Sequence[str], keyring: Sequence[BoxKeys]
    ) -> dict[str, T]:
        """Bodies of those records `keyring` can open; the rest are left out."""
        opened = self._vault.try_read_many([raw(r) for r in record_ids], keyring)
        return {rid.hex(): codec.decode(cls, body) for rid, body in opened.items()}

    def header(self, record_id: str) -> RecordHeader | None:
        try:
            return self._vault.index.get(raw(record_id))
        except NotAvailable:
            return None

    def of_kind(self, kind: str) -> list[tuple[str, RecordHeader]]:
        return [(rid.hex(), header) for rid, header in self._vault.index.of_kind(kind)]

    def linking_to(self, record_id: str) -> list[tuple[str, RecordHeader]]:
        return [(rid.hex(), h) for rid, h in self._vault.index.linking_to(raw(record_id))]

    def public_key(self, record_id: str) -> bytes:
        """The X25519 public key of a cell or member record."""
        header = self.header(record_id)
        if header is None or "public" not in header.attrs:
            raise NotAvailable
        return bytes.fromhex(header.attrs["public"])

    def remove_reader(self, record_id: str, reader: bytes) -> None:
        self._vault.remove_recipient(raw(record_id), reader)

    def delete(self, record_ids: Iterable[str]) -> int:
        return self._vault.delete([raw(r) for r in record_ids])


def linked(header: RecordHeader, role: str) -> tuple[str, ...]:
    """The ids a header links under `role`, as hex strings."""
    return tuple(t.hex() for t in header.links.get(role, ()))
