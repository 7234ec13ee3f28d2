"""The tables. Every column is ciphertext, a random id, a keyed tag, or a small integer.

`tests/security/test_schema.py` lists the columns allowed to hold anything else; a new
readable column fails it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# id: 16 random bytes. header: encrypted under the row key. body: under the record's key.
record = sa.Table(
    "record",
    metadata,
    sa.Column("id", sa.LargeBinary(16), primary_key=True),
    sa.Column("header", sa.LargeBinary, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
)

# A record's data key sealed to one recipient, wrapped under its expiry day's epoch key.
# tag: keyed hash of (record id, recipient key), so rows cannot be linked across records.
wrap = sa.Table(
    "wrap",
    metadata,
    sa.Column("record_id", sa.LargeBinary(16), primary_key=True),
    sa.Column("tag", sa.LargeBinary(32), primary_key=True),
    sa.Column("sealed", sa.LargeBinary, nullable=False),
)

# tag: keyed hash of the day. sealed: the day and its key, under the epoch-wrapping subkey.
epoch = sa.Table(
    "epoch",
    metadata,
    sa.Column("tag", sa.LargeBinary(32), primary_key=True),
    sa.Column("sealed", sa.LargeBinary, nullable=False),
)

# One row per operator: Argon2id cost and salt, and a check envelope (see crypto/operators).
operator = sa.Table(
    "operator",
    metadata,
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("threshold", sa.Integer, nullable=False),
    sa.Column("slot", sa.LargeBinary, nullable=False),
)

# The instance key encrypted once per set of `threshold` operators.
instance_wrap = sa.Table(
    "instance_wrap",
    metadata,
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sealed", sa.LargeBinary, nullable=False),
)

# tag: keyed hash of the codename. Two slots of identical size (see crypto/login_slots).
member_slot = sa.Table(
    "member_slot",
    metadata,
    sa.Column("tag", sa.LargeBinary(32), primary_key=True),
    sa.Column("slot_a", sa.LargeBinary, nullable=False),
    sa.Column("slot_b", sa.LargeBinary, nullable=False),
)
