"""the weekly picture: subscribers opt in (``weekly_since``); a weekly outbox keyed (subscriber, ISO week)

``weekly_messages`` holds one row per (subscriber, ISO week), unique, and ``weekly_deliveries`` one
row per (message, channel) with the same states as ``alert_deliveries``.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch_op:
        batch_op.add_column(sa.Column("weekly_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "weekly_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("iso_year", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscriber_id", "iso_year", "iso_week", name="uq_weekly_subscriber_week"),
    )
    op.create_index("ix_weekly_messages_subscriber_id", "weekly_messages", ["subscriber_id"])
    op.create_index("ix_weekly_messages_status", "weekly_messages", ["status"])
    op.create_table(
        "weekly_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("weekly_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["weekly_id"], ["weekly_messages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("weekly_id", "channel_id"),
    )
    op.create_index("ix_weekly_deliveries_weekly_id", "weekly_deliveries", ["weekly_id"])
    op.create_index("ix_weekly_deliveries_channel_id", "weekly_deliveries", ["channel_id"])
    op.create_index("ix_weekly_deliveries_status", "weekly_deliveries", ["status"])


def downgrade() -> None:
    op.drop_table("weekly_deliveries")
    op.drop_table("weekly_messages")
    with op.batch_alter_table("subscribers") as batch_op:
        batch_op.drop_column("weekly_since")
