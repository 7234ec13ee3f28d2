"""Journeys and legs: planning by hand, re-planning, dispatch, and the carrier's steps.

A coordinator plans a journey for a vetted case: legs chosen by hand (the planner issue
adds proposals) and stays between them. Every rule of the domain is checked before
anything is written, and everything is written in one transaction.

When a carrier can act on a leg: only once it opens with their own keys, that is inside
their need-to-know window (`window.start - before` until `window.end + after`). A leg is
sealed to its carrier at dispatch when that window has already opened, otherwise by
`release.release_due` (run by the server's tick) the moment it opens. Accepting a leg a
couple of hours ahead is the normal case; a carrier cannot accept a leg days ahead, since
a phone seized the night before must not hold tomorrow's pickups.

The case record is sealed to its cell only, so a carrier's or host's session cannot
rewrite it. Their steps move the journey's progress (kept in the journey record, which
the server may open); `settle_case`, run in a coordinator's session, brings the case's
status in line (planned -> in_transit -> safe).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from safepassage.domain.case import Case, CaseStatus, transition
from safepassage.domain.errors import PhraseMismatch
from safepassage.domain.handoff import ChoiceSource, Handoff, make_phrase, phrases_match
from safepassage.domain.interval import Interval
from safepassage.domain.itinerary import (
    Progress,
    Step,
    check_stays_placed,
    handoff_between,
    handoff_phrase_leg,
    itinerary,
    progress,
    step_start,
)
from safepassage.domain.journey import (
    Journey,
    Leg,
    LegStatus,
    Stay,
    StayStatus,
    chain_legs,
    check_carrier_free,
    check_journey_chain,
    check_leg_capacity,
    check_leg_route,
    check_vehicle_free,
    transition_leg,
    transition_stay,
)
from safepassage.domain.member import check_can_carry
from safepassage.domain.record_header import NewRecord
from safepassage.domain.safe_house import SafeHouse, check_beds, check_needs
from safepassage.services.access import (
    access_case_for_member,
    access_case_tasks_for_member,
    access_journey_for_member,
    access_leg_for_member,
    access_member_for_member,
    access_safe_house_for_member,
    access_segment_for_member,
    access_stays_of_house_for_member,
    access_vehicle_for_member,
)
from safepassage.services.cases import write_case
from safepassage.services.context import Context
from safepassage.services.errors import HandoffRequired, JourneyUnderWay, NotAvailable
from safepassage.services.guards import (
    owning_cell,
    require_active,
    require_cell_holder,
    require_coordinator,
)
from safepassage.services.members import Session
from safepassage.services.records import CASE, JOURNEY, LEG, STAY, Records, linked, new_id
from safepassage.services.task_records import (
    HANDOFF_CANCELLED,
    HANDOFF_OPEN,
    booked_legs,
    handoff_record,
    journey_progress_record,
    journey_record,
    leg_record,
    linked_of_kind,
    open_handoffs,
    phrase_tag,
    stay_record,
    write_all,
)


@dataclass(frozen=True, slots=True)
class LegPlan:
    """One leg as a coordinator chooses it: the way, who carries, when, in what."""

    segment_id: str
    carrier_id: str
    window: Interval
    vehicle_id: str | None = None


@dataclass(frozen=True, slots=True)
class StayPlan:
    house_id: str
    interval: Interval


def _build_leg(
    ctx: Context,
    session: Session,
    plan: LegPlan,
    journey_id: str,
    case: Case,
    source: ChoiceSource,
) -> Leg:
    """A new planned leg, checked against its way, its vehicle and its carrier."""
    segment = access_segment_for_member(ctx, session, plan.segment_id)
    vehicle = None
    if plan.vehicle_id is not None:
        vehicle = access_vehicle_for_member(ctx, session, plan.vehicle_id)
    carrier = access_member_for_member(ctx, session, plan.carrier_id)
    check_can_carry(carrier)
    leg = Leg(
        id=new_id(),
        journey_id=journey_id,
        case_id=case.id,
        from_place_id=segment.from_place_id,
        to_place_id=segment.to_place_id,
        window=plan.window,
        carrier_id=plan.carrier_id,
        segment_id=segment.id,
        vehicle_id=plan.vehicle_id,
        phrase=make_phrase(source, ctx.phrase_words),
        status_since=ctx.clock.now(),
    )
    check_leg_route(leg, segment, vehicle)
    check_leg_capacity(leg, case.party_size, vehicle)
    return leg


def _check_free(new_legs: Sequence[Leg], booked: Sequence[Leg]) -> None:
    """No carrier or vehicle on two legs at once, across every cell of the network."""
    held = list(booked)
    for leg in new_legs:
        check_carrier_free(leg, held)
        check_vehicle_free(leg, held)
        held.append(leg)


def _house_stays(ctx: Context, session: Session, house: SafeHouse) -> list[Stay]:
    """The house's bookings. One this member cannot open still holds beds: it is counted
    as filling the whole house for its interval, so the rule errs on the safe side."""
    readable = access_stays_of_house_for_member(ctx, session, house.id)
    stays = list(readable.values())
    for rid, header in linked_of_kind(ctx, house.id, STAY):
        if rid in readable or header.attrs.get("status") == StayStatus.CANCELLED:
            continue
        end = max(header.times["end"], header.times.get("ended", header.times["end"]))
        interval = Interval(header.times["start"], end)
        case_id = linked(header, "case")[0]
        stays.append(Stay(rid, case_id, house.id, house.host_id, interval, house.beds))
    return stays


def _handoff_records(
    ctx: Context, cell_id: str, steps: Sequence[Step], house_place: dict[str, str]
) -> list[NewRecord]:
    legs = [s for s in steps if isinstance(s, Leg)]
    stays = [s for s in steps if isinstance(s, Stay)]
    out = []
    for before, after in itertools.pairwise(steps):
        handoff = handoff_between(new_id(), before, after, house_place)
        if handoff is None:
            continue
        tag = phrase_tag(ctx, handoff_phrase_leg(before, after).phrase)
        out.append(handoff_record(ctx, cell_id, handoff, tag, HANDOFF_OPEN, legs, stays))
    return out


def plan_journey(
    ctx: Context,
    session: Session,
    case_id: str,
    legs: Sequence[LegPlan],
    stays: Sequence[StayPlan] = (),
) -> str:
    """Plan a vetted case's journey; the case becomes planned. All or nothing."""
    cell_id = owning_cell(ctx, case_id, CASE)
    require_coordinator(ctx, session, cell_id)
    now = ctx.clock.now()
    case = access_case_for_member(ctx, session, case_id)
    planned_case = transition(case, CaseStatus.PLANNED, now)
    journey_id = new_id()
    source = secrets.SystemRandom()
    new_legs = [_build_leg(ctx, session, p, journey_id, case, source) for p in legs]
    check_journey_chain(new_legs)
    _check_free(new_legs, booked_legs(ctx))
    new_stays: list[Stay] = []
    house_place: dict[str, str] = {}
    for stay_plan in stays:
        house = access_safe_house_for_member(ctx, session, stay_plan.house_id)
        check_needs(house, case.needs)
        stay = Stay(new_id(), case.id, house.id, house.host_id, stay_plan.interval, case.party_size)
        check_beds(house, [*_house_stays(ctx, session, house), *new_stays], stay)
        new_stays.append(stay)
        house_place[house.id] = house.place_id
    check_stays_placed(new_legs, new_stays, house_place)
    journey = Journey(
        journey_id, case.id, tuple(leg.id for leg in new_legs), tuple(s.id for s in new_stays)
    )
    batch = [journey_record(ctx, cell_id, journey, Progress.PLANNED.value)]
    batch += [leg_record(ctx, cell_id, leg) for leg in new_legs]
    batch += [stay_record(ctx, cell_id, journey_id, stay) for stay in new_stays]
    batch += _handoff_records(ctx, cell_id, itinerary(new_legs, new_stays), house_place)
    write_all(ctx, batch)
    # The case is written by its own module's writer, after the journey it now points to.
    write_case(ctx, cell_id, planned_case)
    return journey_id


