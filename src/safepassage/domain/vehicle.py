"""Vehicles: seats, a base place, the members who drive it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from safepassage.domain.errors import InvalidValue, NotADriver, SeatsOverbooked, VehicleWrongMode
from safepassage.domain.place import SegmentMode


class VehicleMode(StrEnum):
    """Which segments a vehicle can travel. Foot segments take no vehicle."""

    ROAD = "road"
    BOAT = "boat"


@dataclass(frozen=True, slots=True)
class Vehicle:
    """`seats` counts places for the party only: the driver's seat is not one of them."""

    id: str
    seats: int
    base_place_id: str
    driver_ids: frozenset[str]
    mode: VehicleMode = VehicleMode.ROAD

    def __post_init__(self) -> None:
        if self.seats < 1:
            raise InvalidValue("seats")

    def can_travel(self, mode: SegmentMode) -> bool:
        return mode.value == self.mode.value


def check_seats(vehicle: Vehicle, party_size: int) -> None:
    """The party fits in the vehicle's seats: no seat overbooking."""
    if party_size > vehicle.seats:
        raise SeatsOverbooked


def check_driver(vehicle: Vehicle, member_id: str) -> None:
    """Only the vehicle's own drivers drive it."""
    if member_id not in vehicle.driver_ids:
        raise NotADriver


def check_vehicle_mode(vehicle: Vehicle | None, mode: SegmentMode) -> None:
    """Road segments need a road vehicle, boat segments a boat; foot segments none."""
    if vehicle is None:
        if mode is SegmentMode.FOOT:
            return
        raise VehicleWrongMode
    if not vehicle.can_travel(mode):
        raise VehicleWrongMode
