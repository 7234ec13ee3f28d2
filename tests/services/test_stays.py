"""Stays through the services: started and ended by the host or a coordinator."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.errors import StayIllegalTransition
from safepassage.domain.journey import StayStatus
from safepassage.services import journeys, release, stays
from safepassage.services.access import access_journey_for_member
from safepassage.services.errors import HandoffRequired, NotAvailable
from safepassage.services.records import Records

from .conftest import Net
from .journey_world import World, build_world

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def _stay(world: World, with_leg_into_it: bool = False) -> str:
    """A stay at Finch's from 10:00 (readable from 08:00) after two legs; unless asked to
    keep it, its journey is cancelled at once (and the stay with it)."""
    ctx, heron = world.net.ctx, world.heron()
    legs = [world.first(1, 2), world.second(2, 4)]
    journey_id = journeys.plan_journey(ctx, heron, world.case(), legs, [world.stay(4, 20)])
    journey = access_journey_for_member(ctx, heron, journey_id)
    if not with_leg_into_it:
        journeys.cancel_journey(ctx, heron, journey_id)
    return journey.stay_ids[0]


def test_a_stay_reached_by_handoff_cannot_be_started_around_it(world: World) -> None:
    stay_id = _stay(world, with_leg_into_it=True)
    world.net.clock.advance(2 * HOUR)
    release.release_due(world.net.ctx)
    with pytest.raises(HandoffRequired):
        stays.start_stay(world.net.ctx, world.net.login("Finch"), stay_id)
    assert world.stay_record(stay_id).status is StayStatus.PLANNED


def test_a_host_reads_and_moves_their_stay_only_in_their_window(world: World) -> None:
    ctx = world.net.ctx
    stay_id = _stay(world, with_leg_into_it=True)
    finch = world.net.login("Finch")
    with pytest.raises(NotAvailable):
        stays.start_stay(ctx, finch, stay_id)
    for codename in ("Otter", "Kestrel"):
        with pytest.raises(NotAvailable):
            stays.end_stay(ctx, world.net.login(codename), stay_id)


def test_illegal_stay_steps_are_refused_and_change_nothing(world: World) -> None:
    ctx = world.net.ctx
    stay_id = _stay(world)  # cancelled with its journey
    header = Records(ctx.vault).header(stay_id)
    before = world.stay_record(stay_id)
    assert before.status is StayStatus.CANCELLED
    for step in (stays.start_stay, stays.end_stay):
        with pytest.raises(StayIllegalTransition):
            step(ctx, world.heron(), stay_id)
        assert world.stay_record(stay_id) == before
        assert Records(ctx.vault).header(stay_id) == header


def test_a_stay_after_a_handoff_is_ended_by_its_host(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    heron = world.heron()
    journey_id = journeys.plan_journey(
        ctx, heron, world.case(), [world.first(1, 2), world.second(2, 4)], [world.stay(4, 20)]
    )
    journey = access_journey_for_member(ctx, heron, journey_id)
    leg1, leg2 = journey.leg_ids
    (stay_id,) = journey.stay_ids
    from safepassage.services import handoffs

    for leg_id in journey.leg_ids:
        journeys.dispatch_leg(ctx, heron, leg_id)
    otter, badger = net.login("Otter"), net.login("Badger")
    journeys.accept_leg(ctx, otter, leg1)
    journeys.accept_leg(ctx, badger, leg2)
    journeys.confirm_pickup(ctx, otter, leg1, world.leg(leg1).phrase)
    phrase = world.leg(leg2).phrase
    net.clock.advance(1 * HOUR)
    (first,) = handoffs.handoffs_of_task(ctx, otter, leg1)
    handoffs.confirm_handoff(ctx, otter, first, phrase)
    handoffs.confirm_handoff(ctx, badger, first, phrase)
    net.clock.advance(1 * HOUR)  # 08:00: Finch's window opens
    release.release_due(ctx)
    finch = net.login("Finch")
    (into,) = handoffs.handoffs_of_task(ctx, badger, stay_id)
    handoffs.confirm_handoff(ctx, finch, into, phrase)
    handoffs.confirm_handoff(ctx, badger, into, phrase)
    assert world.stay_record(stay_id).status is StayStatus.ACTIVE
    with pytest.raises(StayIllegalTransition):
        stays.start_stay(ctx, finch, stay_id)
    net.clock.advance(5 * HOUR)
    ended = stays.end_stay(ctx, finch, stay_id)
    assert ended.status is StayStatus.ENDED
    assert ended.ended_at == net.clock.now()
    header = Records(ctx.vault).header(stay_id)
    assert header is not None
    assert header.attrs["status"] == "ended"
