"""full-text search over articles (SQLite FTS5, PostgreSQL tsvector)

SQLite: two contentless FTS5 tables kept by triggers on ``articles``: ``articles_fts`` keeps
diacritics (exact Vietnamese), ``articles_fts_folded`` drops them (unicode61 remove_diacritics 2,
plus đ/Đ, which Unicode does not decompose). Contentless: the text is stored once, in ``articles``.
PostgreSQL: generated ``search_vector`` / ``search_folded`` tsvector columns with GIN indexes. The
accent fold is ``pw_fold()``, a ``translate()`` whose table is computed from monitor's one
``strip_accents``: the same fold the accent-insensitive rules use, IMMUTABLE (``unaccent()`` is not,
so it cannot sit in a generated column without a wrapper), and it needs no ``CREATE EXTENSION``
privilege on a managed server. Adding the columns computes them for every stored article (backfill);
SQLite's tables are filled from ``articles`` here.

Note: a later batch (copy-and-move) migration of ``articles`` on SQLite drops its triggers; such a
migration must recreate them (``SQLITE_TRIGGERS`` below).

Revision ID: 0008
Revises: 0007
"""
from alembic import op

from storage.search import fold_table

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BODY = "coalesce({row}.lead, '') || ' ' || {row}.text"
_SQLITE_FOLD = "replace(replace({}, 'đ', 'd'), 'Đ', 'D')"


def _sqlite_rows(verb: str, row: str) -> list[str]:
    """The statements that add (verb '') or remove (verb 'delete') one row's index entries."""
    title, body = f"{row}.title", _BODY.format(row=row)
    out = []
    for table, fold in (("articles_fts", "{}"), ("articles_fts_folded", _SQLITE_FOLD)):
        if verb:
            out.append(f"INSERT INTO {table}({table}, rowid, title, body) VALUES ('delete', {row}.id, {fold.format(title)}, {fold.format(body)});")
        else:
            out.append(f"INSERT INTO {table}(rowid, title, body) VALUES ({row}.id, {fold.format(title)}, {fold.format(body)});")
    return out


SQLITE_TRIGGERS = [
    "CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN " + " ".join(_sqlite_rows("", "new")) + " END",
    "CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN " + " ".join(_sqlite_rows("delete", "old")) + " END",
    "CREATE TRIGGER articles_search_update AFTER UPDATE OF title, lead, text ON articles BEGIN "
    + " ".join(_sqlite_rows("delete", "old") + _sqlite_rows("", "new")) + " END",
]


def _sqlite_upgrade() -> list[str]:
    body, fold = _BODY.format(row="articles"), _SQLITE_FOLD
    return [
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')",
        "CREATE VIRTUAL TABLE articles_fts_folded USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2')",
        # Ranking: a match in the title weighs four times one in the body.
        "INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
        "INSERT INTO articles_fts_folded(articles_fts_folded, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
        f"INSERT INTO articles_fts(rowid, title, body) SELECT id, title, {body} FROM articles",
        f"INSERT INTO articles_fts_folded(rowid, title, body) SELECT id, {fold.format('title')}, {fold.format(body)} FROM articles",
        *SQLITE_TRIGGERS,
    ]


def _vector(fold: str) -> str:
    return (
        f"setweight(to_tsvector('simple', {fold.format('title')}), 'A') || "
        f"setweight(to_tsvector('simple', {fold.format(_BODY.format(row='articles'))}), 'B')"
    )


def _postgres_upgrade() -> list[str]:
    source, target = fold_table()
    return [
        "CREATE OR REPLACE FUNCTION pw_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        f"AS $$ SELECT translate(value, '{source}', '{target}') $$",
        f"ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_vector('{}')}) STORED",
        f"ALTER TABLE articles ADD COLUMN search_folded tsvector GENERATED ALWAYS AS ({_vector('pw_fold({})')}) STORED",
        "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
        "CREATE INDEX ix_articles_search_folded ON articles USING gin (search_folded)",
    ]


def upgrade() -> None:
    statements = _sqlite_upgrade() if op.get_bind().dialect.name == "sqlite" else _postgres_upgrade()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS articles_search_{name}" for name in ("insert", "delete", "update")]
        statements += ["DROP TABLE IF EXISTS articles_fts", "DROP TABLE IF EXISTS articles_fts_folded"]
    else:
        statements = [
            "ALTER TABLE articles DROP COLUMN IF EXISTS search_folded",
            "ALTER TABLE articles DROP COLUMN IF EXISTS search_vector",
            "DROP FUNCTION IF EXISTS pw_fold(text)",
        ]
    for statement in statements:
        op.execute(statement)
