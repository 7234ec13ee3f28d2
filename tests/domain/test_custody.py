"""Who holds the party: worked examples, and a property test against simulated journeys."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.domain.custody import Custody, HolderKind, custody_events, holder_at
from safepassage.domain.handoff import Handoff
from safepassage.domain.journey import Leg, LegStatus, Stay, StayStatus

from .factories import T0, at, leg, span, stay


def test_before_anything_the_party_holds_itself() -> None:
    assert holder_at(at(0), [], [], []) == Custody(HolderKind.PARTY)
    assert holder_at(at(0), [leg()], [], [stay()]).kind is HolderKind.PARTY


def test_pickup_handoff_stay_and_arrival() -> None:
    first = leg(id="l1", carrier_id="d1", picked_up_at=at(10), delivered_at=at(60))
    into_house = Handoff(
        "h1",
        "c1",
        "p2",
        "d1",
        "host",
        from_leg_id="l1",
        to_stay_id="s1",
        giver_confirmed_at=at(58),
        receiver_confirmed_at=at(60),
    )
    house_stay = stay(id="s1", host_id="host", started_at=at(60), ended_at=at(600))
    second = leg(id="l2", carrier_id="g1", picked_up_at=at(600), delivered_at=at(700))
    out_of_house = Handoff(
        "h2",
        "c1",
        "p2",
        "host",
        "g1",
        from_stay_id="s1",
        to_leg_id="l2",
        giver_confirmed_at=at(600),
        receiver_confirmed_at=at(600),
    )
    records = ([first, second], [into_house, out_of_house], [house_stay])

    def who(minute: float) -> tuple[HolderKind, str | None]:
        c = holder_at(at(minute), *records)
        return c.kind, c.member_id

    assert who(9) == (HolderKind.PARTY, None)
    assert who(10) == (HolderKind.CARRIER, "d1")
    # One side confirmed at 58: the giver still holds the party.
    assert who(59) == (HolderKind.CARRIER, "d1")
    assert who(60) == (HolderKind.HOST, "host")
    assert who(599) == (HolderKind.HOST, "host")
    assert who(600) == (HolderKind.CARRIER, "g1")
    assert who(700) == (HolderKind.PARTY, None)
    assert holder_at(at(60), *records).handoff_id is None  # the stay start wins the tie
    assert holder_at(at(600), *records).leg_id == "l2"


def test_handoff_to_contact_at_destination() -> None:
    last = leg(carrier_id="d1", picked_up_at=at(0), delivered_at=at(50))
    to_contact = Handoff(
        "h", "c1", "p9", "d1", "k1", giver_confirmed_at=at(50), receiver_confirmed_at=at(50)
    )
    c = holder_at(at(51), [last], [to_contact], [])
    assert (c.kind, c.member_id, c.since) == (HolderKind.CONTACT, "k1", at(50))


def test_a_leg_failing_with_the_party_aboard_means_unknown() -> None:
    failed = leg(carrier_id="d1", picked_up_at=at(0), failed_at=at(30), status=LegStatus.FAILED)
    assert holder_at(at(30), [failed], [], []).kind is HolderKind.UNKNOWN


def test_a_leg_failing_before_pickup_changes_nothing() -> None:
    host_stay = stay(host_id="host", started_at=at(0), status=StayStatus.ACTIVE)
    no_show = leg(carrier_id="d1", failed_at=at(30), status=LegStatus.FAILED)
    c = holder_at(at(40), [no_show], [], [host_stay])
    assert (c.kind, c.member_id) == (HolderKind.HOST, "host")


def test_naive_moment_refused() -> None:
    with pytest.raises(ValueError, match="UTC"):
        holder_at(T0.replace(tzinfo=None), [], [], [])


# --- property: simulated journeys --------------------------------------------------------

Truth = list[tuple[dt.datetime, HolderKind, str | None]]


@st.composite
def journeys(draw: st.DrawFn) -> tuple[list[Leg], list[Handoff], list[Stay], Truth]:
    """A journey of legs and stays, built step by step, with the custody each step implies."""
    steps = draw(st.lists(st.sampled_from(["leg", "stay"]), min_size=1, max_size=6))
    legs: list[Leg] = []
    handoffs: list[Handoff] = []
    stays: list[Stay] = []
    truth: Truth = []
    t = draw(st.integers(0, 30))
    gap = st.integers(1, 90)

    def begin(kind: str, i: int, moment: dt.datetime, stamp: bool) -> tuple[str, str]:
        holder = f"{kind}-member-{i}"
        record_id = f"{kind}-{i}"
        if kind == "leg":
            legs.append(
                leg(
                    id=record_id,
                    carrier_id=holder,
                    window=span(0, 1),
                    picked_up_at=moment if stamp else None,
                )
            )
        else:
            stays.append(stay(id=record_id, host_id=holder, started_at=moment if stamp else None))
        return holder, record_id

    def finish(kind: str, record_id: str, moment: dt.datetime, failed: bool = False) -> None:
        if kind == "leg":
            index = next(i for i, x in enumerate(legs) if x.id == record_id)
            if failed:
                legs[index] = dataclasses.replace(legs[index], failed_at=moment)
            else:
                legs[index] = dataclasses.replace(legs[index], delivered_at=moment)
        else:
            index = next(i for i, x in enumerate(stays) if x.id == record_id)
            stays[index] = dataclasses.replace(stays[index], ended_at=moment)

    kind_of = {"leg": HolderKind.CARRIER, "stay": HolderKind.HOST}
    holder, record_id = begin(steps[0], 0, at(t), stamp=True)
    truth.append((at(t), kind_of[steps[0]], holder))
    for i, nxt in enumerate(steps[1:], start=1):
        prev = steps[i - 1]
        if draw(st.booleans()):
            # Handed over directly; one side may confirm well before the other.
            first = t + draw(gap)
            second = first + draw(st.integers(0, 30))
            times = [at(first), at(second)]
            if draw(st.booleans()):
                times.reverse()
            new_holder, new_id = begin(nxt, i, at(second), stamp=draw(st.booleans()))
            handoffs.append(
                Handoff(
                    f"h-{i}",
                    "c1",
                    "p",
                    holder,
                    new_holder,
                    from_leg_id=record_id if prev == "leg" else None,
                    from_stay_id=record_id if prev == "stay" else None,
                    to_leg_id=new_id if nxt == "leg" else None,
                    to_stay_id=new_id if nxt == "stay" else None,
                    giver_confirmed_at=times[0],
                    receiver_confirmed_at=times[1],
                )
            )
            finish(prev, record_id, at(second))
            t = second
        else:
            # Let go, then picked up again after a while on their own.
            t += draw(gap)
            finish(prev, record_id, at(t))
            truth.append((at(t), HolderKind.PARTY, None))
            t += draw(gap)
            new_holder, new_id = begin(nxt, i, at(t), stamp=True)
        truth.append((at(t), kind_of[nxt], new_holder))
        holder, record_id = new_holder, new_id
    ending = draw(st.sampled_from(["alone", "contact", "failed", "ongoing"]))
    t += draw(gap)
    if ending == "alone":
        finish(steps[-1], record_id, at(t))
        truth.append((at(t), HolderKind.PARTY, None))
    elif ending == "contact":
        handoffs.append(
            Handoff(
                "h-end",
                "c1",
                "p",
                holder,
                "contact-1",
                giver_confirmed_at=at(t),
                receiver_confirmed_at=at(t),
            )
        )
        truth.append((at(t), HolderKind.CONTACT, "contact-1"))
    elif ending == "failed" and steps[-1] == "leg":
        finish("leg", record_id, at(t), failed=True)
        truth.append((at(t), HolderKind.UNKNOWN, None))
    # Noise that must not move custody: a leg that never picked up, a half-confirmed handoff.
    legs.append(leg(id="noise", carrier_id="x", status=LegStatus.CANCELLED, failed_at=at(5)))
    handoffs.append(Handoff("h-half", "c1", "p", holder, "y", giver_confirmed_at=at(3)))
    return legs, handoffs, stays, truth


def _expected(truth: Truth, moment: dt.datetime) -> tuple[HolderKind, str | None]:
    current: tuple[HolderKind, str | None] = (HolderKind.PARTY, None)
    for start, kind, member in truth:
        if start <= moment:
            current = (kind, member)
    return current


@given(journeys(), st.randoms(use_true_random=False))
def test_holder_matches_the_simulated_truth_at_every_moment(
    journey: tuple[list[Leg], list[Handoff], list[Stay], Truth], rng: random.Random
) -> None:
    legs, handoffs, stays, truth = journey
    # Record order must not matter: the store returns them in any order.
    rng.shuffle(legs)
    rng.shuffle(handoffs)
    rng.shuffle(stays)
    moments = {
        start + delta
        for start, *_ in truth
        for delta in (-dt.timedelta(seconds=1), dt.timedelta(0))
    }
    moments |= {at(-100), truth[-1][0] + dt.timedelta(days=3)}
    for moment in sorted(moments):
        got = holder_at(moment, legs, handoffs, stays)
        assert (got.kind, got.member_id) == _expected(truth, moment), moment
        assert got.since is None or got.since <= moment


@given(journeys())
def test_events_are_ordered_in_time(
    journey: tuple[list[Leg], list[Handoff], list[Stay], Truth],
) -> None:
    events = custody_events(*journey[:3])
    times = [e.since for e in events]
    assert all(t is not None for t in times)
    assert times == sorted(times)  # type: ignore[type-var]


def test_a_leg_taken_over_by_handoff_that_fails_means_unknown() -> None:
    taken = Handoff(
        "h",
        "c1",
        "p",
        "d1",
        "d2",
        from_leg_id="l1",
        to_leg_id="l2",
        giver_confirmed_at=at(10),
        receiver_confirmed_at=at(10),
    )
    failed = leg(id="l2", carrier_id="d2", failed_at=at(20), status=LegStatus.FAILED)
    assert holder_at(at(15), [failed], [taken], []).member_id == "d2"
    assert holder_at(at(20), [failed], [taken], []).kind is HolderKind.UNKNOWN
    # Taken over only after the failure was recorded: the failure did not hold the party.
    late = dataclasses.replace(taken, giver_confirmed_at=at(30), receiver_confirmed_at=at(30))
    assert holder_at(at(25), [failed], [late], []).kind is HolderKind.PARTY
