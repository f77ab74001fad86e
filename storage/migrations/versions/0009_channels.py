"""subscribers reach people through channels (Telegram, e-mail, Apprise); per-channel delivery state

Every existing subscriber gets the channel it had implicitly: its Telegram chat (the console
subscriber, chat 0, a console channel). Alerts stay keyed (subscriber, article); the new
``alert_deliveries`` rows track each alert on each channel.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "address"),
    )
    op.create_index("ix_channels_subscriber_id", "channels", ["subscriber_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "channel_id"),
    )
    op.create_index("ix_alert_deliveries_alert_id", "alert_deliveries", ["alert_id"])
    op.create_index("ix_alert_deliveries_channel_id", "alert_deliveries", ["channel_id"])
    op.create_index("ix_alert_deliveries_status", "alert_deliveries", ["status"])
    with op.batch_alter_table("subscribers") as batch_op:
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
    with op.batch_alter_table("notices") as batch_op:
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="telegram"))
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=True))
    # Today's Telegram-only subscribers: each gets a channel for its chat.
    op.execute(
        "INSERT INTO channels (subscriber_id, kind, address, active, deactivated_reason, created_at) "
        "SELECT id, CASE WHEN chat_id = 0 THEN 'console' ELSE 'telegram' END, CAST(chat_id AS VARCHAR(40)), "
        "active, deactivated_reason, created_at FROM subscribers WHERE chat_id IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DELETE FROM subscribers WHERE chat_id IS NULL")
    with op.batch_alter_table("notices") as batch_op:
        batch_op.drop_column("address")
        batch_op.drop_column("kind")
    op.execute("DELETE FROM notices WHERE chat_id IS NULL")
    with op.batch_alter_table("notices") as batch_op:
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
    with op.batch_alter_table("subscribers") as batch_op:
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
    op.drop_table("alert_deliveries")
    op.drop_table("channels")
