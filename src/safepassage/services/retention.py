"""Retention: the daily purge, expiry that follows a case's closing, and the tallies that
outlive closed operations.

Every record's expiry day comes from its kind and lifecycle (`domain/retention.py`); the
purge destroys the epoch keys of days before today, and the records sealed under them go
with them. Closing a case gives its journey and handoffs the case's day too (they were
written standing while the case lived). What remains of a closed case is a count in a
`tally` record: people brought to safety per ISO week and per route, naming nobody.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from safepassage.domain.case import Case, CaseStatus
from safepassage.domain.handoff import Handoff
from safepassage.domain.itinerary import Progress
from safepassage.domain.journey import LEG_IN_CHAIN, Journey, LegStatus
from safepassage.domain.record_header import STANDING, NewRecord, RecordHeader
from safepassage.domain.retention import case_expiry
from safepassage.domain.tally import Tally, TallyRow, add_case, iso_week, report_rows, route_label
from safepassage.services import codec
from safepassage.services.access import (
    access_all_for_member,
    access_case_for_member,
    access_many_for_member,
)
from safepassage.services.context import Context
from safepassage.services.errors import CaseNotClosed
from safepassage.services.guards import owning_cell, require_coordinator
from safepassage.services.members import Session
from safepassage.services.records import (
    CASE,
    HANDOFF,
    JOURNEY,
    LEG,
    TALLY,
    Records,
    linked,
    new_id,
    raw,
)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    day: dt.date
    epochs_destroyed: int
    records_deleted: int


def purge_expired(ctx: Context) -> PurgeReport:
    """Destroy the day keys of every day before today: their records become unreadable at
    once, whatever a disk or backup still holds, and their rows are deleted."""
    today = ctx.clock.now().date()
    counts = ctx.vault.purge(today)
    return PurgeReport(today, counts.epochs_destroyed, counts.records_deleted)


# -- closing a case ------------------------------------------------------------------------


def _re_expired(header: RecordHeader, value: object, record_id: str, day: dt.date) -> NewRecord:
    return NewRecord(dataclasses.replace(header, expires=day), codec.encode(value), raw(record_id))


def expire_with_case(ctx: Context, session: Session, case: Case) -> int:
    """Give the closed case's standing journeys and handoffs the case's expiry day (in the
    session of a holder of its cell, whose keys can re-seal them); how many changed."""
    day = case_expiry(case, ctx.policies.retention)
    if day is None:
        return 0
    records = Records(ctx.vault)
    standing: dict[str, list[str]] = {JOURNEY: [], HANDOFF: []}
    for rid, header in records.linking_to(case.id):
        if header.kind in standing and (header.expires == STANDING or header.expires > day):
            standing[header.kind].append(rid)
    journeys = access_many_for_member(ctx, session, JOURNEY, Journey, standing[JOURNEY])
    handoffs = access_many_for_member(ctx, session, HANDOFF, Handoff, standing[HANDOFF])
    batch = []
    for rid, value in [*journeys.items(), *handoffs.items()]:
        found = records.header(rid)
        assert found is not None  # just opened
        batch.append(_re_expired(found, value, rid, day))
    if batch:
        ctx.vault.write_many(batch)
    return len(batch)


def settle_closed_case(ctx: Context, session: Session, before: Case, closed: Case) -> None:
    """What closing a case sets going (called by `cases.close_case`): its journeys and
    handoffs expire with it, and a party brought to safety is counted."""
    expire_with_case(ctx, session, closed)
    if before.status is CaseStatus.SAFE:
        assert before.status_since is not None  # stamped when it became safe
        _count(ctx, session, closed, before.status_since)


# -- tallies -------------------------------------------------------------------------------


def _route(ctx: Context, session: Session, case_id: str) -> tuple[str, bool]:
    """The case's route as place kinds, and whether a journey of it arrived."""
    records = Records(ctx.vault)
    journeys = [(rid, h) for rid, h in records.linking_to(case_id) if h.kind == JOURNEY]
    arrived = [rid for rid, h in journeys if h.attrs.get("status") == Progress.ARRIVED.value]
    if not arrived:
        return route_label(()), False
    journey = access_many_for_member(ctx, session, JOURNEY, Journey, arrived[:1])[arrived[0]]
    kinds: list[str] = []
    for leg_id in journey.leg_ids:
        header = records.header(leg_id)
        if header is None or header.kind != LEG:
            continue
        if LegStatus(header.attrs["status"]) not in LEG_IN_CHAIN:
            continue
        for end in (linked(header, "from")[0], linked(header, "to")[0]):
            place = records.header(end)
            kinds.append(place.attrs.get("kind", "place") if place is not None else "place")
    return route_label(kinds), True


def _cell_tallies(ctx: Context, session: Session, cell_id: str) -> dict[str, Tally]:
    """The cell's tallies, one per week (few: they are what is left of closed cases)."""
    ids = [rid for rid, h in Records(ctx.vault).of_kind(TALLY) if cell_id in linked(h, "cell")]
    return access_many_for_member(ctx, session, TALLY, Tally, ids)


def _count(ctx: Context, session: Session, case: Case, safe_at: dt.datetime) -> bool:
    """Add the case to its cell's tally for the week it reached safety; False if it was
    counted already."""
    cell_id = owning_cell(ctx, case.id, CASE)
    week = iso_week(safe_at)
    tag = ctx.vault.server_tag(b"tally:" + raw(case.id)).hex()[:32]
    tallies = _cell_tallies(ctx, session, cell_id)
    if any(tag in tally.counted for tally in tallies.values()):
        return False
    route, _ = _route(ctx, session, case.id)
    record_id = next((rid for rid, t in tallies.items() if t.week == week), None)
    tally = tallies[record_id] if record_id is not None else Tally(week)
    counted = add_case(tally, route, case.party_size, tag)
    Records(ctx.vault).write(
        TALLY,
        counted,
        record_id=record_id or new_id(),
        cells=[cell_id],
        attrs={"week": week},
    )
    return True


def tally_closed_case(ctx: Context, session: Session, case_id: str) -> bool:
    """Count a closed case whose journey arrived, in its cell's tally for the week it was
    closed; False if it does not count or was counted already (counting is idempotent).
    `cases.close_case` counts a case closed from safe itself, in the week it became safe.
    """
    require_coordinator(ctx, session, owning_cell(ctx, case_id, CASE))
    case = access_case_for_member(ctx, session, case_id)
    if case.status is not CaseStatus.CLOSED or case.closed_at is None:
        raise CaseNotClosed
    _, arrived = _route(ctx, session, case_id)
    if not arrived:
        return False
    return _count(ctx, session, case, case.closed_at)


def aggregate_report(ctx: Context, session: Session) -> list[TallyRow]:
    """People brought to safety per week and per route, over the tallies this session's
    keys open (the cells it holds)."""
    return report_rows(access_all_for_member(ctx, session, TALLY, Tally).values())


def tally_weeks(rows: Sequence[TallyRow]) -> dict[str, int]:
    """People per week, over all routes."""
    weeks: dict[str, int] = {}
    for row in rows:
        weeks[row.week] = weeks.get(row.week, 0) + row.people
    return weeks
