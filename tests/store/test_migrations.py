"""Migrations run up, down and up again, with data surviving the round trip."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from safepassage import bootstrap
from safepassage.config import Settings
from safepassage.crypto.keypairs import BoxKeyPair
from safepassage.domain.record_header import NewRecord, RecordHeader
from safepassage.store import dialects, migrate, schema


def _engine(settings: Settings) -> sa.Engine:
    if settings.database_url is not None:
        return dialects.make_engine(settings.database_url.reveal())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return dialects.make_engine(dialects.sqlite_url(settings.data_dir))


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_up_down_up(store_settings: Settings) -> None:
    engine = _engine(store_settings)
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert _tables(engine) == set(schema.metadata.tables)
    migrate.downgrade(engine, "base")
    assert _tables(engine) == set()
    migrate.upgrade(engine)
    assert _tables(engine) == set(schema.metadata.tables)


def test_the_schema_matches_the_metadata(store_settings: Settings) -> None:
    engine = _engine(store_settings)
    migrate.upgrade(engine)
    inspector = sa.inspect(engine)
    for table in schema.metadata.tables.values():
        live = {c["name"] for c in inspector.get_columns(table.name)}
        assert live == {c.name for c in table.columns}, table.name


def test_data_survives_a_migration_run(store_settings: Settings) -> None:
    runtime = bootstrap.initialise_store(store_settings, ["op"], 1)
    alice = BoxKeyPair.generate()
    header = RecordHeader("case", dt.date(2027, 1, 1), recipients=(alice.public,))
    rid = runtime.vault.write(NewRecord(header, b"still here"))
    engine = runtime.vault.engine
    runtime.lock()
    migrate.upgrade(engine)  # re-running to head is a no-op that must not touch rows
    again = bootstrap.unlock_store(store_settings, ["op"])
    assert again.vault.read(rid, [alice]) == b"still here"
