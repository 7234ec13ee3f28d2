"""The composition root: builds the store, keys and services from settings.

Entry points (CLI, web, demo) call only this module and the services it hands them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from safepassage.clocks import SystemClock
from safepassage.config import Settings
from safepassage.crypto.errors import UnlockError
from safepassage.crypto.kdf import PROFILES, KdfProfile, require_production_grade
from safepassage.crypto.keypairs import BoxKeyPair, MemberKeys
from safepassage.crypto.passphrases import generate_passphrase, wordlist
from safepassage.services.context import Context
from safepassage.services.ports import Clock
from safepassage.store import dialects, lifecycle
from safepassage.store.errors import DiskFull, StoreCorrupt, StoreError, StoreExists, StoreMissing
from safepassage.store.logins import Logins
from safepassage.store.vault import Progress, PurgeReport, Vault

__all__ = [
    "DiskFull",
    "Runtime",
    "StoreCorrupt",
    "StoreError",
    "StoreExists",
    "StoreMissing",
    "UnlockError",
    "burn_store",
    "flush_store",
    "generate_passphrase",
    "initialise_store",
    "unlock_store",
]


class CryptoKeys:
    """The `KeyFactory` port on PyNaCl."""

    def member_keys(self) -> MemberKeys:
        return MemberKeys.generate()

    def cell_keys(self) -> BoxKeyPair:
        return BoxKeyPair.generate()

    def box_from_private(self, private: bytes) -> BoxKeyPair:
        return BoxKeyPair.from_private(private)


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything an unlocked server needs, wired together."""

    settings: Settings
    vault: Vault
    context: Context

    def lock(self) -> None:
        self.vault.lock()

    def purge(self, today: dt.date, progress: Progress | None = None) -> PurgeReport:
        return self.vault.purge(today, progress)


def kdf_profile(settings: Settings) -> KdfProfile:
    profile = PROFILES[settings.kdf_profile]
    if settings.environment == "production":
        require_production_grade(profile)
    return profile


def engine_for(settings: Settings) -> sa.Engine:
    if settings.database_url is not None:
        return dialects.make_engine(settings.database_url.reveal())
    if not settings.data_dir.is_dir():
        raise StoreMissing("the data directory does not exist")
    return dialects.make_engine(dialects.sqlite_url(settings.data_dir))


def _runtime(settings: Settings, vault: Vault, clock: Clock | None = None) -> Runtime:
    logins = Logins(vault, kdf_profile(settings).member)
    context = Context(
        vault=vault,
        logins=logins,
        keys=CryptoKeys(),
        clock=clock or SystemClock(),
        phrase_words=wordlist(),
    )
    return Runtime(settings, vault, context)


def initialise_store(
    settings: Settings, passphrases: Sequence[str], threshold: int, clock: Clock | None = None
) -> Runtime:
    profile = kdf_profile(settings)
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = engine_for(settings)
    try:
        vault = lifecycle.initialise(engine, passphrases, threshold, profile.operator)
    except BaseException:
        engine.dispose()
        raise
    return _runtime(settings, vault, clock)


def unlock_store(
    settings: Settings,
    passphrases: Sequence[str],
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> Runtime:
    if settings.database_url is None and not (settings.data_dir / dialects.SQLITE_FILE).exists():
        raise StoreMissing("there is no safepassage store in that data directory")
    engine = engine_for(settings)
    try:
        return _runtime(settings, lifecycle.unlock(engine, passphrases, progress), clock)
    except BaseException:
        engine.dispose()
        raise


def burn_store(settings: Settings) -> None:
    if settings.database_url is None and not (settings.data_dir / dialects.SQLITE_FILE).exists():
        raise StoreMissing("there is no safepassage store in that data directory")
    engine = engine_for(settings)
    try:
        lifecycle.burn(engine)
    finally:
        engine.dispose()


def flush_store(settings: Settings) -> None:
    """Bring the files at rest to their final state (what `safepassage lock` does on disk)."""
    if settings.database_url is None and not (settings.data_dir / dialects.SQLITE_FILE).exists():
        raise StoreMissing("there is no safepassage store in that data directory")
    engine = engine_for(settings)
    try:
        dialects.flush_to_rest(engine)
    finally:
        engine.dispose()
