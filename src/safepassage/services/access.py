"""The only way services read sensitive records: `access_<thing>_for_<member>`.

Each function loads a record with the member's own keyring (the keys decide first: a
record not sealed to the member or to a cell they hold cannot be opened), then applies
the policy on top (a carrier's leg only inside its need-to-know window), then writes the
read to the audit log. "Not found" and "not allowed" raise the same `NotAvailable`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from safepassage.domain.alarm import Alarm
from safepassage.domain.case import Case
from safepassage.domain.handoff import Handoff
from safepassage.domain.journey import Journey, Leg, Stay
from safepassage.domain.member import Member, Role
from safepassage.domain.need_to_know import NeedToKnowPolicy, may_read_leg, may_read_stay
from safepassage.domain.place import Place, Segment
from safepassage.domain.safe_house import SafeHouse
from safepassage.domain.vehicle import Vehicle
from safepassage.services import audit
from safepassage.services.context import Context
from safepassage.services.errors import NotAvailable
from safepassage.services.members import Session, is_revoked
from safepassage.services.ports import BoxKeys
from safepassage.services.records import (
    ALARM,
    CASE,
    CELL,
    HANDOFF,
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
    raw,
)

T = TypeVar("T")


def _open(ctx: Context, session: Session, kind: str, cls: type[T], record_id: str) -> T:
    header = Records(ctx.vault).header(record_id)
    if header is None:
        raise NotAvailable
    if header.kind != kind:
        raise NotAvailable
    if session.duress:
        raise NotAvailable
    if is_revoked(ctx, session.member_id):
        raise NotAvailable
    return Records(ctx.vault).read(cls, record_id, session.keyring)


def _holds_owner(ctx: Context, session: Session, record_id: str) -> bool:
    header = Records(ctx.vault).header(record_id)
    cells = linked(header, "cell") if header else ()
    return any(session.holds_cell(c) for c in cells)


def _audited(ctx: Context, session: Session, ids: Sequence[str]) -> None:
    audit.record_reads(ctx, session.member_id, session.member.cell_ids, session.keys, ids)


def access_case_for_member(ctx: Context, session: Session, case_id: str) -> Case:
    case = _open(ctx, session, CASE, Case, case_id)
    _audited(ctx, session, [case_id])
    return case


def access_journey_for_member(ctx: Context, session: Session, journey_id: str) -> Journey:
    journey = _open(ctx, session, JOURNEY, Journey, journey_id)
    _audited(ctx, session, [journey_id])
    return journey


def access_leg_for_member(ctx: Context, session: Session, leg_id: str) -> Leg:
    """Coordinators of the owning cell always; the carrier only inside the window."""
    leg = _open(ctx, session, LEG, Leg, leg_id)
    if not _holds_owner(ctx, session, leg_id):
        policy = ctx.policies.need_to_know
        if not may_read_leg(leg, session.member_id, ctx.clock.now(), policy):
            raise NotAvailable
    _audited(ctx, session, [leg_id])
    return leg


def access_stay_for_member(ctx: Context, session: Session, stay_id: str) -> Stay:
    """Coordinators of the owning cell always; the host only around the stay."""
    stay = _open(ctx, session, STAY, Stay, stay_id)
    if not _holds_owner(ctx, session, stay_id):
        policy = ctx.policies.need_to_know
        if not may_read_stay(stay, session.member_id, ctx.clock.now(), policy):
            raise NotAvailable
    _audited(ctx, session, [stay_id])
    return stay


def access_safe_house_for_member(ctx: Context, session: Session, house_id: str) -> SafeHouse:
    house = _open(ctx, session, SAFE_HOUSE, SafeHouse, house_id)
    _audited(ctx, session, [house_id])
    return house


def access_place_for_member(ctx: Context, session: Session, place_id: str) -> Place:
    place = _open(ctx, session, PLACE, Place, place_id)
    _audited(ctx, session, [place_id])
    return place


def access_segment_for_member(ctx: Context, session: Session, segment_id: str) -> Segment:
    segment = _open(ctx, session, SEGMENT, Segment, segment_id)
    _audited(ctx, session, [segment_id])
    return segment


def access_vehicle_for_member(ctx: Context, session: Session, vehicle_id: str) -> Vehicle:
    vehicle = _open(ctx, session, VEHICLE, Vehicle, vehicle_id)
    _audited(ctx, session, [vehicle_id])
    return vehicle


def access_member_for_member(ctx: Context, session: Session, member_id: str) -> Member:
    member = _open(ctx, session, MEMBER, Member, member_id)
    _audited(ctx, session, [member_id])
    return member


def readable_ids(ctx: Context, session: Session, kind: str) -> list[str]:
    """Ids of records of `kind` sealed to this session's keys (from headers: no decryption)."""
    publics = {pair.public for pair in session.keyring}
    return [
        rid
        for rid, header in Records(ctx.vault).of_kind(kind)
        if publics.intersection(header.recipients)
    ]


