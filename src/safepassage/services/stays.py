"""Stays: a party's time in a safe house, started and ended by its host or a coordinator.

A stay that a carrier delivers into starts at that handoff, and one the party leaves with
a carrier ends at that handoff (`handoffs.confirm_handoff`); these two calls are for a
stay nobody hands over into or out of (the party walked in, or goes on alone).
"""

from __future__ import annotations

from safepassage.domain.journey import Stay, StayStatus, transition_stay
from safepassage.services.access import access_stay_for_member
from safepassage.services.context import Context
from safepassage.services.errors import HandoffRequired, NotAvailable
from safepassage.services.guards import owning_cell, require_active
from safepassage.services.members import Session
from safepassage.services.records import STAY, Records, linked
from safepassage.services.task_records import (
    journey_progress_record,
    open_handoffs,
    stay_record,
    write_all,
)


def _stay_for_host_or_holder(ctx: Context, session: Session, stay_id: str) -> tuple[str, Stay]:
    """The stay, for its host inside their window or a holder of its cell."""
    cell_id = owning_cell(ctx, stay_id, STAY)
    require_active(ctx, session)
    stay = access_stay_for_member(ctx, session, stay_id)
    if stay.host_id != session.member_id and not session.holds_cell(cell_id):
        raise NotAvailable
    return cell_id, stay


def _move_stay(ctx: Context, session: Session, cell_id: str, moved: Stay) -> Stay:
    header = Records(ctx.vault).header(moved.id)
    assert header is not None  # just read
    journey_id = linked(header, "journey")[0]
    batch = [stay_record(ctx, cell_id, journey_id, moved)]
    journey = journey_progress_record(ctx, journey_id, {moved.id: moved.status}, session.keyring)
    if journey is not None:
        batch.append(journey)
    write_all(ctx, batch)
    return moved


def start_stay(ctx: Context, session: Session, stay_id: str) -> Stay:
    """planned -> active: the host holds the party from now."""
    cell_id, stay = _stay_for_host_or_holder(ctx, session, stay_id)
    moved = transition_stay(stay, StayStatus.ACTIVE, ctx.clock.now())
    if open_handoffs(ctx, stay_id, "to_stay"):
        raise HandoffRequired
    return _move_stay(ctx, session, cell_id, moved)


def end_stay(ctx: Context, session: Session, stay_id: str) -> Stay:
    """active -> ended: the party has left the house (and the bed is free from now)."""
    cell_id, stay = _stay_for_host_or_holder(ctx, session, stay_id)
    moved = transition_stay(stay, StayStatus.ENDED, ctx.clock.now())
    if open_handoffs(ctx, stay_id, "from_stay"):
        raise HandoffRequired
    return _move_stay(ctx, session, cell_id, moved)
