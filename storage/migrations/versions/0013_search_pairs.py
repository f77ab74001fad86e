"""PostgreSQL: an index of adjacent word pairs, so a phrase search checks positions only where its pairs occur

GIN over a tsvector stores which articles hold a lexeme, not where: a phrase of common Vietnamese
syllables that rarely stand together ("vào không") made PostgreSQL read and check the positions of
every article holding all its syllables (most of the archive). ``search_pairs`` / ``search_pairs_folded``
hold every pair of adjacent lexemes of ``search_vector`` / ``search_folded`` ("vào không", as the
tsvector's positions say: the title's last word stands before the text's first, punctuation between
words does not separate them, exactly as the ``<->`` of ``phraseto_tsquery`` reads them), computed by
``pw_pairs()`` as generated columns with GIN indexes. storage/search.py finds a phrase's candidates
by its pairs (``@>``) and checks the positions of those only; a phrase of two lexemes is its pair, so
it needs no check at all.

A generated column cannot read another, so each is computed from the same expression as its tsvector
(migration 0008). Adding them rewrites ``articles`` (on this machine about two minutes for 100,000
articles).

SQLite: nothing; FTS5 stores positions in its index and checks a phrase there.

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Every pair of lexemes at adjacent positions of a tsvector, once each, as "first second".
PAIRS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION pw_pairs(v tsvector) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT l || ' ' || n), '{}') FROM ("
    "SELECT lexeme AS l, p, lead(lexeme) OVER w AS n, lead(p) OVER w AS np "
    "FROM unnest(v) AS u, unnest(u.positions) AS p WINDOW w AS (ORDER BY p)) AS s WHERE np = p + 1 $$"
)


def _vector(fold: str) -> str:
    """Migration 0008's tsvector expression (title weighted A, lead and text B), folded by ``fold``."""
    body = "coalesce(articles.lead, '') || ' ' || articles.text"
    return (
        f"setweight(to_tsvector('simple', {fold.format('articles.title')}), 'A') || "
        f"setweight(to_tsvector('simple', {fold.format(body)}), 'B')"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(PAIRS_FUNCTION)
    op.execute(
        f"ALTER TABLE articles ADD COLUMN search_pairs text[] GENERATED ALWAYS AS (pw_pairs({_vector('{}')})) STORED, "
        f"ADD COLUMN search_pairs_folded text[] GENERATED ALWAYS AS (pw_pairs({_vector('pw_fold({})')})) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_pairs ON articles USING gin (search_pairs)")
    op.execute("CREATE INDEX ix_articles_search_pairs_folded ON articles USING gin (search_pairs_folded)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_pairs_folded, DROP COLUMN IF EXISTS search_pairs")
    op.execute("DROP FUNCTION IF EXISTS pw_pairs(tsvector)")
