"""Who holds the party: a pure function of a case's legs, handoffs and stays.

Custody changes only at recorded moments:

- a leg's pickup            -> its carrier holds the party;
- a completed handoff       -> the receiver holds it (carrier, host, or contact at the end);
- a stay starting           -> the safe house's host holds it;
- a stay ending             -> nobody (the party is on its own) until the next event;
- a leg delivered           -> nobody, unless a handoff or stay takes over at that moment;
- a leg failing after pickup -> unknown: nobody can say, and that is the alarm's business.

The holder at a moment is set by the last event at or before it. Events at the same moment
are ordered by rank so that taking over (pickup, stay start, handoff) wins over letting go
(delivered, failed, stay end): the party is never reported on its own when someone took it
over at that very moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from safepassage.domain.handoff import Handoff
from safepassage.domain.interval import require_utc
from safepassage.domain.journey import Leg, Stay


class HolderKind(StrEnum):
    # The party is on its own: before the first pickup, between stays, after arriving.
    PARTY = "party"
    CARRIER = "carrier"
    HOST = "host"
    CONTACT = "contact"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Custody:
    """Who holds the party since when. `member_id` is None for PARTY and UNKNOWN."""

    kind: HolderKind
    member_id: str | None = None
    leg_id: str | None = None
    stay_id: str | None = None
    handoff_id: str | None = None
    since: dt.datetime | None = None


# Lower rank applies first at equal times, so the higher-ranked event wins.
_RANK_DELIVERED = 0
_RANK_FAILED = 1
_RANK_STAY_END = 2
_RANK_HANDOFF = 3
_RANK_STAY_START = 4
_RANK_PICKUP = 5


def custody_events(
    legs: Iterable[Leg], handoffs: Iterable[Handoff], stays: Iterable[Stay]
) -> list[Custody]:
    """Every change of custody, in the order it happened (ties broken by rank, then id)."""
    events: list[tuple[dt.datetime, int, str, Custody]] = []

    def add(at: dt.datetime, rank: int, key: str, custody: Custody) -> None:
        events.append((at, rank, key, custody))

    handoffs = tuple(handoffs)
    # A carrier may take the party over by handoff without a separate pickup stamp.
    boarded: dict[str, dt.datetime] = {}
    for handoff in handoffs:
        done = handoff.completed_at
        if handoff.to_leg_id is not None and done is not None:
            boarded[handoff.to_leg_id] = min(done, boarded.get(handoff.to_leg_id, done))
    for leg in legs:
        if leg.picked_up_at is not None:
            boarded[leg.id] = min(leg.picked_up_at, boarded.get(leg.id, leg.picked_up_at))
        if leg.picked_up_at is not None:
            add(
                leg.picked_up_at,
                _RANK_PICKUP,
                leg.id,
                Custody(HolderKind.CARRIER, leg.carrier_id, leg_id=leg.id, since=leg.picked_up_at),
            )
        if leg.delivered_at is not None:
            add(
                leg.delivered_at,
                _RANK_DELIVERED,
                leg.id,
                Custody(HolderKind.PARTY, leg_id=leg.id, since=leg.delivered_at),
            )
        # A leg that failed before it took the party over never held it: nothing changes.
        if leg.failed_at is not None and _boarded_by(boarded, leg.id, leg.failed_at):
            add(
                leg.failed_at,
                _RANK_FAILED,
                leg.id,
                Custody(HolderKind.UNKNOWN, leg_id=leg.id, since=leg.failed_at),
            )
    for handoff in handoffs:
        done = handoff.completed_at
        if done is None:
            continue
        if handoff.to_leg_id is not None:
            kind = HolderKind.CARRIER
        elif handoff.to_stay_id is not None:
            kind = HolderKind.HOST
        else:
            kind = HolderKind.CONTACT
        add(
            done,
            _RANK_HANDOFF,
            handoff.id,
            Custody(
                kind,
                handoff.receiver_id,
                leg_id=handoff.to_leg_id,
                stay_id=handoff.to_stay_id,
                handoff_id=handoff.id,
                since=done,
            ),
        )
    for stay in stays:
        if stay.started_at is not None:
            add(
                stay.started_at,
                _RANK_STAY_START,
                stay.id,
                Custody(HolderKind.HOST, stay.host_id, stay_id=stay.id, since=stay.started_at),
            )
        if stay.ended_at is not None:
            add(
                stay.ended_at,
                _RANK_STAY_END,
                stay.id,
                Custody(HolderKind.PARTY, stay_id=stay.id, since=stay.ended_at),
            )
    events.sort(key=lambda event: (event[0], event[1], event[2]))
    return [custody for *_, custody in events]


def holder_at(
    at: dt.datetime, legs: Iterable[Leg], handoffs: Iterable[Handoff], stays: Iterable[Stay]
) -> Custody:
    """Who holds the party at moment `at`. Total: every moment has an answer.

    Pass one case's records; before anything happened, the party holds itself.
    """
    require_utc(at, "at")
    current = Custody(HolderKind.PARTY)
    for custody in custody_events(legs, handoffs, stays):
        assert custody.since is not None
        if custody.since > at:
            break
        current = custody
    return current


def _boarded_by(boarded: dict[str, dt.datetime], leg_id: str, moment: dt.datetime) -> bool:
    """Whether the leg's carrier had taken the party over at or before `moment`."""
    took_over = boarded.get(leg_id)
    return took_over is not None and took_over <= moment
