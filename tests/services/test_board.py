"""The live board of a coordinator: alarms first, cases by status with who holds each party,
and beds tonight, from what the coordinator's keys open (north network of `journey_world`).
"""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.case import CaseStatus
from safepassage.domain.custody import HolderKind
from safepassage.domain.interval import Interval
from safepassage.domain.safe_house import SafeHouseStatus
from safepassage.services import alarms, board, cases, journeys, members, release, safe_houses
from safepassage.services.errors import NotAvailable
from safepassage.services.records import AUDIT, Records

from .conftest import START, Net
from .journey_world import World, build_world

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def _in_transit(world: World) -> tuple[str, str]:
    """A party of 2 picked up by Otter at 08:00, booked into Finch's house from 12:00."""
    net, ctx, heron = world.net, world.net.ctx, world.heron()
    case_id = world.case(party_size=2)
    journey_id = journeys.plan_journey(
        ctx, heron, case_id, [world.first(2, 4), world.second(4, 6)], [world.stay(6, 30)]
    )
    leg1 = journeys.journey_steps(ctx, heron, journey_id)[0].id
    journeys.dispatch_leg(ctx, heron, leg1)
    release.release_due(ctx)
    net.clock.advance(2 * HOUR)
    otter = net.login("Otter")
    journeys.accept_leg(ctx, otter, leg1)
    journeys.confirm_pickup(ctx, otter, leg1, world.leg(leg1).phrase)
    journeys.settle_case(ctx, heron, case_id)
    return case_id, leg1


def test_the_board_shows_alarms_cases_holders_and_beds(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    moving, leg1 = _in_transit(world)
    waiting = world.case(party_size=1)
    alarms.raise_danger_alarm(ctx, net.login("Otter"))

    live = board.live_board(ctx, world.heron())

    (alarm,) = live.alarms
    assert alarm.alarm.member_id == world.member("Otter")
    ((line,),) = [live.cases[CaseStatus.IN_TRANSIT]]
    assert line.case.id == moving
    assert line.holder is not None
    assert line.holder.kind is HolderKind.CARRIER
    assert line.holder.member_id == world.member("Otter")
    assert line.holder.leg_id == leg1
    assert [c.case.id for c in live.cases[CaseStatus.VETTED]] == [waiting]
    assert live.cases[CaseStatus.VETTED][0].holder is None
    (house,) = live.houses
    assert house.house_id == world.house
    assert (house.beds, house.used, house.free) == (4, 2, 2)
    assert live.tonight == Interval(START + 2 * HOUR, START + 24 * HOUR)


def test_another_cell_sees_none_of_it(world: World) -> None:
    _in_transit(world)
    live = board.live_board(world.net.ctx, world.net.login("Kestrel"))
    assert live.cases == {}
    assert live.houses == ()
    assert live.alarms == ()


def test_closed_cases_are_counted_not_listed_and_full_houses_have_no_free_bed(
    world: World,
) -> None:
    ctx, heron = world.net.ctx, world.heron()
    case_id = world.case()
    cases.close_case(ctx, heron, case_id)
    safe_houses.mark_safe_house_compromised(ctx, heron, world.house)
    live = board.live_board(ctx, heron)
    assert live.closed == 1
    assert live.cases == {}
    (house,) = live.houses
    assert house.status is SafeHouseStatus.COMPROMISED
    assert house.free == 0


def test_the_board_reads_in_one_audited_batch_per_kind(world: World) -> None:
    ctx = world.net.ctx
    _in_transit(world)
    for _ in range(3):
        world.case()
    records = Records(ctx.vault)
    before = len(records.of_kind(AUDIT))
    board.live_board(ctx, world.heron())
    # cases, legs, stays, handoffs, houses, stays of houses (alarms: none open)
    assert len(records.of_kind(AUDIT)) - before <= 6


def test_a_volunteer_or_a_duress_session_gets_an_empty_board_or_nothing(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _in_transit(world)
    live = board.live_board(ctx, net.login("Badger"))
    assert live.cases == {}
    assert live.houses == ()
    members.set_duress_passphrase(ctx, net.login("Heron"), "Heron passphrase", "under duress")
    decoy = members.open_session(ctx, "Heron", "under duress")
    with pytest.raises(NotAvailable):
        board.live_board(ctx, decoy)
