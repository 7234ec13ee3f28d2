"""Every difference between SQLite and PostgreSQL lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

SQLITE_FILE = "safepassage.db"


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / SQLITE_FILE}"


def make_engine(url: str) -> sa.Engine:
    """An engine with the settings the store relies on for its dialect."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = sa.create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # secure_delete overwrites deleted content, so purged keys do not linger in free pages;
    # temp_store=memory keeps sort and temp b-trees off the disk.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def flush_to_rest(engine: sa.Engine) -> None:
    """Leave no deleted or stale bytes beside the live data where the engine allows.

    SQLite: checkpoint and truncate the WAL so the main file alone holds the store.
    PostgreSQL: VACUUM, so dead tuples (e.g. purged epoch keys) are reclaimed now rather
    than by autovacuum later; its WAL files stay the server's business (threat model).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")


def is_disk_full(error: sa.exc.DBAPIError) -> bool:
    text = str(error.orig).lower()
    return "database or disk is full" in text or "no space left" in text or "disk full" in text
