"""Planning journeys by hand, re-planning, cancelling, and the carrier's steps on a leg."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from safepassage.domain.case import CaseStatus, Urgency
from safepassage.domain.errors import (
    BedsOverbooked,
    CarrierOverlap,
    CaseIllegalTransition,
    DomainError,
    JourneyNotChained,
    LegIllegalTransition,
    NotACarrier,
    PhraseMismatch,
    SafeHouseCompromised,
    SeatsOverbooked,
    SegmentClosed,
    VehicleOverlap,
)
from safepassage.domain.journey import LegStatus
from safepassage.domain.place import SegmentStatus
from safepassage.services import cases, journeys, places, release, safe_houses, vehicles
from safepassage.services.access import access_case_for_member, access_journey_for_member
from safepassage.services.errors import JourneyUnderWay, NotAvailable, ServiceError
from safepassage.services.journeys import LegPlan, StayPlan
from safepassage.services.members import Session
from safepassage.services.records import Records

from .conftest import Net
from .journey_world import World, build_world, span

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def _count(world: World, *kinds: str) -> int:
    records = Records(world.net.ctx.vault)
    return sum(len(records.of_kind(kind)) for kind in kinds)


def _plan(world: World, case_id: str, legs: list[LegPlan], stays: tuple[StayPlan, ...] = ()) -> str:
    return journeys.plan_journey(world.net.ctx, world.heron(), case_id, legs, list(stays))


def test_plan_writes_the_journey_and_moves_the_case(world: World) -> None:
    ctx = world.net.ctx
    case_id = world.case()
    journey_id = _plan(world, case_id, [world.first(), world.second()], (world.stay(),))
    journey = access_journey_for_member(ctx, world.heron(), journey_id)
    assert len(journey.leg_ids) == 2
    assert len(journey.stay_ids) == 1
    assert access_case_for_member(ctx, world.heron(), case_id).status is CaseStatus.PLANNED
    first, second = (world.leg(i) for i in journey.leg_ids)
    assert first.phrase
    assert second.phrase
    assert first.phrase != second.phrase
    assert len(first.phrase.split()) == 4
    # Two handoffs: carrier to carrier, carrier to host. Their headers carry no phrase.
    handoffs = Records(ctx.vault).of_kind("handoff")
    assert len(handoffs) == 2
    for _, handoff_header in handoffs:
        assert first.phrase not in handoff_header.encode().decode()
        assert second.phrase not in handoff_header.encode().decode()
    header = Records(ctx.vault).header(journey.leg_ids[0])
    assert header is not None
    assert header.attrs["status"] == "planned"
    assert {"journey", "case", "carrier", "segment", "from", "to", "vehicle"} <= set(header.links)


def _closed_segment(world: World) -> None:
    places.set_segment_status(
        world.net.ctx, world.heron(), world.segments["ford-bridge"], SegmentStatus.CLOSED
    )


def _compromised_house(world: World) -> None:
    safe_houses.mark_safe_house_compromised(world.net.ctx, world.heron(), world.house)


def _carrier_busy(world: World) -> None:
    _plan(world, world.case(), [world.first(3, 5, carrier="Otter")])


@pytest.mark.parametrize(
    ("setup", "legs", "stays", "party", "error"),
    [
        (None, lambda w: [w.first(), w.second()], (), 4, SeatsOverbooked),  # jeep has 3
        (_closed_segment, lambda w: [w.first()], (), 2, SegmentClosed),
        (_carrier_busy, lambda w: [w.first(2, 4)], (), 2, CarrierOverlap),
        (None, lambda w: [w.second(), w.first()], (), 2, JourneyNotChained),
        (None, lambda w: [w.first(2, 5), w.second(4, 6)], (), 2, JourneyNotChained),
        (None, lambda w: [w.first()], "stay", 2, JourneyNotChained),  # house is not at Bridge
        (_compromised_house, lambda w: [w.first(), w.second()], "stay", 2, SafeHouseCompromised),
        (
            None,
            lambda w: [LegPlan(w.segments["ford-bridge"], w.member("Finch"), span(2, 4))],
            (),
            2,
            NotACarrier,
        ),
        (None, lambda w: [], (), 2, DomainError),
    ],
    ids=[
        "seats",
        "closed-segment",
        "carrier-overlap",
        "out-of-order",
        "overlapping-windows",
        "stay-off-route",
        "compromised-house",
        "host-as-carrier",
        "no-legs",
    ],
)
def test_plans_that_break_a_rule_write_nothing(
    world: World,
    setup: Callable[[World], object] | None,
    legs: Callable[[World], list[LegPlan]],
    stays: str,
    party: int,
    error: type[Exception],
) -> None:
    if setup is not None:
        setup(world)
    case_id = world.case(party)
    before = _count(world, "journey", "leg", "stay", "handoff")
    stay_plans = (world.stay(),) if stays else ()
    with pytest.raises(error):
        _plan(world, case_id, legs(world), stay_plans)
    assert _count(world, "journey", "leg", "stay", "handoff") == before
    assert access_case_for_member(world.net.ctx, world.heron(), case_id).status is (
        CaseStatus.VETTED
    )


def test_a_vehicle_is_never_on_two_legs_at_once(world: World) -> None:
    ctx = world.net.ctx
    shared = vehicles.add_vehicle(
        ctx,
        world.heron(),
        world.cell,
        4,
        world.places["Ford"],
        [world.member("Otter"), world.member("Badger")],
    )
    segment = world.segments["ford-bridge"]
    _plan(world, world.case(), [LegPlan(segment, world.member("Otter"), span(2, 4), shared)])
    case_id = world.case()
    with pytest.raises(VehicleOverlap):
        _plan(world, case_id, [LegPlan(segment, world.member("Badger"), span(3, 5), shared)])
    _plan(world, case_id, [LegPlan(segment, world.member("Badger"), span(4, 6), shared)])


def test_beds_are_never_overbooked(world: World) -> None:
    _plan(world, world.case(3), [world.first(), world.second()], (world.stay(6, 30),))
    case_id = world.case(2)
    before = _count(world, "journey", "leg", "stay", "handoff")
    with pytest.raises(BedsOverbooked):  # 3 + 2 > 4 beds overlapping at 20:00
        _plan(
            world,
            case_id,
            [world.first(8, 10), world.second(10, 12)],
            (world.stay(12, 40),),
        )
    assert _count(world, "journey", "leg", "stay", "handoff") == before
    # After the first stay, the house is free again.
    _plan(world, case_id, [world.first(26, 28), world.second(28, 30)], (world.stay(30, 50),))


def test_a_case_must_be_vetted_and_a_coordinator_of_its_cell_plans(world: World) -> None:
    ctx = world.net.ctx
    heron = world.heron()
    case_id = cases.submit_case(ctx, heron, world.cell, 2, Urgency.ROUTINE, "my", "x")
    with pytest.raises(CaseIllegalTransition):
        _plan(world, case_id, [world.first()])
    cases.vet_case(ctx, heron, case_id)
    with pytest.raises(NotAvailable):
        journeys.plan_journey(ctx, world.net.login("Kestrel"), case_id, [world.first()], [])
    with pytest.raises(NotAvailable):
        journeys.plan_journey(ctx, world.net.login("Otter"), case_id, [world.first()], [])
    assert _count(world, "journey", "leg") == 0


# -- the leg's state machine through the services -------------------------------------------


def _leg_at(world: World, status: LegStatus) -> str:
    """A one-leg journey (Otter, 07:00-09:00) brought to `status` at 06:00."""
    ctx, heron = world.net.ctx, world.heron()
    journey_id = _plan(world, world.case(), [world.first(1, 3)])
    leg_id = access_journey_for_member(ctx, heron, journey_id).leg_ids[0]
    otter = world.net.login("Otter")
    steps: dict[LegStatus, list[Callable[[], object]]] = {
        LegStatus.PLANNED: [],
        LegStatus.DISPATCHED: [lambda: journeys.dispatch_leg(ctx, heron, leg_id)],
        LegStatus.DECLINED: [
            lambda: journeys.dispatch_leg(ctx, heron, leg_id),
            lambda: journeys.decline_leg(ctx, otter, leg_id),
        ],
        LegStatus.ACCEPTED: [
            lambda: journeys.dispatch_leg(ctx, heron, leg_id),
            lambda: journeys.accept_leg(ctx, otter, leg_id),
        ],
        LegStatus.PICKED_UP: [
            lambda: journeys.dispatch_leg(ctx, heron, leg_id),
            lambda: journeys.accept_leg(ctx, otter, leg_id),
            lambda: journeys.confirm_pickup(ctx, otter, leg_id, world.leg(leg_id).phrase),
        ],
        LegStatus.DELIVERED: [
            lambda: journeys.dispatch_leg(ctx, heron, leg_id),
            lambda: journeys.accept_leg(ctx, otter, leg_id),
            lambda: journeys.confirm_pickup(ctx, otter, leg_id, world.leg(leg_id).phrase),
            lambda: journeys.confirm_arrival(ctx, otter, leg_id),
        ],
    }
    for step in steps[status]:
        step()
    assert world.leg(leg_id).status is status
    return leg_id


def _actions(world: World, leg_id: str) -> dict[str, Callable[[Session], object]]:
    ctx = world.net.ctx
    return {
        "dispatch": lambda s: journeys.dispatch_leg(ctx, s, leg_id),
        "accept": lambda s: journeys.accept_leg(ctx, s, leg_id),
        "decline": lambda s: journeys.decline_leg(ctx, s, leg_id),
        "pickup": lambda s: journeys.confirm_pickup(ctx, s, leg_id, world.leg(leg_id).phrase),
        "arrival": lambda s: journeys.confirm_arrival(ctx, s, leg_id),
    }


ALLOWED = {
    LegStatus.PLANNED: {"dispatch"},
    LegStatus.DISPATCHED: {"accept", "decline"},
    LegStatus.ACCEPTED: {"pickup"},
    LegStatus.PICKED_UP: {"arrival"},
    LegStatus.DELIVERED: set(),
    LegStatus.DECLINED: set(),
}


@pytest.mark.parametrize("status", list(ALLOWED), ids=[s.value for s in ALLOWED])
def test_illegal_leg_steps_are_refused_and_change_nothing(world: World, status: LegStatus) -> None:
    leg_id = _leg_at(world, status)
    ctx = world.net.ctx
    for name, action in _actions(world, leg_id).items():
        if name in ALLOWED[status]:
            continue
        session = world.heron() if name == "dispatch" else world.net.login("Otter")
        before = world.leg(leg_id)
        header = Records(ctx.vault).header(leg_id)
        with pytest.raises((LegIllegalTransition, NotAvailable)) as refused:
            action(session)
        assert str(refused.value)
        assert world.leg(leg_id) == before, name
        assert Records(ctx.vault).header(leg_id) == header, name


def test_only_the_carrier_acts_on_their_leg(world: World) -> None:
    leg_id = _leg_at(world, LegStatus.DISPATCHED)
    ctx = world.net.ctx
    for codename in ("Badger", "Heron", "Kestrel", "Finch"):
        with pytest.raises(NotAvailable):
            journeys.accept_leg(ctx, world.net.login(codename), leg_id)
    assert world.leg(leg_id).status is LegStatus.DISPATCHED


def test_pickup_needs_the_right_phrase(world: World) -> None:
    leg_id = _leg_at(world, LegStatus.ACCEPTED)
    with pytest.raises(PhraseMismatch):
        journeys.confirm_pickup(world.net.ctx, world.net.login("Otter"), leg_id, "wrong words")
    assert world.leg(leg_id).status is LegStatus.ACCEPTED


def test_first_pickup_puts_the_case_in_transit(world: World) -> None:
    leg_id = _leg_at(world, LegStatus.PICKED_UP)
    case_id = world.leg(leg_id).case_id
    settled = journeys.settle_case(world.net.ctx, world.heron(), case_id)
    assert settled.status is CaseStatus.IN_TRANSIT


def test_arrival_at_the_destination_makes_the_case_safe(world: World) -> None:
    leg_id = _leg_at(world, LegStatus.DELIVERED)
    case_id = world.leg(leg_id).case_id
    assert journeys.settle_case(world.net.ctx, world.heron(), case_id).status is CaseStatus.SAFE


# -- re-planning and cancelling ----------------------------------------------------------------


def test_a_declined_leg_is_replaced_and_the_new_carrier_takes_over(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id = world.case()
    journey_id = _plan(
        world, case_id, [world.first(1, 3), world.second(3, 5)], (world.stay(5, 20),)
    )
    heron = world.heron()
    leg1, leg2 = access_journey_for_member(ctx, heron, journey_id).leg_ids
    journeys.dispatch_leg(ctx, heron, leg2)
    net.clock.advance(1 * HOUR)
    release.release_due(ctx)
    journeys.decline_leg(ctx, net.login("Badger"), leg2)
    # Otter's van can do Bridge -> Haven too, right after the first leg.
    plan = LegPlan(
        world.segments["bridge-haven"], world.member("Otter"), span(3, 5), world.vans["Otter"]
    )
    new_leg = journeys.replan_leg(ctx, heron, leg2, plan)
    journey = access_journey_for_member(ctx, heron, journey_id)
    assert journey.leg_ids == (leg1, new_leg)
    assert world.leg(leg2).status is LegStatus.DECLINED
    # Same carrier on both legs: no handoff between them; the old handoffs are closed.
    statuses = sorted(h.attrs["status"] for _, h in Records(ctx.vault).of_kind("handoff"))
    assert statuses == ["cancelled", "cancelled", "open"]


def test_a_leg_under_way_cannot_be_replaced(world: World) -> None:
    leg_id = _leg_at(world, LegStatus.PICKED_UP)
    before = _count(world, "leg")
    with pytest.raises(LegIllegalTransition):
        journeys.replan_leg(world.net.ctx, world.heron(), leg_id, world.first(1, 3))
    assert _count(world, "leg") == before


def test_cancelling_a_journey_frees_everything_and_the_case_can_be_planned_again(
    world: World,
) -> None:
    ctx, heron = world.net.ctx, world.heron()
    case_id = world.case()
    journey_id = _plan(world, case_id, [world.first(), world.second()], (world.stay(),))
    journeys.cancel_journey(ctx, heron, journey_id)
    assert access_case_for_member(ctx, heron, case_id).status is CaseStatus.VETTED
    for leg_id in access_journey_for_member(ctx, heron, journey_id).leg_ids:
        assert world.leg(leg_id).status is LegStatus.CANCELLED
    _plan(world, case_id, [world.first(), world.second()], (world.stay(),))
    with pytest.raises(JourneyUnderWay):
        journeys.cancel_journey(ctx, heron, journey_id)


def test_a_journey_under_way_cannot_be_cancelled(world: World) -> None:
    leg_id = _leg_at(world, LegStatus.PICKED_UP)
    journey_id = world.leg(leg_id).journey_id
    with pytest.raises(ServiceError):
        journeys.cancel_journey(world.net.ctx, world.heron(), journey_id)
    assert world.leg(leg_id).status is LegStatus.PICKED_UP
