"""The four record-store tables and the key-material tables.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record",
        sa.Column("id", sa.LargeBinary(16), primary_key=True),
        sa.Column("header", sa.LargeBinary, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "wrap",
        sa.Column("record_id", sa.LargeBinary(16), primary_key=True),
        sa.Column("tag", sa.LargeBinary(32), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "epoch",
        sa.Column("tag", sa.LargeBinary(32), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "operator",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("threshold", sa.Integer, nullable=False),
        sa.Column("slot", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "instance_wrap",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "member_slot",
        sa.Column("tag", sa.LargeBinary(32), primary_key=True),
        sa.Column("slot_a", sa.LargeBinary, nullable=False),
        sa.Column("slot_b", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for table in ("member_slot", "instance_wrap", "operator", "epoch", "wrap", "record"):
        op.drop_table(table)
