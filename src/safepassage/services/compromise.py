"""A member detained or turned: revoke at once, compute the blast radius, plan the response.

`report_compromise` (a coordinator of one of the member's cells):

1. computes the blast radius from headers, before anything changes: every record sealed
   to the member's key or to a cell key they held, every task whose reading window opened
   for them, every record their sessions opened (the read log);
2. revokes: the member record is marked revoked (login refused), the login slot deleted,
   their key removed from every record's recipients, and every cell whose key they held
   and the reporter holds is rotated (a new key pair; every record re-sealed to it);
3. marks the houses they hosted compromised, raises a silent compromise alarm to their
   cells, and writes a `compromise` record (the report, sealed to their cells' keys) so the
   response survives a restart.

`handle_duress_login` does what the server can alone when a duress passphrase is used:
the silent alarm, the member's key off every record, and a pending report. Without a
coordinator's keys it cannot rewrite the member record or rotate a cell; the report asks a
coordinator to finish it with `report_compromise`.

Everything is driven by the header index: linear in what the member could reach, plus
the cells to rotate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from safepassage.domain.alarm import Alarm, AlarmKind
from safepassage.domain.blast_radius import BlastRadius, Exposure, merged, response_tasks
from safepassage.domain.cell import Cell
from safepassage.domain.interval import Interval
from safepassage.domain.journey import LegStatus, StayStatus
from safepassage.domain.member import Member, Role
from safepassage.domain.need_to_know import legs_readable_by
from safepassage.domain.place import Place
from safepassage.domain.record_header import NewRecord, RecordHeader
from safepassage.domain.retention import expiry_day
from safepassage.domain.safe_house import SafeHouse, SafeHouseStatus, mark_compromised
from safepassage.services import alarms, audit, codec
from safepassage.services.access import (
    access_cell_bodies_for_member,
    access_many_for_member,
    access_member_for_member,
    access_safe_house_for_member,
)
from safepassage.services.context import Context
from safepassage.services.errors import AlreadyRevoked, NotAvailable
from safepassage.services.guards import require_active
from safepassage.services.members import (
    ACTIVE,
    KEY_HOLDING_ROLES,
    REVOKED,
    CellSecret,
    Session,
    cells_of,
)
from safepassage.services.ports import BoxKeys
from safepassage.services.records import (
    CASE,
    CELL,
    JOURNEY,
    LEG,
    MEMBER,
    PLACE,
    SAFE_HOUSE,
    SEGMENT,
    STAY,
    VEHICLE,
    Records,
    linked,
    new_id,
    raw,
)
from safepassage.services.task_records import leg_from_header, stay_readable

COMPROMISE = "compromise"
PENDING = "pending"
DONE = "done"

_LIVE_LEGS = frozenset(
    {LegStatus.PLANNED, LegStatus.DISPATCHED, LegStatus.ACCEPTED, LegStatus.PICKED_UP}
)
_OCCUPYING_STAYS = frozenset({StayStatus.PLANNED.value, StayStatus.ACTIVE.value})
# Links through which a record reveals other records, by what they point at.
_CASE_LINKS = ("case",)
_MEMBER_LINKS = ("carrier", "host", "driver", "member")
_PLACE_LINKS = ("from", "to", "place", "base")


@dataclass(frozen=True, slots=True)
class Compromise:
    """The body of a `compromise` record: the report, and why it was made."""

    radius: BlastRadius
    reason: str
    reported_by: str | None = None


# -- the blast radius, from headers ------------------------------------------------------


def _member_header(ctx: Context, member_id: str) -> RecordHeader:
    header = Records(ctx.vault).header(member_id)
    if header is None:
        raise NotAvailable
    if header.kind != MEMBER:
        raise NotAvailable
    return header


def held_cells(ctx: Context, member_id: str) -> frozenset[str]:
    """The cells whose key the member held: the cell records sealed to them, and every
    cell of a coordinator or dispatcher (their wrap may already be gone after a duress
    login, but the key may have been copied before)."""
    records = Records(ctx.vault)
    header = _member_header(ctx, member_id)
    public = bytes.fromhex(header.attrs["public"])
    held = {
        rid.hex() for rid in ctx.vault.index.sealed_to(public) if _kind(records, rid.hex()) == CELL
    }
    roles = {Role(r) for r in header.attrs.get("roles", "").split(",") if r}
    if roles & KEY_HOLDING_ROLES:
        held.update(c for c in linked(header, "cell") if _kind(records, c) == CELL)
    return frozenset(held)


def _kind(records: Records, record_id: str) -> str | None:
    header = records.header(record_id)
    return header.kind if header is not None else None


def _past_tasks(ctx: Context, member_id: str, now: dt.datetime) -> set[str]:
    """Legs and stays whose reading window opened for the member before `now`."""
    policy = ctx.policies.need_to_know
    legs, stays = [], []
    for rid, header in Records(ctx.vault).linking_to(member_id):
        if header.kind == LEG and member_id in linked(header, "carrier"):
            legs.append(leg_from_header(rid, header))
        elif header.kind == STAY and member_id in linked(header, "host"):
            stays.append((rid, header))
    opened = {leg.id for leg in legs_readable_by(member_id, legs, now, policy)}
    for rid, header in stays:
        window = stay_readable(_interval(header), header.times.get("ended"), policy)
        if header.attrs.get("status") != StayStatus.CANCELLED.value and window.start < now:
            opened.add(rid)
    return opened


def _interval(header: RecordHeader) -> Interval:
    return Interval(header.times["start"], header.times["end"])


def blast_radius(ctx: Context, member_id: str) -> BlastRadius:
    """Everything the member could have read, from headers alone (no keys, no names), with
    the response tasks the headers alone call for."""
    radius, exposure = _assess(ctx, member_id)
    return dataclasses.replace(radius, tasks=response_tasks(exposure))


def _assess(ctx: Context, member_id: str) -> tuple[BlastRadius, Exposure]:
    records = Records(ctx.vault)
    header = _member_header(ctx, member_id)
    now = ctx.clock.now()
    cells = held_cells(ctx, member_id)
    keys = {bytes.fromhex(header.attrs["public"])}
    keys.update(records.public_key(c) for c in cells)
    readable = {rid.hex() for key in keys for rid in ctx.vault.index.sealed_to(key)}
    earlier = _past_tasks(ctx, member_id, now) | audit.reads_by(ctx, member_id)
    history = {rid for rid in earlier if records.header(rid) is not None} - readable
    radius = _classified(ctx, member_id, now, frozenset(readable), frozenset(history), cells)
    return radius, _exposure(ctx, radius, cells)


def _classified(
    ctx: Context,
    member_id: str,
    now: dt.datetime,
    readable: frozenset[str],
    history: frozenset[str],
    cells: frozenset[str],
) -> BlastRadius:
    """What the exposed records reveal: a leg names its case, carrier and places; a stay
    its case, house and host; and so on through the links of each header."""
    records = Records(ctx.vault)
    by_kind: dict[str, set[str]] = {
        k: set() for k in (CASE, JOURNEY, LEG, STAY, SAFE_HOUSE, MEMBER, PLACE)
    }
    for rid in readable | history:
        header = records.header(rid)
        if header is None:
            continue
        if header.kind in by_kind:
            by_kind[header.kind].add(rid)
        if header.kind in (CASE, JOURNEY, LEG, STAY, SAFE_HOUSE, SEGMENT, VEHICLE):
            for role in _CASE_LINKS:
                by_kind[CASE].update(linked(header, role))
            for role in _MEMBER_LINKS:
                by_kind[MEMBER].update(linked(header, role))
            for role in _PLACE_LINKS:
                by_kind[PLACE].update(linked(header, role))
        if header.kind == STAY:
            by_kind[SAFE_HOUSE].update(linked(header, "house"))
    by_kind[MEMBER].discard(member_id)
    return BlastRadius(
        member_id=member_id,
        at=now,
        readable=readable,
        history=history,
        cases=frozenset(by_kind[CASE]),
        journeys=frozenset(by_kind[JOURNEY]),
        legs=frozenset(by_kind[LEG]),
        stays=frozenset(by_kind[STAY]),
        safe_houses=frozenset(by_kind[SAFE_HOUSE]),
        members=frozenset(by_kind[MEMBER]),
        places=frozenset(by_kind[PLACE]),
        cells=cells,
    )


def _exposure(
    ctx: Context,
    radius: BlastRadius,
    cells: Iterable[str],
    rotated: Iterable[str] = (),
    marked: Iterable[str] = (),
    handles: Sequence[str] = (),
    finished: bool = True,
) -> Exposure:
    """The response's inputs: which exposed things are still live, from their headers."""
    records = Records(ctx.vault)
    member_id = radius.member_id
    live, aboard, hosted = set(), set(), set()
    for leg_id in radius.legs:
        header = records.header(leg_id)
        if header is not None and LegStatus(header.attrs["status"]) in _LIVE_LEGS:
            live.add(leg_id)
    for rid, header in records.linking_to(member_id):
        if header.kind == LEG and member_id in linked(header, "carrier"):
            status = LegStatus(header.attrs["status"])
            if status in _LIVE_LEGS:
                live.add(rid)
            if status is LegStatus.PICKED_UP:
                aboard.add(rid)
        elif header.kind == SAFE_HOUSE and member_id in linked(header, "host"):
            hosted.add(rid)
    occupied = {
        house
        for house in radius.safe_houses | hosted
        if any(
            h.kind == STAY and h.attrs.get("status") in _OCCUPYING_STAYS
            for _, h in records.linking_to(house)
        )
    }
    return Exposure(
        member_id=member_id,
        cases=frozenset(c for c in radius.cases if records.header(c) is not None),
        live_legs=frozenset(live),
        aboard_legs=frozenset(aboard),
        occupied_houses=frozenset(occupied),
        hosted_houses=frozenset(hosted),
        marked_houses=frozenset(marked),
        members=radius.members,
        held_cells=frozenset(cells),
        rotated_cells=frozenset(rotated),
        handles=tuple(handles),
        revocation_finished=finished,
    )