def replan_leg(ctx: Context, session: Session, leg_id: str, plan: LegPlan) -> str:
    """Replace a leg that was declined or failed, or one not yet under way (it is cancelled).

    Legs under way or done stay as they are: the domain refuses to cancel them. The new
    leg must chain with its neighbours; the handoffs to and from the old leg are cancelled
    and new ones made. Returns the new leg's id.
    """
    cell_id = owning_cell(ctx, leg_id, LEG)
    require_coordinator(ctx, session, cell_id)
    now = ctx.clock.now()
    old = access_leg_for_member(ctx, session, leg_id)
    retired = old
    if old.status not in (LegStatus.DECLINED, LegStatus.FAILED):
        retired = transition_leg(old, LegStatus.CANCELLED, now)
    journey = access_journey_for_member(ctx, session, old.journey_id)
    case = access_case_for_member(ctx, session, old.case_id)
    new = _build_leg(ctx, session, plan, journey.id, case, secrets.SystemRandom())
    others = [leg for leg in booked_legs(ctx) if leg.id != old.id]
    _check_free([new], [*others, *([retired] if retired.holds_time else [])])
    tasks = access_case_tasks_for_member(ctx, session, case.id)
    legs_by_id = {**tasks.legs, old.id: retired, new.id: new}
    order = tuple(new.id if lid == old.id else lid for lid in journey.leg_ids)
    chain = chain_legs(legs_by_id[lid] for lid in order)
    check_journey_chain(chain)
    stays = [tasks.stays[sid] for sid in journey.stay_ids]
    house_place = {
        s.safe_house_id: access_safe_house_for_member(ctx, session, s.safe_house_id).place_id
        for s in stays
    }
    check_stays_placed(chain, stays, house_place)
    steps = itinerary(chain, stays)
    at = steps.index(new)
    neighbours = steps[max(at - 1, 0) : at + 2]
    batch = [leg_record(ctx, cell_id, retired), leg_record(ctx, cell_id, new)]
    batch += _cancelled_handoffs(ctx, cell_id, tasks.handoffs, {old.id}, legs_by_id, stays)
    batch += _handoff_records(ctx, cell_id, neighbours, house_place)
    every_leg = [lid for lid, leg in tasks.legs.items() if leg.journey_id == journey.id]
    mine: list[Step] = [*legs_by_id.values(), *stays]
    state = progress([(step_start(s), s.status) for s in mine if _of(s, journey)])
    replanned = Journey(journey.id, journey.case_id, order, journey.stay_ids)
    batch.append(journey_record(ctx, cell_id, replanned, state.value, [*every_leg, old.id]))
    write_all(ctx, batch)
    return new.id


