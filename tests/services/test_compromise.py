"""Compromise: a member detained or turned is revoked at once, and their blast radius and
the response come back, through the real journeys, stays and alarms on the north network
of `journey_world` (Otter and Badger drive, Finch hosts, Heron coordinates).
"""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.alarm import AlarmKind
from safepassage.domain.blast_radius import TaskKind
from safepassage.domain.case import Case
from safepassage.domain.member import Role
from safepassage.domain.safe_house import SafeHouseStatus
from safepassage.services import alarms, compromise, journeys, release
from safepassage.services.access import access_case_for_member, access_leg_for_member
from safepassage.services.errors import AlreadyRevoked, LoginFailed, NotAvailable
from safepassage.services.members import Session, is_revoked
from safepassage.services.records import Records, raw

from .conftest import Net
from .journey_world import World, build_world

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(net: Net) -> World:
    return build_world(net)


def _every_id(world: World) -> list[str]:
    index = world.net.ctx.vault.index
    return [rid.hex() for rid in index._headers]  # every record, of every kind


def _opens(world: World, session: Session) -> set[str]:
    """What this keyring decrypts, anywhere in the store: only the keys decide."""
    ids = [raw(r) for r in _every_id(world)]
    return {rid.hex() for rid in world.net.ctx.vault.try_read_many(ids, session.keyring)}


def _journey(world: World) -> tuple[str, str, str, str]:
    """Otter 08:00-10:00 then Badger 10:00-12:00 to Haven, a stay at Finch's from 12:00;
    dispatched and released at 06:00 (Otter's window is open). (case, leg1, leg2, stay)."""
    ctx, heron = world.net.ctx, world.heron()
    case_id = world.case()
    journey_id = journeys.plan_journey(
        ctx, heron, case_id, [world.first(2, 4), world.second(4, 6)], [world.stay(6, 30)]
    )
    steps = journeys.journey_steps(ctx, heron, journey_id)
    leg1, leg2, stay = (s.id for s in steps)
    journeys.dispatch_leg(ctx, heron, leg1)
    journeys.dispatch_leg(ctx, heron, leg2)
    release.release_due(ctx)
    return case_id, leg1, leg2, stay


def test_a_driver_is_revoked_at_once_and_their_radius_is_what_they_could_read(
    world: World,
) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, leg1, leg2, _ = _journey(world)
    otter = net.login("Otter")
    opened_before = _opens(world, otter)
    assert leg1 in opened_before
    assert leg2 not in opened_before

    radius = compromise.report_compromise(ctx, world.heron(), otter.member_id, "detained")

    assert radius.readable == opened_before
    assert radius.legs == {leg1}
    assert radius.cases == {case_id}
    assert world.member("Otter") not in radius.members
    assert radius.cells == frozenset()
    assert radius.tasks_of(TaskKind.REPLAN_LEG) == (leg1,)
    assert radius.tasks_of(TaskKind.WARN_PARTY) == (case_id,)
    assert radius.tasks_of(TaskKind.ROTATE_CELL) == ()
    assert radius.names[world.places["Ford"]] == "Ford"
    # Revoked: no login, no slot, and the real keys open nothing any more.
    assert is_revoked(ctx, otter.member_id)
    assert not ctx.logins.exists("Otter")
    with pytest.raises(LoginFailed):
        net.login("Otter")
    assert _opens(world, otter) == set()
    with pytest.raises(NotAvailable):
        access_leg_for_member(ctx, otter, leg1)
    # The coordinator still reads the leg; the report survives as a record.
    assert access_leg_for_member(ctx, world.heron(), leg1).carrier_id == otter.member_id
    ((_, status, stored),) = compromise.compromise_reports(ctx, world.heron())
    assert status == compromise.DONE
    assert stored.radius.readable == radius.readable
    assert stored.radius.names == {}
    assert stored.reason == "detained"