def access_all_for_member(ctx: Context, session: Session, kind: str, cls: type[T]) -> dict[str, T]:
    """Every record of `kind` this member may read now, opened in one batch and audited.

    For legs and stays the need-to-know window applies as in the single-record functions.
    """
    if session.duress or is_revoked(ctx, session.member_id):
        return {}
    ids = readable_ids(ctx, session, kind)
    opened = Records(ctx.vault).read_many(cls, ids, session.keyring)
    now = ctx.clock.now()
    policy = ctx.policies.need_to_know
    allowed = {
        rid: value
        for rid, value in opened.items()
        if _holds_owner(ctx, session, rid) or _in_window(value, session.member_id, now, policy)
    }
    _audited(ctx, session, sorted(allowed))
    return allowed


def _in_window(value: object, member_id: str, now: dt.datetime, policy: NeedToKnowPolicy) -> bool:
    """For a volunteer who does not hold the owning cell: only tasks inside their window."""
    if isinstance(value, Leg):
        return may_read_leg(value, member_id, now, policy)
    if isinstance(value, Stay):
        return may_read_stay(value, member_id, now, policy)
    return True


# -- journeys, legs, stays, handoffs and custody ---------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseTasks:
    """A case's legs, stays and handoffs, by id."""

    legs: dict[str, Leg]
    stays: dict[str, Stay]
    handoffs: dict[str, Handoff]


def access_case_tasks_for_member(ctx: Context, session: Session, case_id: str) -> CaseTasks:
    """Every leg, stay and handoff of a case, for a holder of the case's cell only."""
    records = Records(ctx.vault)
    header = records.header(case_id)
    if header is None:
        raise NotAvailable
    if header.kind != CASE:
        raise NotAvailable
    if session.duress:
        raise NotAvailable
    if is_revoked(ctx, session.member_id):
        raise NotAvailable
    if not _holds_owner(ctx, session, case_id):
        raise NotAvailable
    ids: dict[str, list[str]] = {LEG: [], STAY: [], HANDOFF: []}
    for rid, linked_header in records.linking_to(case_id):
        if linked_header.kind in ids:
            ids[linked_header.kind].append(rid)
    tasks = CaseTasks(
        records.read_many(Leg, ids[LEG], session.keyring),
        records.read_many(Stay, ids[STAY], session.keyring),
        records.read_many(Handoff, ids[HANDOFF], session.keyring),
    )
    _audited(ctx, session, [case_id, *tasks.legs, *tasks.stays, *tasks.handoffs])
    return tasks


def access_stays_of_house_for_member(
    ctx: Context, session: Session, house_id: str
) -> dict[str, Stay]:
    """The stays booked in a house that this member's keys open (a holder of its cell)."""
    if session.duress or is_revoked(ctx, session.member_id):
        return {}
    records = Records(ctx.vault)
    ids = [rid for rid, h in records.linking_to(house_id) if h.kind == STAY]
    stays = records.read_many(Stay, ids, session.keyring)
    _audited(ctx, session, sorted(stays))
    return stays


def _own_side(handoff: Handoff, member_id: str) -> tuple[str, str] | None:
    """The kind and id of the task this member hands over or takes on in the handoff."""
    if member_id == handoff.giver_id:
        if handoff.from_leg_id is not None:
            return LEG, handoff.from_leg_id
        if handoff.from_stay_id is not None:
            return STAY, handoff.from_stay_id
        return None
    if member_id == handoff.receiver_id:
        if handoff.to_leg_id is not None:
            return LEG, handoff.to_leg_id
        if handoff.to_stay_id is not None:
            return STAY, handoff.to_stay_id
    return None


