"""Releasing tasks to their volunteers when the need-to-know window opens, and taking
them back when it closes. Server-side only: no member session is involved.

Until its carrier's window opens (`window.start - before`), a dispatched leg is sealed to
its cell and to the server's release key only. `release_due` then opens it with the
release key and re-seals it to the carrier too. After `window.end + after` it deletes the
carrier's wrap (and the release key's): from then on only the cell's key opens it. Stays
go the same way for their host. The recipients wanted are computed from the header alone
(`task_records.readers_from_header`), so the pass reads a body only when it must add one.
"""

from __future__ import annotations

from safepassage.domain.journey import Leg, Stay
from safepassage.domain.record_header import NewRecord
from safepassage.services.context import Context
from safepassage.services.records import LEG, STAY, Records, linked
from safepassage.services.task_records import (
    leg_record,
    readers_from_header,
    server_read,
    stay_record,
    write_all,
)


def release_due(ctx: Context) -> int:
    """Bring every leg's and stay's recipients in line with the clock; how many changed."""
    records = Records(ctx.vault)
    now = ctx.clock.now()
    release = ctx.vault.release_keys.public
    rewrites: list[NewRecord] = []
    changed = 0
    for kind in (LEG, STAY):
        for rid, header in records.of_kind(kind):
            cells = [records.public_key(c) for c in linked(header, "cell")]
            wanted = {*cells, *readers_from_header(ctx, header, now)}
            have = set(header.recipients)
            if wanted - have:
                if release not in have:
                    # Nothing the server may open: only a coordinator's write can add a reader.
                    continue
                rewrites.append(_rewritten(ctx, kind, rid, linked(header, "cell")[0]))
                changed += 1
                continue
            extra = have - wanted
            for reader in sorted(extra):
                records.remove_reader(rid, reader)
            changed += bool(extra)
    if rewrites:
        write_all(ctx, rewrites)
    return changed


def _rewritten(ctx: Context, kind: str, record_id: str, cell_id: str) -> NewRecord:
    if kind == LEG:
        leg = server_read(ctx, Leg, [record_id])[record_id]
        return leg_record(ctx, cell_id, leg)
    stay = server_read(ctx, Stay, [record_id])[record_id]
    header = Records(ctx.vault).header(record_id)
    assert header is not None
    return stay_record(ctx, cell_id, linked(header, "journey")[0], stay)
