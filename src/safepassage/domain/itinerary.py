"""A journey's itinerary: its legs and stays in one order, and the handoffs between them.

Legs chain among themselves (`journey.check_journey_chain`). A stay sits after a leg: in a
house at the place that leg ends, from no earlier than that leg's window ends, and the
next leg (if any) leaves from the house no earlier than the stay ends. Between two steps
held by different members there is a handoff; one member carrying on needs none.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from safepassage.domain.errors import JourneyNotChained
from safepassage.domain.handoff import Handoff
from safepassage.domain.journey import LEG_IN_CHAIN, Leg, LegStatus, Stay, StayStatus

Step = Leg | Stay


def step_start(step: Step) -> dt.datetime:
    return step.window.start if isinstance(step, Leg) else step.interval.start


def holder_of(step: Step) -> str:
    """The member who holds the party during a step: its carrier or the house's host."""
    return step.carrier_id if isinstance(step, Leg) else step.host_id


def itinerary(legs: Iterable[Leg], stays: Iterable[Stay]) -> tuple[Step, ...]:
    """The steps still in the plan (declined, failed, cancelled ones drop out), by start.

    In a sound plan no two steps start at the same moment, so the order is the journey's.
    """
    steps: list[Step] = [leg for leg in legs if leg.status in LEG_IN_CHAIN]
    steps.extend(stay for stay in stays if stay.status is not StayStatus.CANCELLED)
    return tuple(sorted(steps, key=lambda step: (step_start(step), step.id)))


def check_stays_placed(
    legs: Sequence[Leg], stays: Sequence[Stay], house_place: Mapping[str, str]
) -> None:
    """Every stay follows a leg into its house and the next leg leaves from there, in time.

    `house_place` maps each stay's safe house to the place the house is at.
    """
    steps = itinerary(legs, stays)
    if steps and isinstance(steps[0], Stay):
        raise JourneyNotChained
    for before, after in itertools.pairwise(steps):
        if isinstance(after, Stay):
            # Two stays in a row would need a move between them: that is a leg.
            if not isinstance(before, Leg):
                raise JourneyNotChained
            if house_place[after.safe_house_id] != before.to_place_id:
                raise JourneyNotChained
            if after.interval.start < before.window.end:
                raise JourneyNotChained
        elif isinstance(before, Stay):
            if after.from_place_id != house_place[before.safe_house_id]:
                raise JourneyNotChained
            if after.window.start < before.interval.end:
                raise JourneyNotChained


def handoff_between(
    handoff_id: str, before: Step, after: Step, house_place: Mapping[str, str]
) -> Handoff | None:
    """The handoff from one step to the next; None when one member holds both."""
    giver, receiver = holder_of(before), holder_of(after)
    if giver == receiver:
        return None
    place = before.to_place_id if isinstance(before, Leg) else house_place[before.safe_house_id]
    return Handoff(
        id=handoff_id,
        case_id=before.case_id,
        place_id=place,
        giver_id=giver,
        receiver_id=receiver,
        from_leg_id=before.id if isinstance(before, Leg) else None,
        from_stay_id=before.id if isinstance(before, Stay) else None,
        to_leg_id=after.id if isinstance(after, Leg) else None,
        to_stay_id=after.id if isinstance(after, Stay) else None,
    )


def handoff_phrase_leg(before: Step, after: Step) -> Leg:
    """Whose phrase a handoff checks: the receiving leg's, spoken by its carrier; into a
    stay, the delivering leg's, which its carrier speaks and the host types as heard."""
    if isinstance(after, Leg):
        return after
    if isinstance(before, Leg):
        return before
    raise JourneyNotChained


class Progress(StrEnum):
    """Where a journey stands, from its steps' statuses (kept in the journey's header)."""

    PLANNED = "planned"
    IN_TRANSIT = "in_transit"
    # The last step is done: delivered at the destination, or received into the last stay.
    ARRIVED = "arrived"
    CANCELLED = "cancelled"


_MOVED = frozenset({LegStatus.PICKED_UP, LegStatus.DELIVERED, StayStatus.ACTIVE, StayStatus.ENDED})
_LAST_DONE = frozenset({LegStatus.DELIVERED, StayStatus.ACTIVE, StayStatus.ENDED})


def progress(steps: Sequence[tuple[dt.datetime, LegStatus | StayStatus]]) -> Progress:
    """The journey's progress from (start, status) of each of its legs and stays.

    Steps out of the plan (declined, failed, cancelled) do not count.
    """
    kept = sorted((start, status) for start, status in steps if _in_plan(status))
    if not kept:
        return Progress.PLANNED
    if kept[-1][1] in _LAST_DONE:
        return Progress.ARRIVED
    if any(status in _MOVED for _, status in kept):
        return Progress.IN_TRANSIT
    return Progress.PLANNED


def _in_plan(status: LegStatus | StayStatus) -> bool:
    if isinstance(status, LegStatus):
        return status in LEG_IN_CHAIN
    return status is not StayStatus.CANCELLED
