"""User-facing errors: a stable code, an HTTP status, and a calm message for a person.

Entry points map these in one place. Messages never carry personal data.
"""

from __future__ import annotations


class ServiceError(Exception):
    code = "error"
    status = 400
    message = "Something went wrong. Nothing was changed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class NotAvailable(ServiceError):
    """Not found and not allowed are deliberately the same answer."""

    code = "not_available"
    status = 404
    message = "This is not available to you."


class LoginFailed(ServiceError):
    code = "login.failed"
    status = 401
    message = "That codename and passphrase did not work. Please try again."


class AlreadyExists(ServiceError):
    code = "already_exists"
    status = 409
    message = "That name is already taken. Choose another."


# -- journeys, legs, handoffs and stays ------------------------------------------------------


class HandoffRequired(ServiceError):
    """The step is taken by confirming the handoff with the other person, not alone."""

    code = "handoff.required"
    status = 409
    message = "This step happens at the handoff: both sides confirm it. Nothing was changed."


class JourneyUnderWay(ServiceError):
    code = "journey.under_way"
    status = 409
    message = "Part of this journey is already under way. Nothing was changed."


class HandoffClosed(ServiceError):
    code = "handoff.closed"
    status = 409
    message = "This handoff is no longer open. Contact a coordinator. Nothing was changed."


# -- check-ins and alarms ---------------------------------------------------------------


class NotUnderWatch(ServiceError):
    """A check-in for a task that expects none now (not started, or already over)."""

    code = "checkin.not_under_watch"
    status = 409
    message = "No check-in is expected for this task right now. Nothing was recorded."


class AlarmAtTop(ServiceError):
    code = "alarm.at_top"
    status = 409
    message = "This alarm already reaches every coordinator. Nothing was changed."


# -- compromise and retention --------------------------------------------------------------


class AlreadyRevoked(ServiceError):
    code = "member.already_revoked"
    status = 409
    message = "This member's access was already revoked. Nothing was changed."


class CaseNotClosed(ServiceError):
    code = "case.not_closed"
    status = 409
    message = "Only a closed case is counted in the totals. Nothing was changed."
