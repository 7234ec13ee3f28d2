"""The in-memory index of decrypted headers, rebuilt on every unlock.

Queries (by kind, by link, by recipient, by expiry) run here; the database is read only to
fetch bodies and wraps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from safepassage.domain.record_header import RecordHeader


class HeaderIndex:
    def __init__(self) -> None:
        self._headers: dict[bytes, RecordHeader] = {}
        self._by_kind: defaultdict[str, set[bytes]] = defaultdict(set)
        self._by_link: defaultdict[bytes, set[bytes]] = defaultdict(set)
        self._by_recipient: defaultdict[bytes, set[bytes]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._headers)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._headers

    def get(self, record_id: bytes) -> RecordHeader | None:
        return self._headers.get(record_id)

    def put(self, record_id: bytes, header: RecordHeader) -> None:
        self.remove(record_id)
        self._headers[record_id] = header
        self._by_kind[header.kind].add(record_id)
        for targets in header.links.values():
            for target in targets:
                self._by_link[target].add(record_id)
        for recipient in header.recipients:
            self._by_recipient[recipient].add(record_id)

    def remove(self, record_id: bytes) -> None:
        old = self._headers.pop(record_id, None)
        if old is None:
            return
        self._by_kind[old.kind].discard(record_id)
        for targets in old.links.values():
            for target in targets:
                self._by_link[target].discard(record_id)
        for recipient in old.recipients:
            self._by_recipient[recipient].discard(record_id)

    def of_kind(self, kind: str) -> Iterator[tuple[bytes, RecordHeader]]:
        for record_id in self._by_kind.get(kind, ()):
            yield record_id, self._headers[record_id]

    def linking_to(self, target: bytes) -> Iterator[tuple[bytes, RecordHeader]]:
        for record_id in self._by_link.get(target, ()):
            yield record_id, self._headers[record_id]

    def sealed_to(self, recipient: bytes) -> set[bytes]:
        return set(self._by_recipient.get(recipient, ()))

    def expired_before(self, day: dt.date) -> list[bytes]:
        return [rid for rid, header in self._headers.items() if header.expires < day]

    def clear(self) -> None:
        self._headers.clear()
        self._by_kind.clear()
        self._by_link.clear()
        self._by_recipient.clear()
