"""Handoffs: custody of a party passing from one holder to the next, and recognition phrases.

Both sides confirm: the one handing over and the one receiving. Each confirmation carries
the recognition phrase that member heard or spoke; a handoff is complete only when both
have confirmed with the matching phrase. Custody passes at the later confirmation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from safepassage.domain.errors import (
    HandoffAlreadyConfirmed,
    InvalidValue,
    NotAHandoffParty,
    PhraseMismatch,
)
from safepassage.domain.interval import require_utc


class ChoiceSource(Protocol):
    """Anything with `choice`: `secrets.SystemRandom()` in services, a seeded
    `random.Random` in tests. The domain never picks its own randomness."""

    def choice(self, seq: Sequence[str], /) -> str: ...


def make_phrase(source: ChoiceSource, words: Sequence[str], count: int = 4) -> str:
    """A recognition phrase of `count` words drawn from `words` by `source`."""
    if count < 1:
        raise ValueError("a phrase needs at least one word")
    if len(words) < 2:
        raise ValueError("a phrase needs a word list to choose from")
    return " ".join(source.choice(words) for _ in range(count))


def normalise_phrase(phrase: str) -> str:
    """Case, Unicode form and spacing do not matter when a phrase is typed on a phone."""
    folded = unicodedata.normalize("NFKC", phrase).casefold()
    return " ".join(folded.split())


def phrases_match(expected: str, given: str) -> bool:
    """Compare in constant time, so timing does not leak how much of a guess was right.

    An empty expected phrase matches nothing: a leg without a phrase cannot be handed over.
    """
    want = normalise_phrase(expected).encode()
    got = normalise_phrase(given).encode()
    return bool(want) and hmac.compare_digest(want, got)


@dataclass(frozen=True, slots=True)
class Handoff:
    """Custody passing at a place from `giver_id` to `receiver_id`.

    What the giver ends (`from_leg_id` or `from_stay_id`) and what the receiver takes on
    (`to_leg_id` or `to_stay_id`) are linked; with neither `to_`, the receiver is a
    contact at the destination and the journey ends there.
    """

    id: str
    case_id: str
    place_id: str
    giver_id: str
    receiver_id: str
    from_leg_id: str | None = None
    from_stay_id: str | None = None
    to_leg_id: str | None = None
    to_stay_id: str | None = None
    giver_confirmed_at: dt.datetime | None = None
    receiver_confirmed_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.giver_id == self.receiver_id:
            raise InvalidValue("receiver_id")
        if self.from_leg_id is not None and self.from_stay_id is not None:
            raise ValueError("a handoff ends either a leg or a stay")
        if self.to_leg_id is not None and self.to_stay_id is not None:
            raise ValueError("a handoff begins either a leg or a stay")
        for name in ("giver_confirmed_at", "receiver_confirmed_at"):
            moment = getattr(self, name)
            if moment is not None:
                require_utc(moment, name)

    @property
    def completed_at(self) -> dt.datetime | None:
        """When custody passed: once both sides have confirmed, the later confirmation."""
        if self.giver_confirmed_at is None or self.receiver_confirmed_at is None:
            return None
        return max(self.giver_confirmed_at, self.receiver_confirmed_at)

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


def confirm_handoff(
    handoff: Handoff, member_id: str, given_phrase: str, expected_phrase: str, at: dt.datetime
) -> Handoff:
    """The handoff with this member's side confirmed.

    Refused, with the handoff unchanged: a member who is neither side (answered as "not
    available"), a side that already confirmed, a phrase that does not match.
    """
    require_utc(at, "at")
    is_giver = member_id == handoff.giver_id
    if not is_giver and member_id != handoff.receiver_id:
        raise NotAHandoffParty
    earlier = handoff.giver_confirmed_at if is_giver else handoff.receiver_confirmed_at
    if earlier is not None:
        raise HandoffAlreadyConfirmed
    if not phrases_match(expected_phrase, given_phrase):
        raise PhraseMismatch
    if is_giver:
        return dataclasses.replace(handoff, giver_confirmed_at=at)
    return dataclasses.replace(handoff, receiver_confirmed_at=at)