def access_handoff_for_member(ctx: Context, session: Session, handoff_id: str) -> Handoff:
    """Holders of the owning cell open a handoff with the cell key. A giver or receiver
    opens it through the server's release key, which holds a handoff while it is open, and
    only while the task they hand over or take on opens with their own keys."""
    records = Records(ctx.vault)
    header = records.header(handoff_id)
    if header is None:
        raise NotAvailable
    if header.kind != HANDOFF:
        raise NotAvailable
    if session.duress:
        raise NotAvailable
    if is_revoked(ctx, session.member_id):
        raise NotAvailable
    if _holds_owner(ctx, session, handoff_id):
        handoff = records.read(Handoff, handoff_id, session.keyring)
        _audited(ctx, session, [handoff_id])
        return handoff
    opened = records.read_many(Handoff, [handoff_id], [ctx.vault.release_keys])
    if handoff_id not in opened:
        raise NotAvailable
    side = _own_side(opened[handoff_id], session.member_id)
    if side is None:
        raise NotAvailable
    if side[0] == LEG:
        access_leg_for_member(ctx, session, side[1])
    else:
        access_stay_for_member(ctx, session, side[1])
    _audited(ctx, session, [handoff_id])
    return opened[handoff_id]


# -- alarms ----------------------------------------------------------------------------------


def access_alarm_for_member(ctx: Context, session: Session, alarm_id: str) -> Alarm:
    """An alarm, for whoever it is sealed to now (its escalation decides who that is)."""
    alarm = _open(ctx, session, ALARM, Alarm, alarm_id)
    _audited(ctx, session, [alarm_id])
    return alarm


def access_alarms_for_member(
    ctx: Context, session: Session, alarm_ids: Sequence[str]
) -> dict[str, Alarm]:
    """Those of `alarm_ids` that are alarms this member's keys open, in one batch, audited."""
    if session.duress or is_revoked(ctx, session.member_id):
        return {}
    records = Records(ctx.vault)
    ids = [rid for rid in alarm_ids if _is_kind(records, rid, ALARM)]
    alarms = records.read_many(Alarm, ids, session.keyring)
    _audited(ctx, session, sorted(alarms))
    return alarms


def _is_kind(records: Records, record_id: str, kind: str) -> bool:
    header = records.header(record_id)
    return header is not None and header.kind == kind


# -- batches by id, and a cell's bodies for re-sealing (compromise, board, retention) --------


def access_many_for_member(
    ctx: Context, session: Session, kind: str, cls: type[T], record_ids: Sequence[str]
) -> dict[str, T]:
    """Those of `record_ids` that are records of `kind` this member may read now, opened in
    one batch and audited in one entry. For legs and stays the need-to-know window applies
    as in `access_all_for_member`; the rest are left out, as if they did not exist."""
    if session.duress or is_revoked(ctx, session.member_id):
        return {}
    records = Records(ctx.vault)
    ids = [rid for rid in dict.fromkeys(record_ids) if _is_kind(records, rid, kind)]
    opened = records.read_many(cls, ids, session.keyring)
    now = ctx.clock.now()
    policy = ctx.policies.need_to_know
    allowed = {
        rid: value
        for rid, value in opened.items()
        if _holds_owner(ctx, session, rid) or _in_window(value, session.member_id, now, policy)
    }
    _audited(ctx, session, sorted(allowed))
    return allowed


def access_cell_bodies_for_member(
    ctx: Context, session: Session, cell_id: str
) -> tuple[BoxKeys, dict[str, bytes]]:
    """The cell's key pair and the raw bodies of every record sealed to it, for a
    coordinator of the cell re-sealing them under a new cell key. The bodies are neither
    decoded nor shown, so the read is audited as one read of the cell, not of each record
    (a read log entry naming a whole cell's records would be as big as the cell)."""
    records = Records(ctx.vault)
    header = records.header(cell_id)
    if header is None:
        raise NotAvailable
    if header.kind != CELL:
        raise NotAvailable
    if session.duress:
        raise NotAvailable
    if is_revoked(ctx, session.member_id):
        raise NotAvailable
    if not session.holds_cell(cell_id):
        raise NotAvailable
    if not session.member.has_role(Role.COORDINATOR):
        raise NotAvailable
    public = bytes.fromhex(header.attrs["public"])
    pair = next((p for p in session.keyring if p.public == public), None)
    if pair is None:
        # A session opened before the last rotation holds the old key: log in again.
        raise NotAvailable
    # Logged first, so the log entry is among the records re-sealed under the new key.
    _audited(ctx, session, [cell_id])
    ids = [rid for rid in ctx.vault.index.sealed_to(public) if rid != raw(cell_id)]
    opened = ctx.vault.try_read_many(ids, [pair])
    return pair, {rid.hex(): body for rid, body in opened.items()}
