"""The allow-list of stored columns: a new readable column or table fails here.

Every column of the live database (as built by `initialise_store` and its migrations) must
be listed below with the reason it reveals nothing. Adding a column means adding it here,
with a reason a reviewer can check.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from safepassage import bootstrap
from safepassage.crypto import aead
from safepassage.crypto.keypairs import BoxKeyPair
from safepassage.domain.record_header import NewRecord, RecordHeader
from safepassage.services import members
from safepassage.store import migrate

RANDOM_ID = "16 random bytes"
CIPHERTEXT = "AEAD ciphertext (or wrapped key material)"
KEYED_TAG = "keyed BLAKE2b tag, unlinkable without the instance key"
SMALL_INT = "small integer (position or threshold of operators)"
ALEMBIC = "schema revision id"

ALLOWED: dict[tuple[str, str], str] = {
    ("record", "id"): RANDOM_ID,
    ("record", "header"): CIPHERTEXT,
    ("record", "body"): CIPHERTEXT,
    ("wrap", "record_id"): RANDOM_ID,
    ("wrap", "tag"): KEYED_TAG,
    ("wrap", "sealed"): CIPHERTEXT,
    ("epoch", "tag"): KEYED_TAG,
    ("epoch", "sealed"): CIPHERTEXT,
    ("operator", "position"): SMALL_INT,
    ("operator", "threshold"): SMALL_INT,
    ("operator", "slot"): CIPHERTEXT + ": KDF cost, salt and check envelope",
    ("instance_wrap", "position"): SMALL_INT,
    ("instance_wrap", "sealed"): CIPHERTEXT,
    ("member_slot", "tag"): KEYED_TAG,
    ("member_slot", "slot_a"): CIPHERTEXT,
    ("member_slot", "slot_b"): CIPHERTEXT,
    ("alembic_version", "version_num"): ALEMBIC,
}
BINARY = {RANDOM_ID, KEYED_TAG} | {r for r in ALLOWED.values() if r.startswith(CIPHERTEXT)}
FIXED_LENGTH = {RANDOM_ID: 16, KEYED_TAG: 32}


def _columns(engine: sa.Engine) -> dict[tuple[str, str], sa.types.TypeEngine[object]]:
    inspector = sa.inspect(engine)
    assert not inspector.get_view_names(), "the store has views"
    return {
        (table, column["name"]): column["type"]
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
    }


def test_every_column_is_allowed_and_has_a_safe_type(runtime: bootstrap.Runtime) -> None:
    columns = _columns(runtime.vault.engine)
    tables = {table for table, _ in columns}
    known_tables = {table for table, _ in ALLOWED}
    assert not tables - known_tables, f"new tables, not in the allow-list: {tables - known_tables}"
    unknown = sorted(set(columns) - set(ALLOWED))
    assert not unknown, "columns not in the allow-list: " + ", ".join(
        f"{t}.{c} ({columns[(t, c)]})" for t, c in unknown
    )
    stale = sorted(set(ALLOWED) - set(columns))
    assert not stale, f"the allow-list names columns that no longer exist: {stale}"
    for key, column_type in columns.items():
        reason = ALLOWED[key]
        if reason in BINARY:
            assert isinstance(column_type, sa.LargeBinary), (key, column_type)
        elif reason == SMALL_INT:
            assert isinstance(column_type, sa.Integer), (key, column_type)
        else:
            assert isinstance(column_type, sa.String), (key, column_type)


def _populate(runtime: bootstrap.Runtime, bodies: list[bytes]) -> None:
    pair = BoxKeyPair.generate()
    day = dt.date(2026, 12, 1)
    runtime.vault.write_many(
        [
            NewRecord(RecordHeader(kind="case", expires=day, recipients=(pair.public,)), body)
            for body in bodies
        ]
    )


def test_stored_values_have_the_allowed_shapes(runtime: bootstrap.Runtime) -> None:
    _populate(runtime, [b"x" * n for n in range(1, 40)])
    members.found_cell(runtime.context, "Hill cell", "Kestrel", "amber orbit cactus velvet")
    engine = runtime.vault.engine
    with engine.connect() as conn:
        for table, column in ALLOWED:
            values = conn.execute(sa.text(f'SELECT "{column}" FROM "{table}"')).scalars().all()
            assert values, f"{table}.{column} is empty: nothing checked"
            reason = ALLOWED[(table, column)]
            if reason in FIXED_LENGTH:
                assert {len(bytes(v)) for v in values} == {FIXED_LENGTH[reason]}, (table, column)
            elif reason == SMALL_INT:
                assert all(0 <= v < 64 for v in values), (table, column, values)
            elif reason == ALEMBIC:
                assert values == [migrate.head_revision()]
            else:
                assert all(len(bytes(v)) >= aead.OVERHEAD for v in values), (table, column)


def test_body_sizes_are_bucketed(runtime: bootstrap.Runtime) -> None:
    _populate(runtime, [bytes([65 + n % 26]) * n for n in range(1, 601)])
    with runtime.vault.engine.connect() as conn:
        bodies = conn.execute(sa.text("SELECT body FROM record")).scalars().all()
        headers = conn.execute(sa.text("SELECT header FROM record")).scalars().all()
    assert len(bodies) == 600
    sizes = Counter(len(bytes(b)) for b in bodies)
    assert len(sizes) <= 3, sizes
    for size in sizes:
        bucket = size - aead.OVERHEAD
        assert bucket >= 256, size
        assert bucket & (bucket - 1) == 0, size
    assert len({len(bytes(h)) for h in headers}) == 1