def _of(step: Step, journey: Journey) -> bool:
    if isinstance(step, Leg):
        return step.journey_id == journey.id
    return step.id in journey.stay_ids


def _cancelled_handoffs(
    ctx: Context,
    cell_id: str,
    handoffs: dict[str, Handoff],
    task_ids: set[str],
    legs: dict[str, Leg],
    stays: Sequence[Stay],
) -> list[NewRecord]:
    """The open handoffs touching `task_ids`, closed as cancelled."""
    records = Records(ctx.vault)
    out = []
    for hid, handoff in handoffs.items():
        header = records.header(hid)
        if header is None or header.attrs.get("status") != HANDOFF_OPEN:
            continue
        touched = {handoff.from_leg_id, handoff.from_stay_id, handoff.to_leg_id, handoff.to_stay_id}
        if not touched & task_ids:
            continue
        tag = header.attrs["phrase_tag"]
        out.append(
            handoff_record(ctx, cell_id, handoff, tag, HANDOFF_CANCELLED, legs.values(), stays)
        )
    return out


def cancel_journey(ctx: Context, session: Session, journey_id: str) -> None:
    """Cancel a journey before anyone moved: its legs and stays are cancelled, its
    handoffs closed, and the case goes back to vetted to be planned again."""
    cell_id = owning_cell(ctx, journey_id, JOURNEY)
    require_coordinator(ctx, session, cell_id)
    now = ctx.clock.now()
    journey = access_journey_for_member(ctx, session, journey_id)
    case = access_case_for_member(ctx, session, journey.case_id)
    tasks = access_case_tasks_for_member(ctx, session, case.id)
    header = Records(ctx.vault).header(journey_id)
    assert header is not None  # the journey was just read
    if header.attrs.get("status") == Progress.CANCELLED:
        raise JourneyUnderWay
    legs = {lid: leg for lid, leg in tasks.legs.items() if leg.journey_id == journey_id}
    stays = {sid: tasks.stays[sid] for sid in linked(header, "stay") if sid in tasks.stays}
    if any(leg.picked_up_at is not None for leg in legs.values()):
        raise JourneyUnderWay
    if any(stay.started_at is not None for stay in stays.values()):
        raise JourneyUnderWay
    case_after = case
    if case.status is CaseStatus.PLANNED:
        case_after = transition(case, CaseStatus.VETTED, now)
    batch: list[NewRecord] = []
    for lid, leg in legs.items():
        if leg.status in (LegStatus.PLANNED, LegStatus.DISPATCHED, LegStatus.ACCEPTED):
            legs[lid] = transition_leg(leg, LegStatus.CANCELLED, now)
            batch.append(leg_record(ctx, cell_id, legs[lid]))
    for sid, stay in stays.items():
        if stay.status is StayStatus.PLANNED:
            stays[sid] = transition_stay(stay, StayStatus.CANCELLED, now)
            batch.append(stay_record(ctx, cell_id, journey_id, stays[sid]))
    every = set(legs) | set(stays)
    batch += _cancelled_handoffs(ctx, cell_id, tasks.handoffs, every, legs, list(stays.values()))
    batch.append(
        journey_record(
            ctx,
            cell_id,
            journey,
            Progress.CANCELLED.value,
            linked(header, "leg"),
            linked(header, "stay"),
        )
    )
    write_all(ctx, batch)
    if case_after is not case:
        write_case(ctx, cell_id, case_after)


