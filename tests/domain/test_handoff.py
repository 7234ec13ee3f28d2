from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.domain.errors import (
    HandoffAlreadyConfirmed,
    InvalidValue,
    NotAHandoffParty,
    PhraseMismatch,
)
from safepassage.domain.handoff import (
    Handoff,
    confirm_handoff,
    make_phrase,
    normalise_phrase,
    phrases_match,
)

from .factories import T0, at

PHRASE = "blue river calm stone"


def handoff(**fields: object) -> Handoff:
    defaults: dict[str, object] = {
        "id": "h1",
        "case_id": "c1",
        "place_id": "p2",
        "giver_id": "m1",
        "receiver_id": "m2",
        "from_leg_id": "l1",
        "to_leg_id": "l2",
    }
    return Handoff(**{**defaults, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "given_phrase",
    ["blue river calm stone", "  Blue  RIVER calm\tstone ", "BLUE RIVER CALM STONE\n"],
)
def test_phrase_matches_despite_case_and_spacing(given_phrase: str) -> None:
    assert phrases_match(PHRASE, given_phrase)


@pytest.mark.parametrize("given_phrase", ["blue river calm", "blue river calm stones", "", "x"])
def test_phrase_mismatch(given_phrase: str) -> None:
    assert not phrases_match(PHRASE, given_phrase)


def test_unicode_forms_are_the_same_phrase() -> None:
    composed = "caf\u00e9 noir"
    decomposed = "cafe\u0301 noir"
    assert phrases_match(composed, decomposed)
    assert normalise_phrase("\uff21\uff22") == "ab"


def test_an_empty_expected_phrase_matches_nothing() -> None:
    assert not phrases_match("", "")
    assert not phrases_match("   ", " ")


@given(st.text(max_size=40), st.text(max_size=40))
def test_match_is_equality_after_normalising(a: str, b: str) -> None:
    expected = bool(normalise_phrase(a)) and normalise_phrase(a) == normalise_phrase(b)
    assert phrases_match(a, b) == expected


def test_make_phrase_uses_the_given_source() -> None:
    words = ["river", "stone", "calm", "blue", "tide"]
    one = make_phrase(random.Random(7), words)
    assert one == make_phrase(random.Random(7), words)
    assert len(one.split()) == 4
    assert set(one.split()) <= set(words)
    assert len(make_phrase(random.Random(7), words, count=6).split()) == 6
    with pytest.raises(ValueError, match="at least one"):
        make_phrase(random.Random(7), words, count=0)
    with pytest.raises(ValueError, match="word list"):
        make_phrase(random.Random(7), ["only"])


def test_both_sides_confirm_and_custody_passes_at_the_later() -> None:
    h = handoff()
    assert h.completed_at is None
    h = confirm_handoff(h, "m2", PHRASE, PHRASE, at(10))
    assert not h.complete
    h = confirm_handoff(h, "m1", PHRASE.upper(), PHRASE, at(12))
    assert h.complete
    assert h.completed_at == at(12)


def test_receiver_may_confirm_first_or_second() -> None:
    h = confirm_handoff(handoff(), "m1", PHRASE, PHRASE, at(12))
    h = confirm_handoff(h, "m2", PHRASE, PHRASE, at(10))
    assert h.completed_at == at(12)


def test_wrong_phrase_refused_and_nothing_recorded() -> None:
    h = handoff()
    with pytest.raises(PhraseMismatch) as caught:
        confirm_handoff(h, "m2", "red river", PHRASE, at(10))
    assert caught.value.code == "handoff.phrase_mismatch"
    assert PHRASE not in caught.value.message
    assert h.receiver_confirmed_at is None


def test_outsider_and_double_confirmation_refused() -> None:
    with pytest.raises(NotAHandoffParty) as caught:
        confirm_handoff(handoff(), "m3", PHRASE, PHRASE, at(10))
    assert caught.value.status == 404
    once = confirm_handoff(handoff(), "m2", PHRASE, PHRASE, at(10))
    with pytest.raises(HandoffAlreadyConfirmed):
        confirm_handoff(once, "m2", PHRASE, PHRASE, at(11))
    with pytest.raises(ValueError, match="UTC"):
        confirm_handoff(handoff(), "m2", PHRASE, PHRASE, T0.replace(tzinfo=None))


def test_handoff_invariants() -> None:
    with pytest.raises(InvalidValue):
        handoff(receiver_id="m1")
    with pytest.raises(ValueError, match="ends either"):
        handoff(from_stay_id="s1")
    with pytest.raises(ValueError, match="begins either"):
        handoff(to_stay_id="s1")
    with pytest.raises(ValueError, match="UTC"):
        handoff(giver_confirmed_at=T0.replace(tzinfo=None))
