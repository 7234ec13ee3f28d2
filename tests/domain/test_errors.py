"""Every domain error: a stable unique code, a sane status, a calm message with no data."""

from __future__ import annotations

import re

from safepassage.domain import errors


def _all_errors() -> list[type[errors.DomainError]]:
    found: list[type[errors.DomainError]] = []
    todo = [errors.DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_codes_are_unique_and_shaped() -> None:
    codes = [cls.code for cls in _all_errors()]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)?", code), code


def test_statuses_and_messages() -> None:
    for cls in _all_errors():
        assert 400 <= cls.status < 500
        assert cls.message.endswith("."), cls
        assert len(cls.message) < 120


def test_issue_codes_exist() -> None:
    codes = {cls.code for cls in _all_errors()}
    assert {
        "case.illegal_transition",
        "leg.seats_overbooked",
        "safe_house.compromised",
        "segment.closed",
        "journey.not_chained",
        "carrier.overlap",
        "vehicle.overlap",
        "safe_house.beds_overbooked",
        "handoff.phrase_mismatch",
    } <= codes


def test_message_can_be_overridden_and_default_is_kept() -> None:
    assert str(errors.SegmentClosed()) == errors.SegmentClosed.message
    assert errors.SegmentClosed("other words").message == "other words"
    invalid = errors.InvalidValue("party_size")
    assert invalid.field == "party_size"
    assert invalid.status == 422