# -- revoking ------------------------------------------------------------------------------


def _unseal_everywhere(ctx: Context, public: bytes) -> int:
    """Delete the key's wrap from every record: from now on it opens nothing."""
    records = Records(ctx.vault)
    ids = sorted(ctx.vault.index.sealed_to(public))
    for rid in ids:
        records.remove_reader(rid.hex(), public)
    return len(ids)


def _revoked_publics(ctx: Context) -> set[bytes]:
    return {
        bytes.fromhex(h.attrs["public"])
        for _, h in Records(ctx.vault).of_kind(MEMBER)
        if h.attrs.get("status") != ACTIVE and "public" in h.attrs
    }


def rotate_cell(ctx: Context, session: Session, cell_id: str) -> int:
    """Give the cell a new key pair, sealed to its remaining holders (revoked members
    left out), and re-seal every record sealed to the old key to the new one, all in one
    transaction. Returns how many records were re-sealed. The coordinator's session keeps
    the old key: take a fresh one with `refreshed_session`; other holders log in again."""
    old_pair, bodies = access_cell_bodies_for_member(ctx, session, cell_id)
    records = Records(ctx.vault)
    cell_header = records.header(cell_id)
    assert cell_header is not None  # opened just now
    secret = records.read(CellSecret, cell_id, [session.keys.box])
    dropped = _revoked_publics(ctx)
    new_pair = ctx.keys.cell_keys()
    batch = [_cell_record(cell_header, secret.cell, new_pair, dropped)]
    for rid, body in bodies.items():
        header = records.header(rid)
        assert header is not None  # its body was just read
        recipients = [
            new_pair.public if r == old_pair.public else r
            for r in header.recipients
            if r not in dropped
        ]
        new_header = dataclasses.replace(header, recipients=tuple(dict.fromkeys(recipients)))
        batch.append(NewRecord(new_header, body, raw(rid)))
    ctx.vault.write_many(batch)
    return len(bodies)


