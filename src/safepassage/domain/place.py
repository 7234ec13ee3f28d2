"""Places and segments: the route graph.

A segment is a directed way between two places; a way that runs both directions is two
segments, because a crossing may be open one way and watched the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from safepassage.domain.errors import InvalidValue, SegmentClosed


class PlaceKind(StrEnum):
    TOWN = "town"
    HANDOFF_POINT = "handoff_point"
    CROSSING = "crossing"
    SAFE_HOUSE = "safe_house"
    DESTINATION = "destination"


@dataclass(frozen=True, slots=True)
class Place:
    """A named point. The name is for members' eyes only; it lives in the record body."""

    id: str
    name: str = field(repr=False)
    kind: PlaceKind = PlaceKind.TOWN

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidValue("name")


class SegmentMode(StrEnum):
    ROAD = "road"
    FOOT = "foot"
    BOAT = "boat"


class SegmentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    from_place_id: str
    to_place_id: str
    mode: SegmentMode
    typical_duration: dt.timedelta
    status: SegmentStatus = SegmentStatus.OPEN

    def __post_init__(self) -> None:
        if self.from_place_id == self.to_place_id:
            raise InvalidValue("to_place_id")
        if self.typical_duration <= dt.timedelta(0):
            raise InvalidValue("typical_duration")

    @property
    def is_open(self) -> bool:
        return self.status is SegmentStatus.OPEN


def set_segment_status(segment: Segment, status: SegmentStatus) -> Segment:
    """Open or close a way. Both directions of change are always allowed: roads reopen."""
    return dataclasses.replace(segment, status=status)


def check_segment_open(segment: Segment) -> None:
    """A closed segment carries nobody."""
    if not segment.is_open:
        raise SegmentClosed
