"""Cases: intake, vetting, withdrawal and closing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from safepassage.domain.case import Case, CaseStatus, Need, Urgency, transition
from safepassage.domain.member import Handle, Role
from safepassage.domain.retention import case_expiry
from safepassage.services import retention
from safepassage.services.access import access_case_for_member
from safepassage.services.context import Context
from safepassage.services.errors import NotAvailable
from safepassage.services.guards import (
    owning_cell,
    require_active,
    require_cell_holder,
    require_coordinator,
)
from safepassage.services.members import Session
from safepassage.services.records import CASE, Records, new_id


def write_case(ctx: Context, cell_id: str, case: Case) -> None:
    Records(ctx.vault).write(
        CASE,
        case,
        record_id=case.id,
        cells=[cell_id],
        times={"created": case.created_at},
        attrs={"status": case.status.value, "urgency": case.urgency.value},
        expires=case_expiry(case, ctx.policies.retention),
    )


def submit_case(
    ctx: Context,
    session: Session,
    cell_id: str,
    party_size: int,
    urgency: Urgency,
    language: str,
    origin_area: str,
    needs: Iterable[Need] = (),
    contact_handles: Sequence[Handle] = (),
) -> str:
    """A request for passage, taken by any member of the cell (a contact, a coordinator).

    The case is sealed to the cell's key only: the member who took it cannot read it back
    unless they hold the cell.
    """
    require_active(ctx, session)
    if cell_id not in session.member.cell_ids:
        raise NotAvailable
    vouched = () if session.member.has_role(Role.COORDINATOR) else (session.member_id,)
    case = Case(
        id=new_id(),
        party_size=party_size,
        urgency=urgency,
        language=language,
        origin_area=origin_area,
        created_at=ctx.clock.now(),
        needs=frozenset(needs),
        vouched_by=vouched,
        contact_handles=tuple(contact_handles),
    )
    write_case(ctx, cell_id, case)
    return case.id


def change_case_status(ctx: Context, session: Session, case_id: str, to: CaseStatus) -> Case:
    """Move a case along its state machine; an illegal step changes nothing."""
    cell_id = owning_cell(ctx, case_id, CASE)
    require_cell_holder(ctx, session, cell_id)
    case = transition(access_case_for_member(ctx, session, case_id), to, ctx.clock.now())
    write_case(ctx, cell_id, case)
    return case


def vet_case(ctx: Context, session: Session, case_id: str) -> Case:
    require_coordinator(ctx, session, owning_cell(ctx, case_id, CASE))
    return change_case_status(ctx, session, case_id, CaseStatus.VETTED)


def withdraw_case(ctx: Context, session: Session, case_id: str) -> Case:
    return change_case_status(ctx, session, case_id, CaseStatus.WITHDRAWN)


def close_case(ctx: Context, session: Session, case_id: str) -> Case:
    """Closing starts retention: the case becomes unreadable when its day key is purged,
    its journeys and handoffs with it; a party brought to safety is counted in the tally."""
    require_coordinator(ctx, session, owning_cell(ctx, case_id, CASE))
    before = access_case_for_member(ctx, session, case_id)
    closed = change_case_status(ctx, session, case_id, CaseStatus.CLOSED)
    retention.settle_closed_case(ctx, session, before, closed)
    return closed