def _cell_record(header: RecordHeader, cell: Cell, pair: BoxKeys, dropped: set[bytes]) -> NewRecord:
    holders = tuple(r for r in header.recipients if r not in dropped)
    attrs = {**header.attrs, "public": pair.public.hex()}
    new_header = dataclasses.replace(header, recipients=holders, attrs=attrs)
    return NewRecord(new_header, codec.encode(CellSecret(cell, pair.private.hex())), raw(cell.id))


def refreshed_session(ctx: Context, session: Session) -> Session:
    """The same session with the cell keys as they are now (after a rotation)."""
    records = Records(ctx.vault)
    own = session.keys.box
    found = records.read_many(CellSecret, list(session.member.cell_ids), [own])
    pairs = [ctx.keys.box_from_private(bytes.fromhex(s.private)) for s in found.values()]
    return dataclasses.replace(session, keyring=(own, *pairs), held_cells=tuple(found))


def _write_revoked(ctx: Context, member: Member, header: RecordHeader) -> None:
    """The member record, marked revoked and no longer sealed to the member."""
    Records(ctx.vault).write(
        MEMBER,
        member,
        record_id=member.id,
        cells=member.cell_ids,
        attrs={**header.attrs, "status": REVOKED},
    )


def _mark_hosted_houses(ctx: Context, session: Session, member_id: str) -> set[str]:
    """Mark compromised every house the member hosted in a cell the reporter coordinates;
    the ids marked. The house stays sealed to its cell only: never again to its host."""
    records = Records(ctx.vault)
    marked = set()
    for house_id, header in records.linking_to(member_id):
        if header.kind != SAFE_HOUSE or member_id not in linked(header, "host"):
            continue
        cell_id = linked(header, "cell")[0]
        if not session.holds_cell(cell_id):
            continue
        if header.attrs.get("status") != SafeHouseStatus.COMPROMISED.value:
            house = mark_compromised(access_safe_house_for_member(ctx, session, house_id))
            _write_house(ctx, cell_id, house)
        marked.add(house_id)
    return marked


