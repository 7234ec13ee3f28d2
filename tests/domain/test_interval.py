from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.interval import Interval, peak_load, require_utc

from .factories import T0, at, span


def test_require_utc_refuses_naive_and_offset_moments() -> None:
    assert require_utc(T0) is T0
    with pytest.raises(ValueError, match="UTC"):
        require_utc(dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="UTC"):
        require_utc(dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=6, minutes=30))))


def test_interval_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        Interval(at(10), at(10))
    with pytest.raises(ValueError, match="end after"):
        Interval(at(10), at(5))
    with pytest.raises(ValueError, match="UTC"):
        Interval(dt.datetime(2026, 1, 1), at(5))


def test_interval_is_half_open() -> None:
    window = span(0, 60)
    assert window.contains(at(0))
    assert window.contains(at(59.9))
    assert not window.contains(at(60))
    assert not window.contains(at(-1))
    assert window.duration == dt.timedelta(hours=1)


def test_touching_intervals_do_not_overlap() -> None:
    assert not span(0, 60).overlaps(span(60, 90))
    assert not span(60, 90).overlaps(span(0, 60))
    assert span(0, 61).overlaps(span(60, 90))
    assert span(10, 20).overlaps(span(0, 90))


def test_peak_load_counts_only_inside_the_window() -> None:
    loads = [(span(0, 60), 2), (span(30, 90), 3), (span(60, 120), 1), (span(200, 300), 9)]
    assert peak_load(loads, span(0, 120)) == 5
    # Touching at 60: the 2 ends as the 1 starts, so 3 + 1, not 2 + 3 + 1.
    assert peak_load(loads, span(60, 120)) == 4
    assert peak_load(loads, span(120, 200)) == 0
    assert peak_load([], span(0, 1)) == 0
