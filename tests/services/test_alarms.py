"""Alarms: acknowledged, resolved and escalated by coordinators who can open them; danger
and duress alarms silent and sealed straight to the cell; the board, most urgent first."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.alarm import Alarm, AlarmKind, AlarmStatus, EscalationLevel
from safepassage.domain.errors import AlarmIllegalTransition
from safepassage.domain.journey import Leg
from safepassage.domain.member import Role
from safepassage.domain.record_header import RecordHeader
from safepassage.services import alarms, checkins, members
from safepassage.services.errors import AlarmAtTop, NotAvailable
from safepassage.services.ports import BoxKeys
from safepassage.services.records import Records, linked
from safepassage.services.tick import tick

from .conftest import START, Net
from .watched import HOUR, MINUTE, alarm_headers, can_open, only_alarm, write_leg

WINDOW_START = START + HOUR
MISSED_AT = WINDOW_START + 40 * MINUTE


@pytest.fixture
def otter(net: Net) -> str:
    return net.invite("Heron", "Otter", {Role.DRIVER}, "north")


@pytest.fixture
def leg(net: Net, otter: str) -> Leg:
    return write_leg(net.ctx, net.cells["north"], otter, WINDOW_START, WINDOW_START + 2 * HOUR)


@pytest.fixture
def alarm_id(net: Net, leg: Leg) -> str:
    """A missed check-in alarm that has reached the north coordinator."""
    net.clock.moment = MISSED_AT + 15 * MINUTE
    tick(net.ctx)
    return only_alarm(net.ctx)[0]


def snapshot(net: Net, alarm_id: str) -> tuple[RecordHeader | None, Alarm]:
    header = Records(net.ctx.vault).header(alarm_id)
    body = Records(net.ctx.vault).read(Alarm, alarm_id, [net.ctx.vault.release_keys, *keys(net)])
    return header, body


def keys(net: Net) -> list[BoxKeys]:
    return [*net.login("Heron").keyring, *net.login("Otter").keyring]


# -- acknowledge, resolve, escalate ------------------------------------------------------


def test_acknowledged_by_the_cell_coordinator(net: Net, alarm_id: str, otter: str) -> None:
    net.clock.advance(MINUTE)
    heron = net.login("Heron")
    moved = alarms.acknowledge_alarm(net.ctx, heron, alarm_id)
    assert moved.status is AlarmStatus.ACKNOWLEDGED
    assert (moved.acknowledged_at, moved.acknowledged_by) == (net.clock.now(), heron.member_id)
    header = alarm_headers(net.ctx)[alarm_id]
    assert header.attrs["status"] == "acknowledged"
    assert header.attrs["level"] == "cell_coordinator"
    assert header.times["acknowledged"] == net.clock.now()
    assert linked(header, "acknowledged_by") == (heron.member_id,)
    assert linked(header, "member") == (otter,)
    assert Records(net.ctx.vault).read(Alarm, alarm_id, heron.keyring) == moved
    assert alarms.alarm_from_header(alarm_id, header) == moved
    assert can_open(net.ctx, net.login("Otter"), alarm_id)


def test_resolving_closes_the_alarm_and_starts_retention(net: Net, alarm_id: str) -> None:
    heron = net.login("Heron")
    alarms.acknowledge_alarm(net.ctx, heron, alarm_id)
    net.clock.advance(HOUR)
    resolved = alarms.resolve_alarm(net.ctx, heron, alarm_id)
    assert resolved.status is AlarmStatus.RESOLVED
    header = alarm_headers(net.ctx)[alarm_id]
    assert header.attrs["status"] == "resolved"
    assert header.times["resolved"] == net.clock.now()
    assert header.expires == (net.clock.now() + dt.timedelta(days=30)).date()
    assert alarms.open_alarms(net.ctx, heron) == []
    net.clock.advance(5 * HOUR)
    assert tick(net.ctx).escalated == 0


def test_an_open_alarm_can_be_resolved_at_once(net: Net, alarm_id: str) -> None:
    resolved = alarms.resolve_alarm(net.ctx, net.login("Heron"), alarm_id)
    assert resolved.status is AlarmStatus.RESOLVED
    assert resolved.acknowledged_at is None


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        (["acknowledge"], "acknowledge"),
        (["resolve"], "acknowledge"),
        (["resolve"], "resolve"),
        (["acknowledge", "resolve"], "resolve"),
        (["resolve"], "escalate"),
    ],
)
def test_illegal_alarm_steps_are_refused_and_change_nothing(
    net: Net, alarm_id: str, steps: list[str], refused: str
) -> None:
    heron = net.login("Heron")
    act = {
        "acknowledge": alarms.acknowledge_alarm,
        "resolve": alarms.resolve_alarm,
        "escalate": alarms.escalate_alarm,
    }
    for step in steps:
        act[step](net.ctx, heron, alarm_id)
    net.clock.advance(MINUTE)
    before = snapshot(net, alarm_id)
    with pytest.raises(AlarmIllegalTransition):
        act[refused](net.ctx, heron, alarm_id)
    assert snapshot(net, alarm_id) == before


def test_manual_escalation_reaches_every_coordinator_and_stops_at_the_top(
    net: Net, alarm_id: str
) -> None:
    heron, kestrel = net.login("Heron"), net.login("Kestrel")
    assert not can_open(net.ctx, kestrel, alarm_id)
    level = alarms.escalate_alarm(net.ctx, heron, alarm_id)
    assert level is EscalationLevel.ALL_COORDINATORS
    assert can_open(net.ctx, kestrel, alarm_id)
    before = snapshot(net, alarm_id)
    with pytest.raises(AlarmAtTop):
        alarms.escalate_alarm(net.ctx, kestrel, alarm_id)
    assert snapshot(net, alarm_id) == before
    # The south coordinator, who can open it now, may take it on.
    assert alarms.acknowledge_alarm(net.ctx, kestrel, alarm_id).acknowledged_by == (
        kestrel.member_id
    )


def test_tick_never_lowers_a_manual_escalation(net: Net, alarm_id: str) -> None:
    alarms.escalate_alarm(net.ctx, net.login("Heron"), alarm_id)
    report = tick(net.ctx)
    assert (report.escalated, report.next_at) == (0, None)
    assert alarm_headers(net.ctx)[alarm_id].attrs["level"] == "all_coordinators"


def test_an_acknowledged_alarm_can_still_be_escalated(net: Net, alarm_id: str) -> None:
    heron = net.login("Heron")
    alarms.acknowledge_alarm(net.ctx, heron, alarm_id)
    alarms.escalate_alarm(net.ctx, heron, alarm_id)
    header = alarm_headers(net.ctx)[alarm_id]
    assert (header.attrs["status"], header.attrs["level"]) == ("acknowledged", "all_coordinators")
    assert can_open(net.ctx, net.login("Kestrel"), alarm_id)


@pytest.mark.parametrize("who", ["Otter", "Wren", "Kestrel"])
@pytest.mark.parametrize("action", ["acknowledge", "resolve", "escalate"])
def test_only_a_coordinator_who_can_open_it_handles_an_alarm(
    net: Net, alarm_id: str, who: str, action: str
) -> None:
    """The carrier it is about, a dispatcher holding the cell key, and a coordinator the
    alarm has not reached yet: all refused alike, nothing changed."""
    net.invite("Heron", "Wren", {Role.DISPATCHER}, "north")
    session = net.login(who)
    act = {
        "acknowledge": alarms.acknowledge_alarm,
        "resolve": alarms.resolve_alarm,
        "escalate": alarms.escalate_alarm,
    }[action]
    before = snapshot(net, alarm_id)
    with pytest.raises(NotAvailable):
        act(net.ctx, session, alarm_id)
    assert snapshot(net, alarm_id) == before


def test_handling_something_that_is_not_an_alarm_looks_like_nothing(
    net: Net, leg: Leg, otter: str
) -> None:
    heron = net.login("Heron")
    for other in (leg.id, otter, "00" * 16, "nonsense"):
        with pytest.raises(NotAvailable):
            alarms.acknowledge_alarm(net.ctx, heron, other)


# -- danger and duress -------------------------------------------------------------------


def test_danger_is_answered_like_a_checkin_and_reaches_the_cell_at_once(
    net: Net, leg: Leg, otter: str
) -> None:
    net.clock.moment = WINDOW_START + 10 * MINUTE
    driver = net.login("Otter")
    after_checkin = checkins.record_checkin(net.ctx, driver, leg.id)
    after_danger = alarms.raise_danger_alarm(net.ctx, driver)
    assert after_danger == after_checkin
    assert type(after_danger) is type(after_checkin)
    alarm_id, header = only_alarm(net.ctx)
    assert header.attrs == {
        "status": "open",
        "level": "cell_coordinator",
        "kind": "danger",
        "subject": "leg",
    }
    assert linked(header, "subject") == (leg.id,)
    assert linked(header, "case") == (leg.case_id,)
    assert linked(header, "member") == (otter,)
    assert can_open(net.ctx, net.login("Heron"), alarm_id)
    assert not can_open(net.ctx, driver, alarm_id)
    assert not can_open(net.ctx, net.login("Kestrel"), alarm_id)
    assert alarms.open_alarms(net.ctx, driver) == []
    (shown,) = alarms.open_alarms(net.ctx, net.login("Heron"))
    assert (shown.kind, shown.level) == ("danger", EscalationLevel.CELL_COORDINATOR)
    assert shown.alarm.kind is AlarmKind.DURESS
    net.clock.moment = WINDOW_START + 40 * MINUTE
    assert tick(net.ctx).escalated == 1
    assert can_open(net.ctx, net.login("Kestrel"), alarm_id)
    assert not can_open(net.ctx, driver, alarm_id)


def test_danger_without_a_task_is_about_the_member(net: Net, otter: str) -> None:
    alarms.raise_danger_alarm(net.ctx, net.login("Otter"))
    alarm_id, header = only_alarm(net.ctx)
    assert linked(header, "subject") == (otter,)
    assert "subject" not in header.attrs
    assert "case" not in header.links
    assert linked(header, "cell") == (net.cells["north"],)
    assert can_open(net.ctx, net.login("Heron"), alarm_id)


def test_a_lone_coordinator_in_danger_alerts_every_cell_and_never_sees_it(net: Net) -> None:
    heron = net.login("Heron")
    alarms.raise_danger_alarm(net.ctx, heron)
    alarm_id, _ = only_alarm(net.ctx)
    assert can_open(net.ctx, net.login("Kestrel"), alarm_id)
    assert alarms.open_alarms(net.ctx, heron) == []
    with pytest.raises(NotAvailable):
        alarms.acknowledge_alarm(net.ctx, heron, alarm_id)
    assert [b.alarm.id for b in alarms.open_alarms(net.ctx, net.login("Kestrel"))] == [alarm_id]


def test_a_duress_session_can_still_call_for_help(net: Net, otter: str) -> None:
    members.set_duress_passphrase(net.ctx, net.login("Otter"), "Otter passphrase", "calm sea")
    coerced = members.open_session(net.ctx, "Otter", "calm sea")
    assert alarms.raise_danger_alarm(net.ctx, coerced).at == net.clock.now()
    alarm_id, _ = only_alarm(net.ctx)
    assert can_open(net.ctx, net.login("Heron"), alarm_id)


def test_a_duress_login_alarm_goes_to_the_cell_not_the_member(net: Net, otter: str) -> None:
    alarm_id = alarms.raise_duress_alarm(net.ctx, otter)
    header = alarm_headers(net.ctx)[alarm_id]
    assert (header.attrs["kind"], header.attrs["level"]) == ("duress", "cell_coordinator")
    assert can_open(net.ctx, net.login("Heron"), alarm_id)
    assert not can_open(net.ctx, net.login("Otter"), alarm_id)
    assert not can_open(net.ctx, net.login("Kestrel"), alarm_id)


def test_a_duress_alarm_for_an_unknown_member_is_refused(net: Net) -> None:
    with pytest.raises(NotAvailable):
        alarms.raise_duress_alarm(net.ctx, "00" * 16)
    assert alarm_headers(net.ctx) == {}


# -- the board ---------------------------------------------------------------------------


def test_the_board_shows_the_most_urgent_first(net: Net, leg: Leg, otter: str) -> None:
    heron = net.login("Heron")
    net.clock.moment = MISSED_AT + 15 * MINUTE
    tick(net.ctx)  # missed check-in, now at the cell coordinator
    missed, _ = only_alarm(net.ctx)
    net.clock.advance(MINUTE)
    handled = alarms.raise_duress_alarm(net.ctx, otter)
    alarms.acknowledge_alarm(net.ctx, heron, handled)
    net.clock.advance(MINUTE)
    newest = alarms.raise_duress_alarm(net.ctx, otter)
    net.clock.advance(MINUTE)
    top = alarms.raise_duress_alarm(net.ctx, otter)
    alarms.escalate_alarm(net.ctx, heron, top)
    gone = alarms.raise_duress_alarm(net.ctx, otter)
    alarms.resolve_alarm(net.ctx, heron, gone)
    board = alarms.open_alarms(net.ctx, heron)
    assert [b.alarm.id for b in board] == [top, missed, newest, handled]
    assert [b.kind for b in board] == ["duress", "missed_checkin", "duress", "duress"]
    # The south coordinator sees only what reached every cell.
    assert [b.alarm.id for b in alarms.open_alarms(net.ctx, net.login("Kestrel"))] == [top]