def test_the_silent_compromise_alarm_reaches_the_cell_not_the_member(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    otter_id = world.member("Otter")
    compromise.report_compromise(ctx, world.heron(), otter_id, "turned")
    (board_alarm,) = alarms.open_alarms(ctx, world.heron())
    assert board_alarm.alarm.kind is AlarmKind.COMPROMISE
    assert board_alarm.alarm.member_id == otter_id
    assert alarms.open_alarms(ctx, net.login("Kestrel")) == []


def test_only_a_coordinator_of_the_members_cell_reports_and_nothing_changes_otherwise(
    world: World,
) -> None:
    net, ctx = world.net, world.net.ctx
    net.invite("Heron", "Wren", {Role.DISPATCHER}, "north")
    otter_id = world.member("Otter")
    before = Records(ctx.vault).header(otter_id)
    for reporter, target in (
        (net.login("Kestrel"), otter_id),  # another cell's coordinator
        (net.login("Wren"), otter_id),  # a dispatcher of the cell
        (world.heron(), world.member("Heron")),  # about oneself
        (world.heron(), world.cell),  # not a member
    ):
        with pytest.raises(NotAvailable):
            compromise.report_compromise(ctx, reporter, target, "x")
    assert Records(ctx.vault).header(otter_id) == before
    assert ctx.logins.exists("Otter")
    assert Records(ctx.vault).of_kind(compromise.COMPROMISE) == []


def test_reporting_twice_is_refused(world: World) -> None:
    ctx = world.net.ctx
    compromise.report_compromise(ctx, world.heron(), world.member("Otter"), "detained")
    with pytest.raises(AlreadyRevoked):
        compromise.report_compromise(ctx, world.heron(), world.member("Otter"), "detained")
    assert len(Records(ctx.vault).of_kind(compromise.COMPROMISE)) == 1


def test_a_host_burns_their_house_and_people_must_move_out(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, _, _, stay = _journey(world)
    finch = net.login("Finch")
    radius = compromise.report_compromise(ctx, world.heron(), finch.member_id, "house watched")

    assert world.house in radius.safe_houses
    assert radius.tasks_of(TaskKind.MOVE_OUT) == (world.house,)
    (marked,) = [t for t in radius.tasks if t.kind is TaskKind.MARK_HOUSE_COMPROMISED]
    assert marked.target_id == world.house
    assert marked.done
    header = Records(ctx.vault).header(world.house)
    assert header is not None
    assert header.attrs["status"] == SafeHouseStatus.COMPROMISED.value
    assert Records(ctx.vault).public_key(finch.member_id) not in header.recipients
    # The stay opens 2 h before 12:00: not yet Finch's to read, but theirs to host.
    assert stay not in radius.readable
    assert case_id not in radius.cases


def test_reads_in_the_past_stay_in_the_radius_after_the_wrap_is_gone(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, leg1, _, _ = _journey(world)
    otter = net.login("Otter")
    access_leg_for_member(ctx, otter, leg1)  # audited
    net.clock.advance(18 * HOUR)  # 00:00: window end + 6 h passed
    release.release_due(ctx)
    assert leg1 not in _opens(world, otter)

    radius = compromise.blast_radius(ctx, otter.member_id)
    assert leg1 not in radius.readable
    assert leg1 in radius.history
    assert leg1 in radius.legs


def test_a_dispatcher_held_the_cell_key_so_the_cell_is_rotated(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    case_id, leg1, _, _ = _journey(world)
    net.invite("Heron", "Wren", {Role.DISPATCHER}, "north")
    wren = net.login("Wren")
    cell_public = Records(ctx.vault).public_key(world.cell)
    heron = world.heron()
    cell_records = {r.hex() for r in ctx.vault.index.sealed_to(cell_public)}
    assert _opens(world, wren) >= cell_records

    radius = compromise.report_compromise(ctx, heron, wren.member_id, "phone seized")

    assert radius.cells == {world.cell}
    (rotate,) = [t for t in radius.tasks if t.kind is TaskKind.ROTATE_CELL]
    assert rotate.target_id == world.cell
    assert rotate.done
    assert {case_id, leg1} <= radius.readable
    new_public = Records(ctx.vault).public_key(world.cell)
    assert new_public != cell_public
    assert ctx.vault.index.sealed_to(cell_public) == set()
    # Wren's keys, old cell key included, open nothing; Heron logs in again and reads on.
    assert _opens(world, wren) == set()
    with pytest.raises(NotAvailable):
        access_case_for_member(ctx, heron, case_id)
    fresh = compromise.refreshed_session(ctx, heron)
    assert isinstance(access_case_for_member(ctx, fresh, case_id), Case)
    assert access_case_for_member(ctx, world.heron(), case_id).id == case_id
    assert access_leg_for_member(ctx, net.login("Otter"), leg1).id == leg1


def test_a_duress_login_revokes_what_the_server_can_and_a_coordinator_finishes(
    world: World,
) -> None:
    net, ctx = world.net, world.net.ctx
    _, leg1, _, _ = _journey(world)
    otter = net.login("Otter")
    before = _opens(world, otter)

    pending = compromise.handle_duress_login(ctx, otter.member_id)

    assert pending.readable == before
    assert pending.tasks_of(TaskKind.FINISH_REVOCATION) == (otter.member_id,)
    assert _opens(world, otter) == set()
    (board_alarm,) = alarms.open_alarms(ctx, world.heron())
    assert board_alarm.alarm.kind is AlarmKind.DURESS
    ((_, status, _),) = compromise.compromise_reports(ctx, world.heron())
    assert status == compromise.PENDING

    final = compromise.report_compromise(ctx, world.heron(), otter.member_id, "duress")
    # Nothing is sealed to Otter now, but what was exposed then stays exposed.
    assert final.readable == frozenset()
    assert final.history >= before
    assert leg1 in final.legs
    assert final.tasks_of(TaskKind.FINISH_REVOCATION) == ()
    assert is_revoked(ctx, otter.member_id)


def test_a_party_aboard_with_the_member_comes_first(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    _, leg1, _, _ = _journey(world)
    otter = net.login("Otter")
    net.clock.advance(2 * HOUR)
    journeys.accept_leg(ctx, otter, leg1)
    journeys.confirm_pickup(ctx, otter, leg1, world.leg(leg1).phrase)
    radius = compromise.report_compromise(ctx, world.heron(), otter.member_id, "detained")
    assert radius.tasks[0].kind is TaskKind.RECOVER_PARTY
    assert radius.tasks[0].target_id == leg1
    assert leg1 not in radius.tasks_of(TaskKind.REPLAN_LEG)


@pytest.mark.xfail(
    strict=True,
    reason="task_records._readers seals a released task to its carrier's key whatever the "
    "carrier's status: release_due re-adds a revoked carrier (fix belongs in task_records)",
)
def test_a_revoked_carriers_later_leg_is_never_sealed_to_them(world: World) -> None:
    net, ctx = world.net, world.net.ctx
    heron = world.heron()
    journey_id = journeys.plan_journey(ctx, heron, world.case(), [world.first(20, 22)])
    (leg,) = journeys.journey_steps(ctx, heron, journey_id)
    journeys.dispatch_leg(ctx, heron, leg.id)
    otter_public = Records(ctx.vault).public_key(world.member("Otter"))
    compromise.report_compromise(ctx, heron, world.member("Otter"), "detained")
    net.clock.advance(19 * HOUR)  # 01:00: the carrier's reading window has opened
    release.release_due(ctx)
    header = Records(ctx.vault).header(leg.id)
    assert header is not None
    assert otter_public not in header.recipients