def dispatch_leg(ctx: Context, session: Session, leg_id: str) -> Leg:
    """planned -> dispatched, by a coordinator or dispatcher of the leg's cell. The leg is
    sealed to its carrier now if their window has opened, else when it opens."""
    cell_id = owning_cell(ctx, leg_id, LEG)
    require_cell_holder(ctx, session, cell_id)
    leg = access_leg_for_member(ctx, session, leg_id)
    moved = transition_leg(leg, LegStatus.DISPATCHED, ctx.clock.now())
    write_all(ctx, [leg_record(ctx, cell_id, moved)])
    return moved


def _carrier_leg(ctx: Context, session: Session, leg_id: str) -> tuple[str, Leg]:
    """The leg, for its own carrier only, opened with their keys inside their window."""
    cell_id = owning_cell(ctx, leg_id, LEG)
    require_active(ctx, session)
    leg = access_leg_for_member(ctx, session, leg_id)
    if leg.carrier_id != session.member_id:
        raise NotAvailable
    return cell_id, leg


def _move_leg(ctx: Context, session: Session, cell_id: str, leg: Leg, moved: Leg) -> Leg:
    batch = [leg_record(ctx, cell_id, moved)]
    journey = journey_progress_record(ctx, leg.journey_id, {leg.id: moved.status}, session.keyring)
    if journey is not None:
        batch.append(journey)
    write_all(ctx, batch)
    return moved


