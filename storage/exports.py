"""The search export's query: every hit of a search, in the page's order, as plain rows, a batch at a time.

The search's own query and order (``storage.search._query``) are read as one stream of article ids (a
server-side cursor on PostgreSQL, SQLite's own stepping) in one transaction, so only one batch is
held; only the ids are sorted (a sort of 100,000 titles and URLs spills to disk on SQLite). Each
batch's columns, documents and visit partners are then read by id, the ids sent as ONE parameter
(a PostgreSQL array, a JSON array unnested by SQLite's ``json_each``): a 500-placeholder ``IN`` list
costs more to render and parse than the rows it reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, any_, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.models import Article, Portal
from storage.search import MAX_PAGE_SIZE, SearchRequest, _mentions, _query, parse_query


@dataclass(frozen=True, slots=True)
class Listed:
    """One search hit as the exports list it: plain columns, no ORM object (a 100,000-row export
    loads no entity), the article's documents and visit partners."""

    id: int
    title: str
    url: str
    published_at: datetime | None
    published_has_time: bool
    first_seen_at: datetime
    topic: str | None
    portal_name: str
    province: str | None
    kind: str | None
    codes: tuple[str, ...]
    partners: tuple[str, ...]


_LISTED = (Article.id, Article.title, Article.url, Article.published_at, Article.published_has_time, Article.first_seen_at,
           Article.topic, Portal.name, Portal.province, Portal.kind)


def among(column, ids: list[int], dialect: str):
    """``column`` is one of ``ids``, the ids bound as a single parameter."""
    if dialect == "postgresql":
        return column == any_(cast(bindparam(None, ids, type_=ARRAY(Integer)), ARRAY(Integer)))
    values = func.json_each(bindparam(None, json.dumps(ids), type_=String)).table_valued("value")
    return column.in_(select(values.c.value))


def search_batches(session: Session, request: SearchRequest, batch: int = 500) -> Iterator[list[Listed]]:
    """Every hit of ``request`` (page and page size ignored), in the page's order, ``batch`` at a time.
    A query the page would refuse yields nothing."""
    parsed = parse_query(request.text)
    if parsed.error:
        return
    dialect = session.get_bind().dialect.name
    base, order = _query(session, request, parsed)
    ordered = base.with_only_columns(Article.id).order_by(*order)
    connection = session.connection()  # Core rows, in the session's transaction: no ORM work per row
    try:
        result = connection.execute(ordered, execution_options={"yield_per": max(1, min(batch, MAX_PAGE_SIZE))})
    except DBAPIError:  # a query the engine refuses: an empty export, as the page shows a message
        session.rollback()
        return
    columns = select(*_LISTED).join(Portal, Portal.id == Article.portal_id)
    for chunk in result.partitions():
        ids = [row[0] for row in chunk]
        rows = {row[0]: row for row in connection.execute(columns.where(among(Article.id, ids, dialect)))}
        codes, partners = _mentions(connection, ids, lambda column, ids: among(column, ids, dialect))
        yield [Listed(*rows[i], tuple(codes.get(i, ())), tuple(partners.get(i, ()))) for i in ids if i in rows]
