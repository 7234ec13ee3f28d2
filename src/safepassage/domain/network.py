"""The network: one deployment of safepassage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safepassage.domain.errors import InvalidValue
from safepassage.domain.interval import require_utc


@dataclass(frozen=True, slots=True)
class Network:
    id: str
    name: str
    created_at: dt.datetime

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidValue("name")
        require_utc(self.created_at, "created_at")
