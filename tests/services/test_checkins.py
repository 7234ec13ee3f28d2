"""record_checkin: only the carrier or host of a task under watch signs of life; the
watches the server arms from headers are the domain's own."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.checkin import CheckIn, WatchSubject, watch_for_leg, watch_for_stay
from safepassage.domain.journey import Leg, LegStatus, StayStatus
from safepassage.domain.member import Role
from safepassage.services import checkins, members
from safepassage.services.errors import NotAvailable, NotUnderWatch
from safepassage.services.records import CHECKIN, Records, linked, new_id

from .conftest import START, Net
from .watched import HOUR, MINUTE, SECOND, write_leg, write_stay

WINDOW_START = START + HOUR


@pytest.fixture
def otter(net: Net) -> str:
    return net.invite("Heron", "Otter", {Role.DRIVER}, "north")


@pytest.fixture
def leg(net: Net, otter: str) -> Leg:
    return write_leg(net.ctx, net.cells["north"], otter, WINDOW_START, WINDOW_START + 2 * HOUR)


def checkin_ids(net: Net) -> list[str]:
    return [rid for rid, _ in Records(net.ctx.vault).of_kind(CHECKIN)]


def test_the_carrier_checks_in_during_the_window(net: Net, leg: Leg, otter: str) -> None:
    net.clock.moment = WINDOW_START + 5 * MINUTE
    received = checkins.record_checkin(net.ctx, net.login("Otter"), leg.id)
    assert received == checkins.Received(WINDOW_START + 5 * MINUTE)
    (checkin_id,) = checkin_ids(net)
    records = Records(net.ctx.vault)
    header = records.header(checkin_id)
    assert header is not None
    assert linked(header, "subject") == (leg.id,)
    assert linked(header, "member") == (otter,)
    assert linked(header, "cell") == (net.cells["north"],)
    assert header.times == {"at": received.at}
    assert header.expires == (received.at + dt.timedelta(hours=72)).date()
    body = records.read(CheckIn, checkin_id, net.login("Heron").keyring)
    assert body == CheckIn(checkin_id, leg.case_id, WatchSubject.LEG, leg.id, received.at, otter)
    assert records.read(CheckIn, checkin_id, net.login("Otter").keyring) == body
    with pytest.raises(NotAvailable):
        records.read(CheckIn, checkin_id, net.login("Kestrel").keyring)
    assert checkins.last_seen_by_subject(net.ctx) == {leg.id: received.at}


def test_no_checkin_before_the_window_opens(net: Net, leg: Leg) -> None:
    net.clock.moment = WINDOW_START - SECOND
    with pytest.raises(NotUnderWatch):
        checkins.record_checkin(net.ctx, net.login("Otter"), leg.id)
    assert checkin_ids(net) == []
    net.clock.moment = WINDOW_START
    checkins.record_checkin(net.ctx, net.login("Otter"), leg.id)
    assert len(checkin_ids(net)) == 1


@pytest.mark.parametrize(
    "status",
    [LegStatus.PLANNED, LegStatus.DISPATCHED, LegStatus.DELIVERED, LegStatus.CANCELLED],
)
def test_no_checkin_for_a_leg_not_under_watch(net: Net, otter: str, status: LegStatus) -> None:
    end = WINDOW_START + 2 * HOUR
    leg = write_leg(net.ctx, net.cells["north"], otter, WINDOW_START, end, status)
    net.clock.moment = WINDOW_START + MINUTE
    with pytest.raises(NotUnderWatch):
        checkins.record_checkin(net.ctx, net.login("Otter"), leg.id)
    assert checkin_ids(net) == []


@pytest.mark.parametrize("who", ["Heron", "Kestrel", "Mole"])
def test_only_the_carrier_checks_in(net: Net, leg: Leg, who: str) -> None:
    net.invite("Heron", "Mole", {Role.DRIVER}, "north")
    net.clock.moment = WINDOW_START + MINUTE
    with pytest.raises(NotAvailable):
        checkins.record_checkin(net.ctx, net.login(who), leg.id)
    assert checkin_ids(net) == []


def test_things_that_are_not_tasks_look_like_nothing(net: Net, leg: Leg, otter: str) -> None:
    net.clock.moment = WINDOW_START + MINUTE
    otter_session = net.login("Otter")
    for other in (otter, net.cells["north"], new_id(), "not hex", "ab"):
        with pytest.raises(NotAvailable):
            checkins.record_checkin(net.ctx, otter_session, other)
    assert checkin_ids(net) == []


def test_the_host_checks_in_for_an_active_stay(net: Net) -> None:
    host = net.invite("Heron", "Badger", {Role.HOST}, "north")
    stay = write_stay(net.ctx, net.cells["north"], host, START, START + 24 * HOUR)
    booked = write_stay(
        net.ctx, net.cells["north"], host, START, START + 24 * HOUR, StayStatus.PLANNED
    )
    net.clock.moment = START + 3 * HOUR
    badger = net.login("Badger")
    assert checkins.record_checkin(net.ctx, badger, stay.id).at == START + 3 * HOUR
    with pytest.raises(NotUnderWatch):
        checkins.record_checkin(net.ctx, badger, booked.id)
    with pytest.raises(NotAvailable):
        checkins.record_checkin(net.ctx, net.login("Heron"), stay.id)
    assert len(checkin_ids(net)) == 1


def test_a_duress_session_is_answered_alike_and_records_nothing(net: Net, leg: Leg) -> None:
    members.set_duress_passphrase(net.ctx, net.login("Otter"), "Otter passphrase", "calm sea")
    net.clock.moment = WINDOW_START + MINUTE
    coerced = members.open_session(net.ctx, "Otter", "calm sea")
    assert coerced.duress
    answer = checkins.record_checkin(net.ctx, coerced, leg.id)
    assert answer == checkins.Received(WINDOW_START + MINUTE)
    assert checkin_ids(net) == []


@pytest.mark.parametrize("status", list(LegStatus))
def test_a_leg_header_arms_the_domains_own_watch(net: Net, otter: str, status: LegStatus) -> None:
    leg = write_leg(net.ctx, net.cells["north"], otter, WINDOW_START, WINDOW_START + HOUR, status)
    header = Records(net.ctx.vault).header(leg.id)
    assert header is not None
    assert checkins.watch_from_header(leg.id, header) == watch_for_leg(leg)


@pytest.mark.parametrize("status", list(StayStatus))
def test_a_stay_header_arms_the_domains_own_watch(net: Net, status: StayStatus) -> None:
    host = net.invite("Heron", "Badger", {Role.HOST}, "north")
    stay = write_stay(net.ctx, net.cells["north"], host, START, START + HOUR, status)
    header = Records(net.ctx.vault).header(stay.id)
    assert header is not None
    assert checkins.watch_from_header(stay.id, header) == watch_for_stay(stay)


def test_watches_are_listed_in_the_order_they_start(net: Net, otter: str) -> None:
    later = write_leg(net.ctx, net.cells["north"], otter, START + 5 * HOUR, START + 6 * HOUR)
    sooner = write_leg(net.ctx, net.cells["north"], otter, START + HOUR, START + 2 * HOUR)
    watching = checkins.current_watches(net.ctx)
    assert [w.subject_id for w in watching.watches] == [sooner.id, later.id]
    assert watching.malformed == 0