def _write_house(ctx: Context, cell_id: str, house: SafeHouse) -> None:
    Records(ctx.vault).write(
        SAFE_HOUSE,
        house,
        record_id=house.id,
        cells=[cell_id],
        links={"place": (house.place_id,), "host": (house.host_id,)},
        attrs={"status": house.status.value},
    )


def _raise_alarm(ctx: Context, member_id: str) -> str:
    """The silent compromise alarm, to the coordinators of the member's cells."""
    alarm = Alarm(new_id(), None, AlarmKind.COMPROMISE, member_id, ctx.clock.now())
    cells = cells_of(ctx, member_id)
    alarms.write_alarm(ctx, alarm, alarm.first_level, alarm.kind.value, cells)
    return alarm.id


def _write_report(
    ctx: Context, compromise: Compromise, status: str, alarm_id: str, cells: Sequence[str]
) -> str:
    radius = compromise.radius
    stored = Compromise(
        dataclasses.replace(radius, names={}), compromise.reason, compromise.reported_by
    )
    return Records(ctx.vault).write(
        COMPROMISE,
        stored,
        record_id=new_id(),
        cells=cells,
        links={"member": (radius.member_id,), "alarm": (alarm_id,)},
        times={"reported": radius.at},
        attrs={"status": status},
        expires=expiry_day(radius.at, ctx.policies.retention.alarm),
    )


def _earlier_reports(ctx: Context, session: Session, member_id: str) -> list[BlastRadius]:
    ids = [
        rid
        for rid, h in Records(ctx.vault).linking_to(member_id)
        if h.kind == COMPROMISE and member_id in linked(h, "member")
    ]
    found = access_many_for_member(ctx, session, COMPROMISE, Compromise, ids)
    return [c.radius for c in found.values()]


