"""Domain errors: a stable code, an HTTP-ish status, and a calm message for a person.

Services and entry points map these in one place. A message never carries personal data:
no codenames, names, places, handles or phrases. Mistakes in how the code calls the
domain (a naive datetime, a leg passed with the wrong vehicle) are programming errors and
raise ValueError instead: they become a generic message, not one of these.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the domain refuses."""

    code = "domain.error"
    status = 400
    message = "This could not be done. Nothing was changed."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or type(self).message
        super().__init__(self.message)


class IllegalTransition(DomainError):
    """A record was asked to move to a status its state machine does not allow."""

    code = "illegal_transition"
    status = 409
    message = "This step is not possible right now. Nothing was changed."


class CaseIllegalTransition(IllegalTransition):
    code = "case.illegal_transition"
    message = "This case cannot move to that step now. Nothing was changed."


class LegIllegalTransition(IllegalTransition):
    code = "leg.illegal_transition"
    message = "This leg cannot move to that step now. Nothing was changed."


class StayIllegalTransition(IllegalTransition):
    code = "stay.illegal_transition"
    message = "This stay cannot move to that step now. Nothing was changed."


class AlarmIllegalTransition(IllegalTransition):
    code = "alarm.illegal_transition"
    message = "This alarm cannot move to that step now. Nothing was changed."


class SafeHouseIllegalTransition(IllegalTransition):
    code = "safe_house.illegal_transition"
    message = "This safe house cannot change to that status. Nothing was changed."


class InvalidValue(DomainError):
    """A value is out of range (a party of zero, an empty codename...).

    `field` names the attribute, never its content.
    """

    code = "invalid"
    status = 422
    message = "Some details are missing or not valid. Please check and try again."

    def __init__(self, field: str, message: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class SeatsOverbooked(DomainError):
    code = "leg.seats_overbooked"
    status = 409
    message = "The vehicle does not have enough seats for this party."


class VehicleWrongMode(DomainError):
    code = "vehicle.wrong_mode"
    status = 409
    message = "This vehicle cannot travel this way."


class NotADriver(DomainError):
    code = "vehicle.not_a_driver"
    status = 409
    message = "This carrier is not one of the vehicle's drivers."


class NotACarrier(DomainError):
    code = "member.not_a_carrier"
    status = 409
    message = "This member is not a driver or guide."


class NotAHost(DomainError):
    code = "member.not_a_host"
    status = 409
    message = "This member is not a host."


class CarrierOverlap(DomainError):
    code = "carrier.overlap"
    status = 409
    message = "This carrier already has a leg at that time."


class VehicleOverlap(DomainError):
    code = "vehicle.overlap"
    status = 409
    message = "This vehicle is already in use at that time."


class BedsOverbooked(DomainError):
    code = "safe_house.beds_overbooked"
    status = 409
    message = "The safe house does not have enough free beds for that time."


class SafeHouseCompromised(DomainError):
    code = "safe_house.compromised"
    status = 409
    message = "This safe house is marked compromised. Nobody may be sent there."


class SafeHouseFull(DomainError):
    code = "safe_house.full"
    status = 409
    message = "This safe house is marked full by its host."


class SafeHouseNeedsUnmet(DomainError):
    code = "safe_house.needs_unmet"
    status = 409
    message = "This safe house does not meet the party's needs."


class SegmentClosed(DomainError):
    code = "segment.closed"
    status = 409
    message = "This way is closed. Choose another route."


class LegOffSegment(DomainError):
    code = "leg.off_segment"
    status = 409
    message = "This leg does not follow the chosen way."


class JourneyNotChained(DomainError):
    code = "journey.not_chained"
    status = 409
    message = "The legs do not connect: each must start where and after the last one ends."


class JourneyEmpty(DomainError):
    code = "journey.empty"
    status = 422
    message = "A journey needs at least one leg."


class PhraseMismatch(DomainError):
    code = "handoff.phrase_mismatch"
    status = 409
    message = "The recognition phrase does not match. Do not hand over. Contact a coordinator."


class NotAHandoffParty(DomainError):
    """Same answer as 'not found': someone outside a handoff learns nothing about it."""

    code = "handoff.not_available"
    status = 404
    message = "This is not available to you."


class HandoffAlreadyConfirmed(DomainError):
    code = "handoff.already_confirmed"
    status = 409
    message = "You have already confirmed this handoff."


class HandleDuplicate(DomainError):
    code = "handle.duplicate"
    status = 409
    message = "This member already has that address."


class HandleNotFound(DomainError):
    code = "handle.not_available"
    status = 404
    message = "This is not available to you."


class HandleBurned(DomainError):
    code = "handle.burned"
    status = 409
    message = "This address is already burned."
