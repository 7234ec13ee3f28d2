"""Need-to-know by the keys: what a carrier's, a host's or another cell's keyring opens.

Each check opens the store with one session's keyring only and counts what decrypts
(`vault.try_read_many`), at moments before, inside and after the window, with the fake
clock advanced and `release_due` run as the server's tick would.
"""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.journey import Journey
from safepassage.services import journeys, release
from safepassage.services.access import access_journey_for_member, access_leg_for_member
from safepassage.services.errors import NotAvailable
from safepassage.services.members import Session
from safepassage.services.records import Records, raw

from .conftest import Net
from .journey_world import World, build_world

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def _opens(world: World, session: Session, ids: list[str]) -> set[str]:
    """The ids this session's own keys decrypt: nothing but the keys decides."""
    opened = world.net.ctx.vault.try_read_many([raw(i) for i in ids], session.keyring)
    return {rid.hex() for rid in opened}


def _journey(world: World, first_start: float = 6) -> tuple[str, Journey]:
    """One leg (Badger, Bridge to Haven) from 12:00 to 14:00 and a stay at Finch's in
    Haven, dispatched at 06:00."""
    case_id = world.case()
    plan = world.second(first_start, first_start + 2)
    stay = world.stay(first_start + 2, first_start + 26)
    ctx, heron = world.net.ctx, world.heron()
    journey_id = journeys.plan_journey(ctx, heron, case_id, [plan], [stay])
    journey = access_journey_for_member(ctx, heron, journey_id)
    journeys.dispatch_leg(ctx, heron, journey.leg_ids[0])
    return case_id, journey


def _every_record(world: World) -> list[str]:
    kinds = ("case", "journey", "leg", "stay", "handoff", "place", "segment", "vehicle")
    records = Records(world.net.ctx.vault)
    return [rid for kind in kinds for rid, _ in records.of_kind(kind)]


def test_a_carrier_opens_their_leg_only_inside_the_window(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, journey = _journey(world)  # window 12:00-14:00: readable 10:00 to 20:00
    (leg_id,) = journey.leg_ids
    badger = net.login("Badger")
    assert _opens(world, badger, [leg_id]) == set()
    with pytest.raises(NotAvailable):
        access_leg_for_member(ctx, badger, leg_id)

    net.clock.advance(3 * HOUR)  # 09:00, still an hour early
    release.release_due(ctx)
    assert _opens(world, badger, [leg_id]) == set()

    net.clock.advance(1 * HOUR)  # 10:00, the window opens for reading
    assert release.release_due(ctx) >= 1
    assert _opens(world, badger, [leg_id]) == {leg_id}
    assert access_leg_for_member(ctx, badger, leg_id).carrier_id == badger.member_id

    net.clock.advance(10 * HOUR)  # 20:00, window end + 6 h: the wrap is deleted
    release.release_due(ctx)
    assert _opens(world, badger, [leg_id]) == set()
    header = Records(ctx.vault).header(leg_id)
    assert header is not None
    assert Records(ctx.vault).public_key(badger.member_id) not in header.recipients
    assert ctx.vault.release_keys.public not in header.recipients
    # The cell's coordinator still reads it.
    assert _opens(world, world.heron(), [leg_id]) == {leg_id}


def test_a_leg_whose_window_is_near_is_released_at_dispatch(world: World) -> None:
    _, journey = _journey(world, first_start=1)
    assert _opens(world, world.net.login("Badger"), list(journey.leg_ids)) == set(journey.leg_ids)


def test_a_planned_leg_is_not_released_even_inside_the_window(world: World) -> None:
    ctx, heron = world.net.ctx, world.heron()
    case_id = world.case()
    journey_id = journeys.plan_journey(ctx, heron, case_id, [world.first(1, 3)])
    leg_id = access_journey_for_member(ctx, heron, journey_id).leg_ids[0]
    release.release_due(ctx)
    assert _opens(world, world.net.login("Otter"), [leg_id]) == set()


def test_a_declined_leg_is_taken_back_at_once(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, journey = _journey(world, first_start=1)
    (leg_id,) = journey.leg_ids
    badger = net.login("Badger")
    journeys.decline_leg(ctx, badger, leg_id)
    assert _opens(world, badger, [leg_id]) == set()
    release.release_due(ctx)
    assert _opens(world, badger, [leg_id]) == set()


def test_a_host_opens_only_the_stays_in_their_house_in_their_window(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, journey = _journey(world)  # stay from 14:00: readable from 12:00
    (stay_id,) = journey.stay_ids
    finch = net.login("Finch")
    assert _opens(world, finch, [stay_id]) == set()
    net.clock.advance(6 * HOUR)
    release.release_due(ctx)
    assert _opens(world, finch, [stay_id]) == {stay_id}
    # No leg, no case, no journey, no handoff opens with the host's keys.
    opened = _opens(world, finch, _every_record(world))
    kinds = {header.kind for r in opened if (header := Records(ctx.vault).header(r))}
    assert kinds <= {"stay", "safe_house", "member"}
    net.clock.advance(33 * HOUR)  # the booking ends at 14:00 next day: 6 h later
    release.release_due(ctx)
    assert _opens(world, finch, [stay_id]) == set()


def test_nobody_reads_across_cells(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, journey = _journey(world, first_start=1)
    net.clock.advance(2 * HOUR)
    release.release_due(ctx)
    kestrel = net.login("Kestrel")
    mine = [*journey.leg_ids, *journey.stay_ids, journey.id]
    handoff_ids = [rid for rid, h in Records(ctx.vault).of_kind("handoff")]
    assert handoff_ids
    assert _opens(world, kestrel, [*mine, *handoff_ids]) == set()
    with pytest.raises(NotAvailable):
        access_journey_for_member(ctx, kestrel, journey.id)


def test_a_driver_opens_no_other_drivers_legs(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id = world.case()
    heron = world.heron()
    journey_id = journeys.plan_journey(ctx, heron, case_id, [world.first(1, 3), world.second(3, 5)])
    legs = access_journey_for_member(ctx, heron, journey_id).leg_ids
    for leg_id in legs:
        journeys.dispatch_leg(ctx, heron, leg_id)
    net.clock.advance(2 * HOUR)
    release.release_due(ctx)
    assert _opens(world, net.login("Otter"), list(legs)) == {legs[0]}
    assert _opens(world, net.login("Badger"), list(legs)) == {legs[1]}
    assert _opens(world, net.login("Stoat"), list(legs)) == set()


def test_release_due_twice_changes_nothing_the_second_time(world: World) -> None:
    _journey(world)
    world.net.clock.advance(4 * HOUR)
    release.release_due(world.net.ctx)
    assert release.release_due(world.net.ctx) == 0
