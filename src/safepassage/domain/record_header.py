"""What the running server may know about a record without any member's keys.

The header holds the record's kind, its expiry day, its links to other records, the times
the server schedules by, the public keys it is sealed to, and a few non-personal
attributes (e.g. a status). Names, places, handles and free text belong in the body.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

# Records that stay until their lifecycle ends them (members, cells, places) use this day.
STANDING = dt.date(9999, 12, 31)


def _frozen(mapping: Mapping[str, object] | None) -> Mapping[str, object]:
    return dict(mapping or {})


@dataclass(frozen=True, slots=True)
class RecordHeader:
    """The server-readable part of a record (encrypted at rest under the row key)."""

    kind: str
    expires: dt.date
    links: Mapping[str, tuple[bytes, ...]] = field(default_factory=dict)
    times: Mapping[str, dt.datetime] = field(default_factory=dict)
    recipients: tuple[bytes, ...] = ()
    attrs: Mapping[str, str] = field(default_factory=dict)

    def link(self, role: str) -> bytes | None:
        """The first record linked under `role`, if any."""
        targets = self.links.get(role, ())
        return targets[0] if targets else None

    def encode(self) -> bytes:
        document = {
            "k": self.kind,
            "e": self.expires.isoformat(),
            "l": {role: [t.hex() for t in targets] for role, targets in self.links.items()},
            "t": {name: moment.isoformat() for name, moment in self.times.items()},
            "r": [r.hex() for r in self.recipients],
            "a": dict(self.attrs),
        }
        return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def decode(cls, raw: bytes) -> RecordHeader:
        document = json.loads(raw)
        return cls(
            kind=document["k"],
            expires=dt.date.fromisoformat(document["e"]),
            links={
                role: tuple(bytes.fromhex(t) for t in targets)
                for role, targets in document["l"].items()
            },
            times={name: dt.datetime.fromisoformat(v) for name, v in document["t"].items()},
            recipients=tuple(bytes.fromhex(r) for r in document["r"]),
            attrs=dict(document["a"]),
        )


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A record to write: its header (with recipients) and its plaintext body.

    Without `record_id` a new record is created; with one, that record is replaced.
    """

    header: RecordHeader
    body: bytes = field(repr=False)
    record_id: bytes | None = None
