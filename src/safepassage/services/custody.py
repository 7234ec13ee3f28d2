"""Who holds a party now, or at any moment: the domain's answer over a case's records."""

from __future__ import annotations

import datetime as dt

from safepassage.domain.custody import Custody, holder_at
from safepassage.services.access import access_case_tasks_for_member
from safepassage.services.context import Context
from safepassage.services.guards import owning_cell, require_cell_holder
from safepassage.services.members import Session
from safepassage.services.records import CASE


def who_holds(
    ctx: Context, session: Session, case_id: str, at: dt.datetime | None = None
) -> Custody:
    """The holder of the case's party at `at` (default now), for a holder of its cell.

    Total: every case has an answer at every moment (the party holds itself before any
    pickup; `unknown` after a leg failed with the party aboard). Replaced and cancelled
    legs take part too, since a leg that failed on the way still explains where custody went.
    """
    require_cell_holder(ctx, session, owning_cell(ctx, case_id, CASE))
    tasks = access_case_tasks_for_member(ctx, session, case_id)
    moment = at or ctx.clock.now()
    return holder_at(moment, tasks.legs.values(), tasks.handoffs.values(), tasks.stays.values())
