"""directive identity is (code, scope)

A local document's number is only unique in its province: ``481/QĐ-UBND`` of Lai Châu and of Cao
Bằng are two documents, while a national issuer's code (TW, CP, TTg, ministries…) is one document
whatever portal reports it. ``directives.code`` was unique, so the second province's decision was
never new. Each row gets a scope: "VN" for national issuers; for local issuers (UBND, HĐND, TU, Sở…)
the province of the portal of its first article (a row merged across provinces before this
migration keeps that first province); "?" when that portal has no province. The unique constraint
moves from ``code`` to ``(code, scope)``.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The unnamed UNIQUE(code) of 0002, named so that SQLite's table copy can drop it.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _code_unique_name(bind) -> str | None:
    for constraint in sa.inspect(bind).get_unique_constraints("directives"):
        if constraint["column_names"] == ["code"]:
            return constraint["name"]
    return None


def upgrade() -> None:
    # The classification is the monitor's (one rule for new and old rows).
    from monitor.directives import AMBIGUOUS, NATIONAL, is_local
    from monitor.places import province_name

    bind = op.get_bind()
    name = _code_unique_name(bind)
    with op.batch_alter_table("directives", naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=80), nullable=False, server_default=NATIONAL))
        batch_op.drop_constraint(name or "uq_directives_code", type_="unique")
        batch_op.create_unique_constraint("uq_directives_code_scope", ["code", "scope"])

    directives = sa.table(
        "directives", sa.column("id", sa.Integer), sa.column("issuer", sa.String), sa.column("scope", sa.String),
        sa.column("first_article_id", sa.Integer),
    )
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("portal_id", sa.String))
    portals = sa.table("portals", sa.column("id", sa.String), sa.column("province", sa.String))
    rows = bind.execute(
        sa.select(directives.c.id, directives.c.issuer, portals.c.province)
        .select_from(
            directives.outerjoin(articles, articles.c.id == directives.c.first_article_id).outerjoin(
                portals, portals.c.id == articles.c.portal_id
            )
        )
    ).all()
    for row_id, issuer, province in rows:
        if issuer and is_local(issuer):
            scope = province_name(province) if province else AMBIGUOUS
            bind.execute(sa.update(directives).where(directives.c.id == row_id).values(scope=scope))


def downgrade() -> None:
    # Documents of one code in several scopes become one again: the first sighting stays, the others'
    # mentions move to it.
    bind = op.get_bind()
    directives = sa.table("directives", sa.column("id", sa.Integer), sa.column("code", sa.String),
                          sa.column("mentions", sa.Integer))
    mentions = sa.table("directive_mentions", sa.column("id", sa.Integer), sa.column("directive_id", sa.Integer),
                        sa.column("article_id", sa.Integer))
    keep: dict[str, int] = {}
    for row_id, code in bind.execute(sa.select(directives.c.id, directives.c.code).order_by(directives.c.id)).all():
        if code not in keep:
            keep[code] = row_id
            continue
        target = keep[code]
        seen = set(bind.execute(sa.select(mentions.c.article_id).where(mentions.c.directive_id == target)).scalars())
        for mention_id, article_id in bind.execute(
            sa.select(mentions.c.id, mentions.c.article_id).where(mentions.c.directive_id == row_id)
        ).all():
            if article_id in seen:
                bind.execute(sa.delete(mentions).where(mentions.c.id == mention_id))
            else:
                bind.execute(sa.update(mentions).where(mentions.c.id == mention_id).values(directive_id=target))
        bind.execute(sa.delete(directives).where(directives.c.id == row_id))
    for code, target in keep.items():
        count = bind.execute(sa.select(sa.func.count()).select_from(mentions).where(mentions.c.directive_id == target)).scalar()
        bind.execute(sa.update(directives).where(directives.c.id == target).values(mentions=count))
    name = None
    for constraint in sa.inspect(bind).get_unique_constraints("directives"):
        if constraint["column_names"] == ["code", "scope"]:
            name = constraint["name"]
    with op.batch_alter_table("directives") as batch_op:
        batch_op.drop_constraint(name or "uq_directives_code_scope", type_="unique")
        batch_op.drop_column("scope")
        batch_op.create_unique_constraint("uq_directives_code", ["code"])