def _names(ctx: Context, session: Session, radius: BlastRadius) -> dict[str, str]:
    """Codenames and place names the reporter's own keys open; nothing else."""
    members = access_many_for_member(ctx, session, MEMBER, Member, sorted(radius.members))
    places = access_many_for_member(ctx, session, PLACE, Place, sorted(radius.places))
    names = {mid: m.codename for mid, m in members.items()}
    names.update({pid: p.name for pid, p in places.items()})
    return names


# -- the use cases -----------------------------------------------------------------------


def report_compromise(ctx: Context, session: Session, member_id: str, reason: str) -> BlastRadius:
    """Revoke a detained or turned member at once and report their blast radius.

    By a coordinator of one of the member's cells (not about themselves). Cells whose key
    the member held are rotated where the reporter holds them; the others come back as
    `rotate_cell` tasks for their own coordinators. The reporter's session holds the old
    keys afterwards: continue with `refreshed_session`.
    """
    require_active(ctx, session)
    header = _member_header(ctx, member_id)
    if member_id == session.member_id:
        raise NotAvailable
    if not session.member.has_role(Role.COORDINATOR):
        raise NotAvailable
    cells = linked(header, "cell")
    if not any(session.holds_cell(c) for c in cells):
        raise NotAvailable
    if header.attrs.get("status") != ACTIVE:
        raise AlreadyRevoked
    member = access_member_for_member(ctx, session, member_id)
    radius, _ = _assess(ctx, member_id)
    radius = merged(_earlier_reports(ctx, session, member_id), radius)

    # Revoke first and fast: the login, then every wrap of their key.
    ctx.logins.remove(member.codename)
    _write_revoked(ctx, member, header)
    _unseal_everywhere(ctx, bytes.fromhex(header.attrs["public"]))
    rotated = set()
    for cell_id in sorted(radius.cells):
        if session.holds_cell(cell_id):
            rotate_cell(ctx, session, cell_id)
            rotated.add(cell_id)
    fresh = refreshed_session(ctx, session) if rotated else session
    marked = _mark_hosted_houses(ctx, fresh, member_id)

    handles = [h.id for h in member.active_handles()]
    exposure = _exposure(ctx, radius, radius.cells, rotated, marked, handles)
    radius = dataclasses.replace(
        radius, tasks=response_tasks(exposure), names=_names(ctx, fresh, radius)
    )
    alarm_id = _raise_alarm(ctx, member_id)
    _write_report(ctx, Compromise(radius, reason, session.member_id), DONE, alarm_id, cells)
    return radius


def handle_duress_login(ctx: Context, member_id: str) -> BlastRadius:
    """A duress passphrase was used: what the server can do with no member's keys.

    Raises the silent duress alarm, removes the member's key from every record (the
    coercer's decoy session already opens nothing; now the real keys open nothing either),
    and writes a pending report whose tasks include finishing the revocation: marking the
    member revoked and rotating their cells need a coordinator (`report_compromise`).
    The login slot stays, so the decoy keeps answering the same way.
    """
    header = _member_header(ctx, member_id)
    radius, _ = _assess(ctx, member_id)
    _unseal_everywhere(ctx, bytes.fromhex(header.attrs["public"]))
    alarm_id = alarms.raise_duress_alarm(ctx, member_id)
    exposure = _exposure(ctx, radius, radius.cells, finished=False)
    radius = dataclasses.replace(radius, tasks=response_tasks(exposure))
    _write_report(ctx, Compromise(radius, "duress"), PENDING, alarm_id, linked(header, "cell"))
    return radius


def compromise_reports(ctx: Context, session: Session) -> list[tuple[str, str, Compromise]]:
    """Every compromise report this session may read: (id, status, report), newest first."""
    headers = dict(Records(ctx.vault).of_kind(COMPROMISE))
    found = access_many_for_member(ctx, session, COMPROMISE, Compromise, sorted(headers))
    rows = [(rid, headers[rid].attrs.get("status", DONE), c) for rid, c in found.items()]
    rows.sort(key=lambda row: (row[2].radius.at, row[0]), reverse=True)
    return rows
