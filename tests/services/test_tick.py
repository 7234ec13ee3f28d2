"""tick: watches armed from leg and stay headers, alarms raised at exactly due + grace and
escalated at exactly the policy's delays, shown by who can open the alarm."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.alarm import AlarmKind, AlarmStatus, EscalationLevel
from safepassage.domain.journey import Leg, LegStatus, StayStatus
from safepassage.domain.member import Role
from safepassage.domain.record_header import RecordHeader
from safepassage.services import alarms, checkins, journeys, release
from safepassage.services.records import LEG, Records, linked, new_id
from safepassage.services.tick import tick

from .conftest import START, Net
from .journey_world import build_world
from .watched import (
    HOUR,
    MINUTE,
    SECOND,
    alarm_headers,
    can_open,
    only_alarm,
    write_leg,
    write_stay,
)

# Default policies: a sign of life every 30 min, 10 min grace; escalation after 15 and 30.
WINDOW_START = START + HOUR  # 07:00
FIRST_DUE = WINDOW_START + 30 * MINUTE  # 07:30
MISSED_AT = FIRST_DUE + 10 * MINUTE  # 07:40


@pytest.fixture
def otter(net: Net) -> str:
    return net.invite("Heron", "Otter", {Role.DRIVER}, "north")


@pytest.fixture
def leg(net: Net, otter: str) -> Leg:
    return write_leg(net.ctx, net.cells["north"], otter, WINDOW_START, WINDOW_START + 2 * HOUR)


def at(net: Net, moment: dt.datetime) -> None:
    net.clock.moment = moment


def test_nothing_is_raised_one_second_before_due_plus_grace(net: Net, leg: Leg) -> None:
    at(net, MISSED_AT - SECOND)
    report = tick(net.ctx)
    assert (report.raised, report.watched) == (0, 1)
    assert report.next_at == MISSED_AT
    assert alarm_headers(net.ctx) == {}


def test_a_missed_checkin_raises_one_alarm_at_due_plus_grace(net: Net, leg: Leg) -> None:
    at(net, MISSED_AT)
    assert tick(net.ctx).raised == 1
    alarm_id, header = only_alarm(net.ctx)
    assert header.attrs == {
        "status": "open",
        "level": "carrier",
        "kind": "missed_checkin",
        "subject": "leg",
    }
    assert header.times == {"raised": MISSED_AT, "due": FIRST_DUE}
    assert linked(header, "subject") == (leg.id,)
    assert linked(header, "member") == (leg.carrier_id,)
    assert linked(header, "case") == (leg.case_id,)
    assert linked(header, "cell") == (net.cells["north"],)
    assert header.recipients == (Records(net.ctx.vault).public_key(leg.carrier_id),)
    assert can_open(net.ctx, net.login("Otter"), alarm_id)
    assert not can_open(net.ctx, net.login("Heron"), alarm_id)
    assert not can_open(net.ctx, net.login("Kestrel"), alarm_id)


def test_escalation_at_exactly_the_policy_delays(net: Net, leg: Leg) -> None:
    at(net, MISSED_AT)
    tick(net.ctx)
    alarm_id, _ = only_alarm(net.ctx)
    otter, heron, kestrel = net.login("Otter"), net.login("Heron"), net.login("Kestrel")

    def readers() -> tuple[bool, ...]:
        return tuple(can_open(net.ctx, s, alarm_id) for s in (otter, heron, kestrel))

    def level() -> str:
        return alarm_headers(net.ctx)[alarm_id].attrs["level"]

    at(net, MISSED_AT + 15 * MINUTE - SECOND)
    assert tick(net.ctx).escalated == 0
    assert (level(), readers()) == ("carrier", (True, False, False))

    at(net, MISSED_AT + 15 * MINUTE)
    report = tick(net.ctx)
    assert (report.raised, report.escalated) == (0, 1)
    assert report.next_at == MISSED_AT + 30 * MINUTE
    assert (level(), readers()) == ("cell_coordinator", (True, True, False))

    at(net, MISSED_AT + 30 * MINUTE - SECOND)
    assert tick(net.ctx).escalated == 0
    assert (level(), readers()) == ("cell_coordinator", (True, True, False))

    at(net, MISSED_AT + 30 * MINUTE)
    assert tick(net.ctx).escalated == 1
    assert (level(), readers()) == ("all_coordinators", (True, True, True))
    keys = Records(net.ctx.vault).public_key
    every = {keys(leg.carrier_id), keys(net.cells["north"]), keys(net.cells["south"])}
    assert set(alarm_headers(net.ctx)[alarm_id].recipients) == every
    assert linked(alarm_headers(net.ctx)[alarm_id], "cell") == (net.cells["north"],)

    at(net, MISSED_AT + 5 * HOUR)
    assert tick(net.ctx).escalated == 0


def test_acknowledging_stops_the_climb(net: Net, leg: Leg) -> None:
    at(net, MISSED_AT + 15 * MINUTE)
    tick(net.ctx)
    alarm_id, _ = only_alarm(net.ctx)
    at(net, MISSED_AT + 20 * MINUTE)
    alarms.acknowledge_alarm(net.ctx, net.login("Heron"), alarm_id)
    at(net, MISSED_AT + 2 * HOUR)
    report = tick(net.ctx)
    assert report.escalated == 0
    header = alarm_headers(net.ctx)[alarm_id]
    assert header.attrs["level"] == "cell_coordinator"
    assert header.attrs["status"] == "acknowledged"
    assert not can_open(net.ctx, net.login("Kestrel"), alarm_id)


def test_tick_is_idempotent(net: Net, leg: Leg) -> None:
    at(net, MISSED_AT + 15 * MINUTE)
    first = tick(net.ctx)
    assert first.raised == 1
    before = alarm_headers(net.ctx)
    second = tick(net.ctx)
    assert (second.raised, second.escalated) == (0, 0)
    assert alarm_headers(net.ctx) == before


def test_one_alarm_per_missed_due_time(net: Net, leg: Leg) -> None:
    at(net, MISSED_AT)
    tick(net.ctx)
    at(net, MISSED_AT + 40 * MINUTE)
    assert tick(net.ctx).raised == 0
    assert len(alarm_headers(net.ctx)) == 1
    # A late sign of life restarts the clock; the next miss is a new alarm.
    checkins.record_checkin(net.ctx, net.login("Otter"), leg.id)  # 08:20
    at(net, MISSED_AT + 40 * MINUTE + 40 * MINUTE - SECOND)
    assert tick(net.ctx).raised == 0
    at(net, MISSED_AT + 40 * MINUTE + 40 * MINUTE)
    assert tick(net.ctx).raised == 1
    dues = sorted(h.times["due"] for h in alarm_headers(net.ctx).values())
    assert dues == [FIRST_DUE, MISSED_AT + 40 * MINUTE + 30 * MINUTE]


def test_a_checkin_in_time_prevents_the_alarm(net: Net, leg: Leg) -> None:
    at(net, WINDOW_START + 25 * MINUTE)
    checkins.record_checkin(net.ctx, net.login("Otter"), leg.id)
    at(net, MISSED_AT)
    report = tick(net.ctx)
    assert report.raised == 0
    assert report.next_at == WINDOW_START + 25 * MINUTE + 40 * MINUTE
    assert alarm_headers(net.ctx) == {}


def test_the_window_end_is_a_checkpoint(net: Net, leg: Leg) -> None:
    """A sign of life is due when the window closes, even if the last came just before."""
    at(net, leg.window.end - 10 * MINUTE)
    checkins.record_checkin(net.ctx, net.login("Otter"), leg.id)
    at(net, leg.window.end + 10 * MINUTE - SECOND)
    assert tick(net.ctx).raised == 0
    at(net, leg.window.end + 10 * MINUTE)
    assert tick(net.ctx).raised == 1
    (header,) = alarm_headers(net.ctx).values()
    assert header.times["due"] == leg.window.end


def test_a_late_tick_raises_at_the_level_already_reached(net: Net, leg: Leg) -> None:
    """A server locked for a while does not hold the escalation back."""
    at(net, MISSED_AT + 20 * MINUTE)
    report = tick(net.ctx)
    assert (report.raised, report.escalated) == (1, 0)
    alarm_id, header = only_alarm(net.ctx)
    assert header.times["raised"] == MISSED_AT
    assert header.attrs["level"] == "cell_coordinator"
    assert can_open(net.ctx, net.login("Heron"), alarm_id)


@pytest.mark.parametrize("status", [LegStatus.PLANNED, LegStatus.DISPATCHED, LegStatus.DELIVERED])
def test_legs_not_accepted_or_under_way_are_not_watched(
    net: Net, otter: str, status: LegStatus
) -> None:
    write_leg(net.ctx, net.cells["north"], otter, WINDOW_START, WINDOW_START + 2 * HOUR, status)
    at(net, MISSED_AT + HOUR)
    assert (tick(net.ctx).watched, len(alarm_headers(net.ctx))) == (0, 0)


def test_a_picked_up_leg_stays_watched_past_its_window(net: Net, otter: str) -> None:
    end = WINDOW_START + 20 * MINUTE
    write_leg(net.ctx, net.cells["north"], otter, WINDOW_START, end, LegStatus.PICKED_UP)
    at(net, end + 10 * MINUTE)
    assert tick(net.ctx).raised == 1


def test_an_active_stay_is_watched_from_its_start(net: Net) -> None:
    host = net.invite("Heron", "Badger", {Role.HOST}, "north")
    stay = write_stay(net.ctx, net.cells["north"], host, START, START + 24 * HOUR)
    write_stay(
        net.ctx, net.cells["north"], host, START, START + 24 * HOUR, StayStatus.PLANNED
    )  # a booking not yet begun is not watched
    at(net, START + 40 * MINUTE - SECOND)
    report = tick(net.ctx)
    assert (report.watched, report.raised) == (1, 0)
    at(net, START + 40 * MINUTE)
    assert tick(net.ctx).raised == 1
    alarm_id, header = only_alarm(net.ctx)
    assert header.attrs["subject"] == "stay"
    assert linked(header, "subject") == (stay.id,)
    assert linked(header, "member") == (host,)
    assert can_open(net.ctx, net.login("Badger"), alarm_id)
    assert not can_open(net.ctx, net.login("Heron"), alarm_id)


def test_a_stay_whose_header_says_when_it_started_is_watched_from_then(net: Net) -> None:
    host = net.invite("Heron", "Badger", {Role.HOST}, "north")
    arrived = START + 2 * HOUR
    write_stay(net.ctx, net.cells["north"], host, START, START + 24 * HOUR, started=arrived)
    at(net, arrived + 40 * MINUTE - SECOND)
    assert tick(net.ctx).raised == 0
    at(net, arrived + 40 * MINUTE)
    assert tick(net.ctx).raised == 1


def test_a_malformed_task_header_is_counted_and_does_not_hide_the_rest(net: Net, leg: Leg) -> None:
    Records(net.ctx.vault).write(
        LEG, leg, record_id=new_id(), cells=[net.cells["north"]], attrs={"status": "accepted"}
    )
    watching = checkins.current_watches(net.ctx)
    assert ([w.subject_id for w in watching.watches], watching.malformed) == ([leg.id], 1)


def test_alarms_are_written_before_the_release_pass(
    net: Net, leg: Leg, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: object) -> int:
        raise RuntimeError("release failed")

    monkeypatch.setattr(release, "release_due", broken)
    at(net, MISSED_AT)
    with pytest.raises(RuntimeError, match="release failed"):
        tick(net.ctx)
    assert len(alarm_headers(net.ctx)) == 1


def test_tick_releases_a_leg_when_its_window_opens(net: Net, otter: str) -> None:
    """Through `release.release_due`: a dispatched leg reaches its carrier's keys."""
    start = START + 6 * HOUR
    leg = write_leg(net.ctx, net.cells["north"], otter, start, start + HOUR, LegStatus.DISPATCHED)
    records = Records(net.ctx.vault)
    before = records.header(leg.id)
    assert isinstance(before, RecordHeader)
    carrier_key = records.public_key(otter)
    records.remove_reader(leg.id, carrier_key)
    at(net, start - net.ctx.policies.need_to_know.before)
    assert tick(net.ctx).released == 1
    after = records.header(leg.id)
    assert after is not None
    assert carrier_key in after.recipients
    assert tick(net.ctx).released == 0


