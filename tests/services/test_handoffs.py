"""Handoffs through the services: both sides confirm with the phrase, custody passes once."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.case import CaseStatus
from safepassage.domain.custody import HolderKind
from safepassage.domain.errors import (
    HandoffAlreadyConfirmed,
    LegIllegalTransition,
    PhraseMismatch,
)
from safepassage.domain.journey import Journey, LegStatus, StayStatus
from safepassage.services import handoffs, journeys, release
from safepassage.services.access import access_case_for_member, access_journey_for_member
from safepassage.services.custody import who_holds
from safepassage.services.errors import NotAvailable
from safepassage.services.records import Records

from .conftest import Net
from .journey_world import World, build_world

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def _planned(world: World) -> tuple[str, Journey]:
    case_id = world.case()
    journey_id = journeys.plan_journey(
        world.net.ctx, world.heron(), case_id, [world.first(), world.second()], [world.stay()]
    )
    return case_id, access_journey_for_member(world.net.ctx, world.heron(), journey_id)


def _under_way(world: World) -> tuple[str, Journey]:
    """Both legs dispatched and accepted, the first picked up; the clock at 09:30."""
    net, ctx = world.net, world.net.ctx
    case_id, journey = _planned(world)
    leg1, leg2 = journey.leg_ids
    heron = world.heron()
    journeys.dispatch_leg(ctx, heron, leg1)
    journeys.dispatch_leg(ctx, heron, leg2)
    net.clock.advance(2 * HOUR)  # 08:00: the first window opens, the second is readable
    release.release_due(ctx)
    otter, badger = net.login("Otter"), net.login("Badger")
    journeys.accept_leg(ctx, otter, leg1)
    journeys.accept_leg(ctx, badger, leg2)
    journeys.confirm_pickup(ctx, otter, leg1, world.leg(leg1).phrase)
    net.clock.advance(1.5 * HOUR)
    return case_id, journey


def _handoff(world: World, task_id: str, role: str) -> str:
    ids = [
        rid
        for rid, h in Records(world.net.ctx.vault).linking_to(task_id)
        if h.kind == "handoff" and task_id in [t.hex() for t in h.links.get(role, ())]
    ]
    assert len(ids) == 1
    return ids[0]


def test_full_journey_from_pickup_to_safe(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, journey = _under_way(world)
    leg1, leg2 = journey.leg_ids
    (stay_id,) = journey.stay_ids
    otter, badger = net.login("Otter"), net.login("Badger")
    assert who_holds(ctx, world.heron(), case_id).member_id == world.member("Otter")

    first = _handoff(world, leg1, "from_leg")
    phrase = world.leg(leg2).phrase
    handoffs.confirm_handoff(ctx, otter, first, phrase)
    handoffs.confirm_handoff(ctx, badger, first, phrase.upper())
    custody = who_holds(ctx, world.heron(), case_id)
    assert (custody.kind, custody.member_id) == (HolderKind.CARRIER, world.member("Badger"))
    assert world.leg(leg1).status is LegStatus.DELIVERED
    assert world.leg(leg2).status is LegStatus.PICKED_UP

    net.clock.advance(2 * HOUR)  # 11:30: the host's window is open
    release.release_due(ctx)
    finch = net.login("Finch")
    into_stay = _handoff(world, leg2, "from_leg")
    handoffs.confirm_handoff(ctx, badger, into_stay, phrase)
    handoffs.confirm_handoff(ctx, finch, into_stay, phrase)
    custody = who_holds(ctx, world.heron(), case_id)
    assert (custody.kind, custody.member_id) == (HolderKind.HOST, world.member("Finch"))
    assert world.leg(leg2).status is LegStatus.DELIVERED
    assert world.stay_record(stay_id).status is StayStatus.ACTIVE

    settled = journeys.settle_case(ctx, world.heron(), case_id)
    assert settled.status is CaseStatus.SAFE
    assert access_case_for_member(ctx, world.heron(), case_id).status is CaseStatus.SAFE
    # Custody at every earlier moment is still answerable.
    assert who_holds(ctx, world.heron(), case_id, net.clock.now() - 12 * HOUR).kind is (
        HolderKind.PARTY
    )


def test_a_wrong_phrase_is_refused_and_nothing_changes(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, journey = _under_way(world)
    leg1, leg2 = journey.leg_ids
    first = _handoff(world, leg1, "from_leg")
    before = Records(ctx.vault).header(first)
    with pytest.raises(PhraseMismatch):
        handoffs.confirm_handoff(ctx, net.login("Badger"), first, "not the phrase at all")
    assert Records(ctx.vault).header(first) == before
    assert world.leg(leg1).status is LegStatus.PICKED_UP
    assert world.leg(leg2).status is LegStatus.ACCEPTED
    assert who_holds(ctx, world.heron(), case_id).member_id == world.member("Otter")


def test_one_side_only_leaves_custody_with_the_giver(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, journey = _under_way(world)
    leg1, leg2 = journey.leg_ids
    first = _handoff(world, leg1, "from_leg")
    phrase = world.leg(leg2).phrase
    handoffs.confirm_handoff(ctx, net.login("Badger"), first, phrase)
    custody = who_holds(ctx, world.heron(), case_id)
    assert (custody.kind, custody.member_id) == (HolderKind.CARRIER, world.member("Otter"))
    assert world.leg(leg1).status is LegStatus.PICKED_UP
    with pytest.raises(HandoffAlreadyConfirmed):
        handoffs.confirm_handoff(ctx, net.login("Badger"), first, phrase)


def test_only_the_two_sides_can_confirm(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, journey = _under_way(world)
    leg1, leg2 = journey.leg_ids
    first = _handoff(world, leg1, "from_leg")
    phrase = world.leg(leg2).phrase
    for outsider in (net.login("Stoat"), net.login("Finch"), net.login("Kestrel")):
        with pytest.raises(NotAvailable):
            handoffs.confirm_handoff(ctx, outsider, first, phrase)


def test_a_handoff_before_the_receiver_accepted_is_refused(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, journey = _planned(world)
    leg1, leg2 = journey.leg_ids
    heron = world.heron()
    journeys.dispatch_leg(ctx, heron, leg1)
    journeys.dispatch_leg(ctx, heron, leg2)
    net.clock.advance(2 * HOUR)
    release.release_due(ctx)
    otter = net.login("Otter")
    journeys.accept_leg(ctx, otter, leg1)
    journeys.confirm_pickup(ctx, otter, leg1, world.leg(leg1).phrase)
    first = _handoff(world, leg1, "from_leg")
    before = Records(ctx.vault).header(first)
    with pytest.raises(LegIllegalTransition):
        handoffs.confirm_handoff(ctx, otter, first, world.leg(leg2).phrase)
    assert Records(ctx.vault).header(first) == before


def test_the_second_leg_cannot_be_picked_up_around_the_handoff(world: World) -> None:
    from safepassage.services.errors import HandoffRequired

    net, ctx = world.net, world.net.ctx
    _, journey = _under_way(world)
    _, leg2 = journey.leg_ids
    with pytest.raises(HandoffRequired):
        journeys.confirm_pickup(ctx, net.login("Badger"), leg2, world.leg(leg2).phrase)
    assert world.leg(leg2).status is LegStatus.ACCEPTED
