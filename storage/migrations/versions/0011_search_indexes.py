"""indexes for the archive search's filters and newest-first listing (issue 15)

``ix_articles_listed`` is the date an article is listed and filtered by (published, else first
seen: storage.search.article_date), with its id and portal, so the newest-first listing, the date
filters and a portal filter read the index, never the article rows (whose text is long: on SQLite
reading ``published_at`` of a row means walking its overflow pages). ``ix_matches_kind_article``
serves "has a visit" and the partner filter; ``ix_articles_seen_portal`` the status page's articles
of the week per portal. Plain ``CREATE INDEX`` on both databases: no batch
migration, so SQLite's FTS triggers (0008) stay as they are.

Revision ID: 0011
Revises: 0009
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_articles_listed ON articles (coalesce(published_at, first_seen_at), id, portal_id)")
    op.execute("CREATE INDEX ix_matches_kind_article ON matches (kind, article_id)")
    op.execute("CREATE INDEX ix_articles_seen_portal ON articles (first_seen_at, portal_id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_articles_seen_portal")
    op.execute("DROP INDEX IF EXISTS ix_matches_kind_article")
    op.execute("DROP INDEX IF EXISTS ix_articles_listed")
