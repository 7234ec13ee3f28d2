"""Vehicles: seats, a base place and their drivers, who may read the vehicle's record."""

from __future__ import annotations

from collections.abc import Iterable

from safepassage.domain.member import Member, Role
from safepassage.domain.vehicle import Vehicle, VehicleMode
from safepassage.services.context import Context
from safepassage.services.errors import NotAvailable
from safepassage.services.guards import require_coordinator
from safepassage.services.members import Session
from safepassage.services.records import VEHICLE, Records, new_id


def add_vehicle(
    ctx: Context,
    session: Session,
    cell_id: str,
    seats: int,
    base_place_id: str,
    driver_ids: Iterable[str],
    mode: VehicleMode = VehicleMode.ROAD,
) -> str:
    require_coordinator(ctx, session, cell_id)
    records = Records(ctx.vault)
    drivers = frozenset(driver_ids)
    for driver_id in drivers:
        member = records.read(Member, driver_id, session.keyring)
        if not member.has_role(Role.DRIVER):
            raise NotAvailable
    vehicle = Vehicle(new_id(), seats, base_place_id, drivers, mode)
    return records.write(
        VEHICLE,
        vehicle,
        record_id=vehicle.id,
        cells=[cell_id],
        readers=[records.public_key(d) for d in sorted(drivers)],
        links={"base": (base_place_id,), "driver": tuple(sorted(drivers))},
    )
