"""web sign-ups waiting for their e-mail confirmation (double opt-in), counted for the hourly limits

Revision ID: 0012
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("follows_defaults", sa.Boolean(), nullable=False),
        sa.Column("digest_time", sa.String(length=5), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signups_address", "signups", ["address"])
    op.create_index("ix_signups_client", "signups", ["client"])
    op.create_index("ix_signups_created_at", "signups", ["created_at"])


def downgrade() -> None:
    op.drop_table("signups")
