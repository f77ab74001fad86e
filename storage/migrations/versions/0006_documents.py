"""documents: register fields on directives, their sightings, and document files

Documents live in ``directives`` (extended), not in a table of their own: a document's identity is its
code (and scope), the same identity a news mention has, so a register row, a post with the file and an
article quoting the code are one row and "first sighting anywhere" stays one rule.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("directives") as batch_op:
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("issuer_name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("signer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("effective_on", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("register_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("first_portal_id", sa.String(length=100), nullable=True))
    op.create_table(
        "document_sightings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["directive_id"], ["directives.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["portal_id"], ["portals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("directive_id", "portal_id", "source"),
    )
    with op.batch_alter_table("document_sightings") as batch_op:
        batch_op.create_index("ix_document_sightings_directive_id", ["directive_id"])
        batch_op.create_index("ix_document_sightings_portal_id", ["portal_id"])
    op.create_table(
        "document_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("portal_id", sa.String(length=100), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("media_type", sa.String(length=120), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_source", sa.String(length=20), nullable=True),
        sa.Column("ocr_confidence", sa.Float(), nullable=True),
        sa.Column("legacy_encoding", sa.String(length=10), nullable=True),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["directive_id"], ["directives.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["portal_id"], ["portals.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["duplicate_of"], ["document_files.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    with op.batch_alter_table("document_files") as batch_op:
        batch_op.create_index("ix_document_files_directive_id", ["directive_id"])
        batch_op.create_index("ix_document_files_article_id", ["article_id"])
        batch_op.create_index("ix_document_files_url", ["url"])


def downgrade() -> None:
    op.drop_table("document_files")
    op.drop_table("document_sightings")
    with op.batch_alter_table("directives") as batch_op:
        for column in ("first_portal_id", "register_url", "effective_on", "signer", "issuer_name", "summary"):
            batch_op.drop_column(column)