def accept_leg(ctx: Context, session: Session, leg_id: str) -> Leg:
    """dispatched -> accepted, by the carrier."""
    cell_id, leg = _carrier_leg(ctx, session, leg_id)
    moved = transition_leg(leg, LegStatus.ACCEPTED, ctx.clock.now())
    return _move_leg(ctx, session, cell_id, leg, moved)


def decline_leg(ctx: Context, session: Session, leg_id: str) -> Leg:
    """dispatched -> declined, by the carrier. Their wrap goes at once: a leg they said no
    to is not theirs to read. A coordinator replaces it with `replan_leg`."""
    cell_id, leg = _carrier_leg(ctx, session, leg_id)
    moved = transition_leg(leg, LegStatus.DECLINED, ctx.clock.now())
    return _move_leg(ctx, session, cell_id, leg, moved)


def confirm_pickup(ctx: Context, session: Session, leg_id: str, phrase: str) -> Leg:
    """accepted -> picked_up, by the carrier, with the phrase the party gave.

    Only for a leg nobody hands over to (the journey's first leg, or after the party was
    on its own); a leg taken over from another carrier or a host starts at the handoff.
    """
    cell_id, leg = _carrier_leg(ctx, session, leg_id)
    moved = transition_leg(leg, LegStatus.PICKED_UP, ctx.clock.now())
    if open_handoffs(ctx, leg.id, "to_leg"):
        raise HandoffRequired
    if not phrases_match(leg.phrase, phrase):
        raise PhraseMismatch
    return _move_leg(ctx, session, cell_id, leg, moved)


def confirm_arrival(ctx: Context, session: Session, leg_id: str) -> Leg:
    """picked_up -> delivered, by the carrier, where nobody takes the party over (the
    destination, or a place the party goes on from alone). Otherwise the handoff does it."""
    cell_id, leg = _carrier_leg(ctx, session, leg_id)
    moved = transition_leg(leg, LegStatus.DELIVERED, ctx.clock.now())
    if open_handoffs(ctx, leg.id, "from_leg"):
        raise HandoffRequired
    return _move_leg(ctx, session, cell_id, leg, moved)


def settle_case(ctx: Context, session: Session, case_id: str) -> Case:
    """Bring the case's status in line with its journey's progress (in a coordinator's or
    dispatcher's session, the only ones that can rewrite the case)."""
    cell_id = owning_cell(ctx, case_id, CASE)
    require_cell_holder(ctx, session, cell_id)
    case = access_case_for_member(ctx, session, case_id)
    states = {h.attrs.get("status") for _, h in linked_of_kind(ctx, case_id, JOURNEY)}
    steps: list[CaseStatus] = []
    if Progress.ARRIVED in states:
        steps = [CaseStatus.IN_TRANSIT, CaseStatus.SAFE]
    elif Progress.IN_TRANSIT in states:
        steps = [CaseStatus.IN_TRANSIT]
    order = (CaseStatus.PLANNED, CaseStatus.IN_TRANSIT, CaseStatus.SAFE)
    if case.status not in order:
        return case
    settled = case
    for step in steps:
        if order.index(step) > order.index(settled.status):
            settled = transition(settled, step, ctx.clock.now())
    if settled is not case:
        write_case(ctx, cell_id, settled)
    return settled


def journey_steps(ctx: Context, session: Session, journey_id: str) -> tuple[Step, ...]:
    """The journey's legs and stays still in the plan, in order (for its cell's holders)."""
    journey = access_journey_for_member(ctx, session, journey_id)
    tasks = access_case_tasks_for_member(ctx, session, journey.case_id)
    legs = [tasks.legs[lid] for lid in journey.leg_ids if lid in tasks.legs]
    stays = [tasks.stays[sid] for sid in journey.stay_ids if sid in tasks.stays]
    return itinerary(legs, stays)
