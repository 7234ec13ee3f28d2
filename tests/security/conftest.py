"""Fixtures of the security tests: an initialised store on each engine, fixed passphrases."""

from __future__ import annotations

import pytest
from seizure import OPERATOR

from safepassage import bootstrap
from safepassage.clocks import FakeClock
from safepassage.config import Settings


@pytest.fixture
def runtime(store_settings: Settings, clock: FakeClock) -> bootstrap.Runtime:
    return bootstrap.initialise_store(store_settings, [OPERATOR], 1, clock=clock)
