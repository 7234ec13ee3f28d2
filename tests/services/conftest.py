"""A small network on a real store (SQLite, and PostgreSQL when configured) with a fake clock.

`net` gives two cells, each with a coordinator, and helpers to add volunteers and log in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from safepassage import bootstrap
from safepassage.clocks import FakeClock
from safepassage.config import Settings
from safepassage.domain.member import Role
from safepassage.services import members
from safepassage.services.context import Context
from safepassage.services.members import Session

START = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)


@dataclass
class Net:
    runtime: bootstrap.Runtime
    clock: FakeClock
    cells: dict[str, str] = field(default_factory=dict)  # name -> cell id
    passphrases: dict[str, str] = field(default_factory=dict)  # codename -> passphrase
    ids: dict[str, str] = field(default_factory=dict)  # codename -> member id

    @property
    def ctx(self) -> Context:
        return self.runtime.context

    def login(self, codename: str) -> Session:
        return members.open_session(self.ctx, codename, self.passphrases[codename])

    def invite(self, by: str, codename: str, roles: set[Role], cell: str) -> str:
        passphrase = f"{codename} passphrase"
        member_id = members.invite_member(
            self.ctx, self.login(by), codename, passphrase, roles, [self.cells[cell]]
        )
        self.passphrases[codename] = passphrase
        self.ids[codename] = member_id
        return member_id


@pytest.fixture
def net(store_settings: Settings) -> Net:
    clock = FakeClock(START)
    runtime = bootstrap.initialise_store(store_settings, ["operator phrase"], 1, clock)
    network = Net(runtime, clock)
    for cell, coordinator in (("north", "Heron"), ("south", "Kestrel")):
        passphrase = f"{coordinator} passphrase"
        cell_id, member_id = members.found_cell(runtime.context, cell, coordinator, passphrase)
        network.cells[cell] = cell_id
        network.passphrases[coordinator] = passphrase
        network.ids[coordinator] = member_id
    return network
