"""Retention with the fake clock: expiry days from each record's lifecycle, the purge that
makes them unreadable, and the tallies that are all that is left of closed cases.
"""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.case import CaseStatus
from safepassage.domain.tally import TallyRow, iso_week
from safepassage.services import cases, journeys, release, retention
from safepassage.services.errors import CaseNotClosed
from safepassage.services.records import CASE, JOURNEY, LEG, TALLY, Records, raw

from .conftest import START, Net
from .journey_world import World, build_world

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def _brought_to_safety(world: World, party_size: int = 2) -> tuple[str, str, str]:
    """Otter drives the party Ford -> Bridge 07:00-09:00; the case is safe at 09:00.
    (case, journey, leg)"""
    net, ctx, heron = world.net, world.net.ctx, world.heron()
    case_id = world.case(party_size)
    journey_id = journeys.plan_journey(ctx, heron, case_id, [world.first(1, 3)])
    (leg,) = journeys.journey_steps(ctx, heron, journey_id)
    journeys.dispatch_leg(ctx, heron, leg.id)
    release.release_due(ctx)
    otter = net.login("Otter")
    journeys.accept_leg(ctx, otter, leg.id)
    net.clock.advance(HOUR)
    journeys.confirm_pickup(ctx, otter, leg.id, world.leg(leg.id).phrase)
    net.clock.advance(2 * HOUR)
    journeys.confirm_arrival(ctx, otter, leg.id)
    assert journeys.settle_case(ctx, heron, case_id).status is CaseStatus.SAFE
    return case_id, journey_id, leg.id


def test_closing_a_safe_case_counts_its_people_by_week_and_route(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, _, _ = _brought_to_safety(world, party_size=3)
    net.clock.advance(8 * DAY)  # closed a week later: counted in the week it became safe
    cases.close_case(ctx, world.heron(), case_id)

    rows = retention.aggregate_report(ctx, world.heron())
    assert rows == [TallyRow(iso_week(START), "town>handoff_point", 3, 1)]
    # Counting again, by hand, changes nothing.
    assert retention.tally_closed_case(ctx, world.heron(), case_id) is False
    assert retention.aggregate_report(ctx, world.heron()) == rows
    assert retention.aggregate_report(ctx, net.login("Kestrel")) == []


def test_a_tally_names_nobody(world: World) -> None:
    ctx = world.net.ctx
    case_id, journey_id, leg_id = _brought_to_safety(world)
    cases.close_case(ctx, world.heron(), case_id)
    ((tally_id, header),) = Records(ctx.vault).of_kind(TALLY)
    assert set(header.links) == {"cell"}
    assert header.expires.year == 9999
    body = ctx.vault.read(raw(tally_id), world.heron().keyring)
    named = [case_id, journey_id, leg_id, *world.places.values(), *world.net.ids.values()]
    for record_id in named:
        assert record_id.encode() not in body
    for name in [*world.places, *world.net.ids]:
        assert name.encode() not in body


def test_cases_closed_otherwise_are_not_counted(world: World) -> None:
    ctx, heron = world.net.ctx, world.heron()
    case_id = world.case()
    cases.withdraw_case(ctx, heron, case_id)
    cases.close_case(ctx, heron, case_id)
    assert retention.tally_closed_case(ctx, heron, case_id) is False
    assert retention.aggregate_report(ctx, heron) == []
    assert Records(ctx.vault).of_kind(TALLY) == []


def test_an_open_case_cannot_be_tallied(world: World) -> None:
    ctx, heron = world.net.ctx, world.heron()
    case_id, _, _ = _brought_to_safety(world)
    with pytest.raises(CaseNotClosed):
        retention.tally_closed_case(ctx, heron, case_id)
    assert Records(ctx.vault).of_kind(TALLY) == []


def test_closing_gives_the_journey_the_cases_day_and_purge_leaves_only_the_tally(
    world: World,
) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, journey_id, leg_id = _brought_to_safety(world)
    records = Records(ctx.vault)
    journey_header = records.header(journey_id)
    assert journey_header is not None
    assert journey_header.expires.year == 9999  # standing while the case lives
    closed = cases.close_case(ctx, world.heron(), case_id)
    assert closed.closed_at is not None
    case_day = (closed.closed_at + 30 * DAY).date()
    journey_header = records.header(journey_id)
    case_header = records.header(case_id)
    assert journey_header is not None
    assert case_header is not None
    assert journey_header.expires == case_header.expires == case_day

    # The leg goes 72 h after its window; the case and journey on their day, not before.
    net.clock.advance(4 * DAY)
    report = retention.purge_expired(ctx)
    assert report.records_deleted >= 1
    assert records.header(leg_id) is None
    assert records.header(case_id) is not None
    net.clock.moment = dt.datetime.combine(case_day, dt.time(23, 0), tzinfo=dt.UTC)
    retention.purge_expired(ctx)
    assert records.header(case_id) is not None
    net.clock.advance(2 * HOUR)
    report = retention.purge_expired(ctx)
    assert report.day == case_day + DAY
    assert report.epochs_destroyed >= 1
    for gone in (case_id, journey_id):
        assert records.header(gone) is None
    assert records.of_kind(CASE) == []
    assert records.of_kind(JOURNEY) == []
    assert records.of_kind(LEG) == []
    rows = retention.aggregate_report(ctx, world.heron())
    assert rows == [TallyRow(iso_week(START), "town>handoff_point", 2, 1)]


def test_purge_destroys_the_day_key_of_a_closed_case(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id = world.case()
    cases.close_case(ctx, world.heron(), case_id)
    header = Records(ctx.vault).header(case_id)
    assert header is not None
    net.clock.moment = dt.datetime.combine(header.expires + DAY, dt.time(0), tzinfo=dt.UTC)
    retention.purge_expired(ctx)
    assert header.expires not in ctx.vault.epoch_days()
