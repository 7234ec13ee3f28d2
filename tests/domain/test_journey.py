"""A journey's legs chain place to place and time to time; stays and safe-house rules."""

from __future__ import annotations

import pytest

from safepassage.domain.case import Need
from safepassage.domain.errors import (
    InvalidValue,
    JourneyEmpty,
    JourneyNotChained,
    SafeHouseNeedsUnmet,
)
from safepassage.domain.journey import Journey, Leg, LegStatus, chain_legs, check_journey_chain
from safepassage.domain.safe_house import Attribute, check_needs, check_receives

from .factories import T0, house, leg, span, stay


def chain() -> list[Leg]:
    return [
        leg(id="a", from_place_id="p1", to_place_id="p2", window=span(0, 60)),
        leg(id="b", from_place_id="p2", to_place_id="p3", window=span(60, 120)),
        leg(id="c", from_place_id="p3", to_place_id="p4", window=span(600, 700)),
    ]


def test_a_good_chain_passes() -> None:
    check_journey_chain(chain())
    check_journey_chain(chain(), origin_place_id="p1", destination_place_id="p4")
    check_journey_chain(chain()[:1])
    assert Journey("j1", "c1", ("a", "b", "c")).stay_ids == ()


def test_empty_journey() -> None:
    with pytest.raises(JourneyEmpty):
        check_journey_chain([])


def test_place_gap_is_refused() -> None:
    legs = chain()
    legs[1] = leg(id="b", from_place_id="p9", to_place_id="p3", window=span(60, 120))
    with pytest.raises(JourneyNotChained) as caught:
        check_journey_chain(legs)
    assert caught.value.code == "journey.not_chained"


def test_time_going_backwards_is_refused() -> None:
    legs = chain()
    legs[1] = leg(id="b", from_place_id="p2", to_place_id="p3", window=span(59, 120))
    with pytest.raises(JourneyNotChained):
        check_journey_chain(legs)


def test_order_matters() -> None:
    with pytest.raises(JourneyNotChained):
        check_journey_chain(list(reversed(chain())))


def test_origin_and_destination() -> None:
    with pytest.raises(JourneyNotChained):
        check_journey_chain(chain(), origin_place_id="p2")
    with pytest.raises(JourneyNotChained):
        check_journey_chain(chain(), destination_place_id="p3")


def test_legs_of_other_journeys_are_a_programming_error() -> None:
    legs = chain()
    legs[2] = leg(id="c", journey_id="j2", from_place_id="p3", to_place_id="p4")
    with pytest.raises(ValueError, match="different journeys"):
        check_journey_chain(legs)


def test_declined_legs_drop_out_of_the_chain() -> None:
    legs = chain()
    replaced = leg(id="b0", from_place_id="p2", to_place_id="p3", status=LegStatus.DECLINED)
    mixed = [legs[0], replaced, legs[1], legs[2]]
    assert [x.id for x in chain_legs(mixed)] == ["a", "b", "c"]
    check_journey_chain(chain_legs(mixed))


def test_leg_invariants() -> None:
    with pytest.raises(InvalidValue):
        leg(to_place_id="p1")
    with pytest.raises(ValueError, match="UTC"):
        leg(picked_up_at=T0.replace(tzinfo=None))
    assert "blue river" not in repr(leg())


def test_stay_invariants() -> None:
    with pytest.raises(InvalidValue):
        stay(beds=0)
    with pytest.raises(ValueError, match="UTC"):
        stay(started_at=T0.replace(tzinfo=None))


def test_safe_house_needs() -> None:
    h = house(attributes=frozenset({Attribute.WOMEN_CHILDREN_ONLY, Attribute.MEDICAL}))
    check_needs(h, {Need.WOMEN_CHILDREN_ONLY})
    check_needs(h, set())
    with pytest.raises(SafeHouseNeedsUnmet):
        check_needs(h, {Need.MEDICAL, Need.ACCESSIBILITY})
    check_receives(h)
    with pytest.raises(InvalidValue):
        house(beds=0)
