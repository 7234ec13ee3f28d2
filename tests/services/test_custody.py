"""Who holds the party: answerable for every case at every moment, for the cell's holders."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.custody import HolderKind
from safepassage.domain.journey import LegStatus
from safepassage.services import journeys
from safepassage.services.access import access_journey_for_member
from safepassage.services.custody import who_holds
from safepassage.services.errors import NotAvailable

from .conftest import Net
from .journey_world import World, at, build_world

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def test_every_case_has_an_answer_at_every_moment(world: World) -> None:
    ctx = world.net.ctx
    unplanned = world.case()
    planned = world.case()
    journeys.plan_journey(ctx, world.heron(), planned, [world.first()], [])
    for case_id in (unplanned, planned):
        for hours in (-100, 0, 3, 1000):
            custody = who_holds(ctx, world.heron(), case_id, at(hours))
            assert custody.kind is HolderKind.PARTY


def test_custody_follows_pickup_and_arrival_and_history_stays_answerable(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id = world.case()
    heron = world.heron()
    journey_id = journeys.plan_journey(ctx, heron, case_id, [world.first(1, 3)], [])
    (leg_id,) = access_journey_for_member(ctx, heron, journey_id).leg_ids
    otter = net.login("Otter")
    journeys.dispatch_leg(ctx, heron, leg_id)
    journeys.accept_leg(ctx, otter, leg_id)
    net.clock.advance(1 * HOUR)
    journeys.confirm_pickup(ctx, otter, leg_id, world.leg(leg_id).phrase)
    picked = net.clock.now()
    net.clock.advance(2 * HOUR)
    journeys.confirm_arrival(ctx, otter, leg_id)
    assert world.leg(leg_id).status is LegStatus.DELIVERED
    assert who_holds(ctx, heron, case_id, picked - HOUR).kind is HolderKind.PARTY
    during = who_holds(ctx, heron, case_id, picked + HOUR)
    assert (during.kind, during.member_id, during.since) == (
        HolderKind.CARRIER,
        otter.member_id,
        picked,
    )
    assert who_holds(ctx, heron, case_id).kind is HolderKind.PARTY


def test_only_holders_of_the_cell_ask(world: World) -> None:
    case_id = world.case()
    for codename in ("Kestrel", "Otter", "Finch"):
        with pytest.raises(NotAvailable):
            who_holds(world.net.ctx, world.net.login(codename), case_id)