def test_alarms_survive_a_reload_of_the_index(net: Net, leg: Leg) -> None:
    """Escalation works from the headers as the store gives them back after an unlock."""
    at(net, MISSED_AT)
    tick(net.ctx)
    vault = net.ctx.vault
    vault.index.clear()  # type: ignore[attr-defined]
    vault.load()  # type: ignore[attr-defined]
    at(net, MISSED_AT + 15 * MINUTE)
    assert tick(net.ctx).escalated == 1
    alarm_id, header = only_alarm(net.ctx)
    assert header.attrs["level"] == EscalationLevel.CELL_COORDINATOR.value
    opened = alarms.open_alarms(net.ctx, net.login("Heron"))
    assert [b.alarm.id for b in opened] == [alarm_id]
    assert opened[0].alarm.kind is AlarmKind.MISSED_CHECKIN
    assert opened[0].alarm.status is AlarmStatus.OPEN
    assert opened[0].alarm.due_at == FIRST_DUE


def test_a_journey_planned_through_the_services_is_watched_once_accepted(net: Net) -> None:
    """Integration with `services/journeys.py`: its leg headers arm the same watch."""
    world = build_world(net)
    ctx, heron = net.ctx, net.login("Heron")
    journey_id = journeys.plan_journey(ctx, heron, world.case(), [world.first(start=2, end=4)])
    journey = Records(ctx.vault).header(journey_id)
    assert journey is not None
    (leg_id,) = linked(journey, "leg")
    journeys.dispatch_leg(ctx, heron, leg_id)
    assert tick(ctx).watched == 0
    otter = net.login("Otter")
    journeys.accept_leg(ctx, otter, leg_id)
    window_start = START + 2 * HOUR
    report = tick(ctx)
    assert (report.watched, report.next_at) == (1, window_start + 40 * MINUTE)
    at(net, window_start + 20 * MINUTE)
    checkins.record_checkin(ctx, otter, leg_id)
    at(net, window_start + 60 * MINUTE - SECOND)
    assert tick(ctx).raised == 0
    at(net, window_start + 60 * MINUTE)
    assert tick(ctx).raised == 1
    alarm_id, header = only_alarm(ctx)
    assert linked(header, "case") == linked(journey, "case")
    assert can_open(ctx, otter, alarm_id)
    assert not can_open(ctx, heron, alarm_id)
    at(net, window_start + 75 * MINUTE)
    assert tick(ctx).escalated == 1
    alarms.acknowledge_alarm(ctx, net.login("Heron"), alarm_id)
    journeys.confirm_pickup(ctx, otter, leg_id, world.leg(leg_id).phrase)
    at(net, window_start + 4 * HOUR)
    assert (tick(ctx).raised, len(alarm_headers(ctx))) == (0, 1)
