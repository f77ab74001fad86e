"""portal health state and admin notices

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("portals") as batch_op:
        batch_op.add_column(sa.Column("health", sa.String(length=20), nullable=False, server_default="unknown"))
        batch_op.add_column(sa.Column("health_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("health_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notices") as batch_op:
        batch_op.create_index("ix_notices_chat_id", ["chat_id"])
        batch_op.create_index("ix_notices_status", ["status"])


def downgrade() -> None:
    op.drop_table("notices")
    with op.batch_alter_table("portals") as batch_op:
        batch_op.drop_column("health_changed_at")
        batch_op.drop_column("health_reason")
        batch_op.drop_column("health")
