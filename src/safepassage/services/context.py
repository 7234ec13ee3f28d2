"""What every use case is given: the ports, the clock and the network's policies.

`bootstrap.py` builds one `Context` per unlocked server and passes it down; services
never create adapters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from safepassage.domain.alarm import EscalationPolicy
from safepassage.domain.checkin import CheckInPolicy
from safepassage.domain.need_to_know import NeedToKnowPolicy
from safepassage.domain.retention import RetentionPolicy
from safepassage.services.ports import Clock, KeyFactory, Logins, Vault


@dataclass(frozen=True, slots=True)
class Policies:
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    need_to_know: NeedToKnowPolicy = field(default_factory=NeedToKnowPolicy)
    escalation: EscalationPolicy = field(default_factory=EscalationPolicy)
    checkin: CheckInPolicy = field(default_factory=CheckInPolicy)


@dataclass(frozen=True, slots=True)
class Context:
    vault: Vault
    logins: Logins
    keys: KeyFactory
    clock: Clock
    phrase_words: tuple[str, ...]
    policies: Policies = field(default_factory=Policies)
