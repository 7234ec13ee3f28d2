"""Who may change what: small checks shared by the use cases. One condition per line."""

from __future__ import annotations

from safepassage.domain.member import Role
from safepassage.services.context import Context
from safepassage.services.errors import NotAvailable
from safepassage.services.members import Session, is_revoked
from safepassage.services.records import Records, linked


def require_active(ctx: Context, session: Session) -> None:
    if session.duress:
        raise NotAvailable
    if is_revoked(ctx, session.member_id):
        raise NotAvailable


def require_cell_holder(ctx: Context, session: Session, cell_id: str) -> None:
    """The session holds this cell's key: a coordinator or dispatcher of the cell."""
    require_active(ctx, session)
    if not session.holds_cell(cell_id):
        raise NotAvailable


def require_coordinator(ctx: Context, session: Session, cell_id: str) -> None:
    require_cell_holder(ctx, session, cell_id)
    if not session.member.has_role(Role.COORDINATOR):
        raise NotAvailable


def owning_cell(ctx: Context, record_id: str, kind: str) -> str:
    """The cell a record belongs to; `NotAvailable` if there is no such record of `kind`."""
    header = Records(ctx.vault).header(record_id)
    if header is None:
        raise NotAvailable
    if header.kind != kind:
        raise NotAvailable
    cells = linked(header, "cell")
    if not cells:
        raise NotAvailable
    return cells[0]
