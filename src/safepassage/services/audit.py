"""The read log: every record a member's session opened, signed by that member.

Entries are records sealed to the member's cells, so their coordinators can review them.
The server acts on the headers alone (who read what, when) to compute a blast radius.
Each entry carries the member's Ed25519 signature, made inside their session: someone
holding the running server can add entries, but cannot forge one in another member's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from safepassage.services.context import Context
from safepassage.services.ports import MemberKeyring
from safepassage.services.records import AUDIT, Records, new_id

# Reads are kept as long as cases: a blast radius must cover what was read while it lived.
AUDIT_KEEP = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class ReadEntry:
    member_id: str
    record_ids: tuple[str, ...]
    at: dt.datetime
    signature: str = ""

    def signed_bytes(self) -> bytes:
        return "|".join((self.member_id, ",".join(self.record_ids), self.at.isoformat())).encode()


def record_reads(
    ctx: Context, member_id: str, cells: Sequence[str], keys: MemberKeyring, ids: Sequence[str]
) -> None:
    """Append one entry for the records a session just opened."""
    if not ids:
        return
    now = ctx.clock.now()
    unsigned = ReadEntry(member_id, tuple(ids), now)
    entry = ReadEntry(member_id, tuple(ids), now, keys.sign(unsigned.signed_bytes()).hex())
    Records(ctx.vault).write(
        AUDIT,
        entry,
        record_id=new_id(),
        cells=cells,
        links={"member": (member_id,), "read": tuple(ids)},
        times={"at": now},
        expires=(now + AUDIT_KEEP).date(),
    )


def reads_by(ctx: Context, member_id: str) -> set[str]:
    """Every record id the member's sessions opened, from the audit headers alone."""
    read: set[str] = set()
    for _, header in Records(ctx.vault).linking_to(member_id):
        if header.kind == AUDIT:
            read.update(t.hex() for t in header.links.get("read", ()))
    return read
