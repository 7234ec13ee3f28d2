"""Moments and half-open intervals [start, end), always timezone-aware UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


def require_utc(moment: dt.datetime, name: str = "moment") -> dt.datetime:
    """The moment itself, or ValueError if it is naive or not UTC.

    Naive datetimes are a programming error: comparing them with aware ones fails late and
    far away, so the domain refuses them where they enter.
    """
    if moment.tzinfo is None or moment.utcoffset() != dt.timedelta(0):
        raise ValueError(f"{name} must be a timezone-aware UTC datetime")
    return moment


@dataclass(frozen=True, slots=True)
class Interval:
    """The moments t with start <= t < end. Back-to-back intervals do not overlap."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        require_utc(self.start, "start")
        require_utc(self.end, "end")
        if self.end <= self.start:
            raise ValueError("an interval must end after it starts")

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


def peak_load(loads: Iterable[tuple[Interval, int]], within: Interval) -> int:
    """The largest sum of loads held at any one moment inside `within`.

    A sweep over start (+load) and end (-load) points; at equal times ends come first,
    because half-open intervals that touch never hold at the same moment.
    """
    events: list[tuple[dt.datetime, int]] = []
    for interval, load in loads:
        if not interval.overlaps(within):
            continue
        events.append((max(interval.start, within.start), load))
        events.append((min(interval.end, within.end), -load))
    events.sort(key=lambda event: (event[0], event[1]))
    peak = current = 0
    for _, delta in events:
        current += delta
        peak = max(peak, current)
    return peak
