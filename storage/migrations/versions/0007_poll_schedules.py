"""poll schedules: each portal's learnt publication rhythm and next poll

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_schedules",
        sa.Column("portal_id", sa.String(length=100), sa.ForeignKey("portals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rhythm", sa.JSON(), nullable=False),
        sa.Column("learned_from", sa.Integer(), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("portal_id"),
    )


def downgrade() -> None:
    op.drop_table("poll_schedules")
