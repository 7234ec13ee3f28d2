"""No overbooking, ever: random plan / dispatch / accept / decline / replan / cancel / time.

After every step the whole store is re-read with the coordinator's keys and checked by
brute force, independently of the rules the services apply: no carrier or vehicle on two
legs that hold time at once, no party larger than its leg's vehicle, and no moment when a
house's stays hold more beds than it has.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from safepassage.domain.case import Case
from safepassage.domain.errors import DomainError
from safepassage.domain.interval import Interval
from safepassage.domain.journey import Leg, LegStatus, Stay
from safepassage.domain.safe_house import SafeHouse
from safepassage.domain.vehicle import Vehicle
from safepassage.services import journeys, release, vehicles
from safepassage.services.errors import ServiceError
from safepassage.services.journeys import LegPlan, StayPlan
from safepassage.services.records import CASE, JOURNEY, LEG, SAFE_HOUSE, STAY, VEHICLE, Records

from .conftest import Net
from .journey_world import build_world

HOUR = dt.timedelta(hours=1)
# Routes that chain: (segment, carrier, vehicle key) per leg; "shared" is driven by both.
ROUTES: list[list[tuple[str, str, str | None]]] = [
    [("ford-bridge", "Otter", "Otter")],
    [("ford-bridge", "Badger", "shared")],
    [("bridge-haven", "Badger", "Badger")],
    [("bridge-haven", "Otter", "shared")],
    [("ford-bridge", "Otter", "Otter"), ("bridge-haven", "Badger", "Badger")],
    [("ford-bridge", "Badger", "shared"), ("bridge-haven", "Otter", "Otter")],
    [("bridge-hill", "Stoat", None)],
]

SINGLE_LEGS = [route[0] for route in ROUTES]


def test_no_seat_bed_carrier_or_vehicle_is_ever_overbooked(net: Net) -> None:
    world = build_world(net)
    ctx = net.ctx
    world.vans["shared"] = vehicles.add_vehicle(
        ctx,
        world.heron(),
        world.cell,
        2,
        world.places["Ford"],
        [world.member("Otter"), world.member("Badger")],
    )
    heron = world.heron()
    carriers = {name: net.login(name) for name in ("Otter", "Badger", "Stoat")}
    records = Records(ctx.vault)

    def ids(kind: str) -> list[str]:
        return [rid for rid, _ in records.of_kind(kind)]

    def read(cls: type, kind: str, only: list[str] | None = None) -> dict[str, object]:
        return dict(records.read_many(cls, ids(kind) if only is None else only, heron.keyring))

    class Operations(RuleBasedStateMachine):
        """Each example starts 60 days after the last, so earlier examples' bookings are
        long over: what happens depends only on this example's steps."""

        def __init__(self) -> None:
            super().__init__()
            net.clock.advance(60 * 24 * HOUR)
            self.before = {kind: set(ids(kind)) for kind in (LEG, JOURNEY, STAY, CASE)}

        def mine(self, kind: str) -> list[str]:
            return sorted(set(ids(kind)) - self.before[kind])

        @rule(
            route=st.sampled_from(ROUTES),
            party=st.integers(1, 4),
            start=st.integers(0, 12),
            length=st.integers(1, 3),
            stay=st.one_of(st.none(), st.integers(2, 20)),
        )
        def plan(
            self,
            route: list[tuple[str, str, str | None]],
            party: int,
            start: int,
            length: int,
            stay: int | None,
        ) -> None:
            now = net.clock.now()
            legs = []
            for i, (segment, carrier, van) in enumerate(route):
                begin = now + (start + i * length) * HOUR
                window = Interval(begin, begin + length * HOUR)
                vehicle = world.vans[van] if van else None
                legs.append(
                    LegPlan(world.segments[segment], world.member(carrier), window, vehicle)
                )
            stays = []
            if stay is not None and route[-1][0] == "bridge-haven":
                end = legs[-1].window.end
                stays.append(StayPlan(world.house, Interval(end, end + stay * HOUR)))
            with contextlib.suppress(DomainError, ServiceError):
                journeys.plan_journey(ctx, heron, world.case(party), legs, stays)

        @rule(data=st.data())
        @precondition(lambda self: bool(self.mine(LEG)))
        def dispatch(self, data: st.DataObject) -> None:
            if leg_ids := self.mine(LEG):
                leg_id = data.draw(st.sampled_from(sorted(leg_ids)))
                with contextlib.suppress(DomainError, ServiceError):
                    journeys.dispatch_leg(ctx, heron, leg_id)

        @rule(data=st.data(), accept=st.booleans())
        @precondition(lambda self: bool(self.mine(LEG)))
        def answer(self, data: st.DataObject, accept: bool) -> None:
            if leg_ids := self.mine(LEG):
                leg_id = data.draw(st.sampled_from(sorted(leg_ids)))
                for session in carriers.values():
                    step = journeys.accept_leg if accept else journeys.decline_leg
                    with contextlib.suppress(DomainError, ServiceError):
                        step(ctx, session, leg_id)

        @rule(
            data=st.data(),
            route=st.sampled_from(SINGLE_LEGS),
            start=st.integers(0, 12),
        )
        @precondition(lambda self: bool(self.mine(LEG)))
        def replan(
            self, data: st.DataObject, route: tuple[str, str, str | None], start: int
        ) -> None:
            if leg_ids := self.mine(LEG):
                leg_id = data.draw(st.sampled_from(sorted(leg_ids)))
                segment, carrier, van = route
                begin = net.clock.now() + start * HOUR
                plan = LegPlan(
                    world.segments[segment],
                    world.member(carrier),
                    Interval(begin, begin + 2 * HOUR),
                    world.vans[van] if van else None,
                )
                with contextlib.suppress(DomainError, ServiceError):
                    journeys.replan_leg(ctx, heron, leg_id, plan)

        @rule(data=st.data())
        @precondition(lambda self: bool(self.mine(JOURNEY)))
        def cancel(self, data: st.DataObject) -> None:
            if journey_ids := self.mine(JOURNEY):
                journey_id = data.draw(st.sampled_from(sorted(journey_ids)))
                with contextlib.suppress(DomainError, ServiceError):
                    journeys.cancel_journey(ctx, heron, journey_id)

        @rule(hours=st.integers(0, 4))
        def time_passes(self, hours: int) -> None:
            net.clock.advance(hours * HOUR)
            release.release_due(ctx)

        @invariant()
        def nothing_overbooked(self) -> None:
            legs = [leg for leg in read(Leg, LEG, self.mine(LEG)).values() if isinstance(leg, Leg)]
            holding = [leg for leg in legs if leg.holds_time]
            for a, b in itertools.combinations(holding, 2):
                if a.window.overlaps(b.window):
                    assert a.carrier_id != b.carrier_id, "carrier on two legs at once"
                    assert a.vehicle_id is None or a.vehicle_id != b.vehicle_id, "vehicle twice"
            cases = read(Case, CASE, self.mine(CASE))
            vans = read(Vehicle, VEHICLE)
            for leg in holding:
                case = cases[leg.case_id]
                assert isinstance(case, Case)
                if leg.vehicle_id is not None:
                    van = vans[leg.vehicle_id]
                    assert isinstance(van, Vehicle)
                    assert case.party_size <= van.seats, "seats overbooked"
            houses = read(SafeHouse, SAFE_HOUSE)
            stays = [s for s in read(Stay, STAY, self.mine(STAY)).values() if isinstance(s, Stay)]
            for house_id, house in houses.items():
                assert isinstance(house, SafeHouse)
                held = [(s.holds(), s.beds) for s in stays if s.safe_house_id == house_id]
                spans = [(interval, beds) for interval, beds in held if interval is not None]
                for moment, _ in spans:
                    load = sum(beds for interval, beds in spans if interval.contains(moment.start))
                    assert load <= house.beds, "beds overbooked"
            assert all(leg.status in LegStatus for leg in legs)

    run_state_machine_as_test(
        Operations, settings=settings(max_examples=15, stateful_step_count=15, deadline=None)
    )
