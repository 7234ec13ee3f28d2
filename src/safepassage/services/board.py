"""The live board: what a coordinator watches.

Alarms first (most urgent at the top), then the cases of the cells the session holds by
status, who holds each party in motion now, and each safe house's beds tonight. Driven by
headers: the cases not closed are picked from their headers, their legs, stays and
handoffs by links, and each kind is opened in one audited batch, so the cost grows with
the live operation, not with everything the store keeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from safepassage.domain.case import Case, CaseStatus
from safepassage.domain.custody import Custody, holder_at
from safepassage.domain.handoff import Handoff
from safepassage.domain.interval import Interval, peak_load
from safepassage.domain.journey import Leg, Stay
from safepassage.domain.safe_house import SafeHouse, SafeHouseStatus
from safepassage.services.access import access_many_for_member
from safepassage.services.alarms import BoardAlarm, open_alarms
from safepassage.services.context import Context
from safepassage.services.guards import require_active
from safepassage.services.members import Session
from safepassage.services.records import CASE, HANDOFF, LEG, SAFE_HOUSE, STAY, Records, linked

# Cases that no longer move: shown as counts only.
_SETTLED = frozenset({CaseStatus.CLOSED})
# Cases whose party may be in someone's hands.
_MOVING = frozenset({CaseStatus.PLANNED, CaseStatus.IN_TRANSIT, CaseStatus.LOST_CONTACT})
# Tonight: from now until the next morning, 06:00 UTC (coarse on purpose; a network
# across time zones reads it as "the coming night").
_MORNING = dt.time(6, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class CaseLine:
    case: Case
    holder: Custody | None = None


@dataclass(frozen=True, slots=True)
class HouseBeds:
    house_id: str
    status: SafeHouseStatus
    beds: int
    used: int

    @property
    def free(self) -> int:
        if self.status is not SafeHouseStatus.OPEN:
            return 0
        return max(self.beds - self.used, 0)


@dataclass(frozen=True, slots=True)
class Board:
    at: dt.datetime
    alarms: tuple[BoardAlarm, ...]
    cases: Mapping[CaseStatus, tuple[CaseLine, ...]]
    closed: int
    houses: tuple[HouseBeds, ...]
    tonight: Interval


def tonight(now: dt.datetime) -> Interval:
    """From `now` until the next 06:00 UTC."""
    morning = dt.datetime.combine(now.date(), _MORNING)
    if morning <= now:
        morning += dt.timedelta(days=1)
    return Interval(now, morning)


def _held(session: Session, cells: tuple[str, ...]) -> bool:
    return any(session.holds_cell(c) for c in cells)


def live_board(ctx: Context, session: Session) -> Board:
    require_active(ctx, session)
    records = Records(ctx.vault)
    now = ctx.clock.now()
    live_ids, closed = [], 0
    for rid, header in records.of_kind(CASE):
        if not _held(session, linked(header, "cell")):
            continue
        if CaseStatus(header.attrs["status"]) in _SETTLED:
            closed += 1
        else:
            live_ids.append(rid)
    cases = access_many_for_member(ctx, session, CASE, Case, live_ids)
    holders = _holders(ctx, session, [c for c in cases.values() if c.status in _MOVING], now)
    by_status: dict[CaseStatus, list[CaseLine]] = {}
    for case in sorted(cases.values(), key=lambda c: (c.created_at, c.id)):
        by_status.setdefault(case.status, []).append(CaseLine(case, holders.get(case.id)))
    night = tonight(now)
    return Board(
        at=now,
        alarms=tuple(open_alarms(ctx, session)),
        cases={status: tuple(lines) for status, lines in by_status.items()},
        closed=closed,
        houses=_houses(ctx, session, night),
        tonight=night,
    )


def _holders(
    ctx: Context, session: Session, moving: list[Case], now: dt.datetime
) -> dict[str, Custody]:
    """Who holds each moving party now: the domain's answer over each case's tasks, with
    every kind of task opened in one batch for all the cases."""
    records = Records(ctx.vault)
    ids: dict[str, list[str]] = {LEG: [], STAY: [], HANDOFF: []}
    for case in moving:
        for rid, header in records.linking_to(case.id):
            if header.kind in ids:
                ids[header.kind].append(rid)
    legs = access_many_for_member(ctx, session, LEG, Leg, ids[LEG])
    stays = access_many_for_member(ctx, session, STAY, Stay, ids[STAY])
    handoffs = access_many_for_member(ctx, session, HANDOFF, Handoff, ids[HANDOFF])
    return {
        case.id: holder_at(
            now,
            [leg for leg in legs.values() if leg.case_id == case.id],
            [h for h in handoffs.values() if h.case_id == case.id],
            [s for s in stays.values() if s.case_id == case.id],
        )
        for case in moving
    }


def _houses(ctx: Context, session: Session, night: Interval) -> tuple[HouseBeds, ...]:
    """Beds used at the fullest moment of tonight, per house of the cells held."""
    records = Records(ctx.vault)
    house_ids = [rid for rid, h in records.of_kind(SAFE_HOUSE) if _held(session, linked(h, "cell"))]
    houses = access_many_for_member(ctx, session, SAFE_HOUSE, SafeHouse, house_ids)
    stay_ids = [
        rid
        for house_id in houses
        for rid, h in records.linking_to(house_id)
        if h.kind == STAY and Interval(h.times["start"], h.times["end"]).overlaps(night)
    ]
    stays = access_many_for_member(ctx, session, STAY, Stay, stay_ids)
    lines = []
    for house_id, house in sorted(houses.items()):
        loads = [
            (held, stay.beds)
            for stay in stays.values()
            if stay.safe_house_id == house_id
            for held in (stay.holds(),)
            if held is not None
        ]
        lines.append(HouseBeds(house_id, house.status, house.beds, peak_load(loads, night)))
    return tuple(lines)
