"""Shared fixtures: a store on each engine, the cheap key-derivation profile, a fake clock.

The store tests run on SQLite always and on PostgreSQL whenever SAFEPASSAGE_TEST_PG_URL is
set. In CI (CI=true) the PostgreSQL URL is required: a missing server fails the run
instead of silently skipping half of the store tests.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from safepassage.clocks import FakeClock
from safepassage.config import Secret, Settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("default")

PG_URL = os.environ.get("SAFEPASSAGE_TEST_PG_URL", "")
ENGINES = ["sqlite", "postgresql"]


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(autouse=True)
def _dispose_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every engine a test opened, so no connection outlives its test."""
    from safepassage.store import dialects

    engines: list[sa.Engine] = []
    make = dialects.make_engine

    def tracked(url: str) -> sa.Engine:
        engine = make(url)
        engines.append(engine)
        return engine

    monkeypatch.setattr(dialects, "make_engine", tracked)
    yield
    for engine in engines:
        engine.dispose()


@pytest.fixture(params=ENGINES)
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty store on one engine, with the cheap KDF profile."""
    data_dir = tmp_path / "data"
    if request.param == "postgresql":
        if not PG_URL:
            if os.environ.get("CI") == "true":
                pytest.fail(
                    "CI must run the store tests on PostgreSQL: set SAFEPASSAGE_TEST_PG_URL"
                )
            pytest.skip("SAFEPASSAGE_TEST_PG_URL is not set")
        _reset_postgres(PG_URL)
        yield Settings(data_dir, "test", "test", Secret(PG_URL))
        return
    yield Settings(data_dir, "test", "test")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC))
