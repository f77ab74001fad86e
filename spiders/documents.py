"""Documents for every portal spider: register pages (``documents:`` in the registry) and attachments.

Mixed into each registry spider by the spider loader, so custom spiders get it too. Register pages
page like listings (a "next" link, or URL paging ``Start=&page=`` as Lotus Domino gazettes use) and
stop at the first page whose rows are all known. Attachments, from register rows and from article
pages, are fetched by Scrapy (same politeness, robots and TLS) up to 25 MB, each URL once; what
they hold is decided later from their bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

import scrapy
from scrapy.http import TextResponse

from spiders import links as linklib
from spiders.attachments import attachment_links
from spiders.register_rows import RegisterRow, parse_register
from spiders.urls import canonicalize

REGISTER, ATTACHMENT = "register", "attachment"
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


@dataclass
class RegisterRowItem:
    portal_id: str
    page_url: str
    row: RegisterRow
    # The row's own address (its detail page, else its first file): the key of the post that stands for it.
    post_url: str | None = None


# The fragment of a register row's own address when it has neither a page nor a file: the register URL plus its code.
ROW_ANCHOR = "so="


def row_anchor(register_url: str, code: str) -> str:
    """``<register>#so=<code>``: the register's first page (canonical; a row moves down the pages as new ones come,
    its address must not), the code percent-encoded after it."""
    return f"{canonicalize(register_url)}#{ROW_ANCHOR}{quote(code, safe='/-.')}"


def post_canonical(url: str) -> str:
    """The stored key of a row's post: its canonical URL, keeping a row anchor's fragment (which tells rows apart)."""
    base, _, fragment = url.partition("#")
    return f"{canonicalize(base)}#{fragment}" if fragment.startswith(ROW_ANCHOR) else canonicalize(url)


def post_url(row: RegisterRow, register_url: str | None = None) -> str | None:
    """The row's detail page, else its first file, else (given the register's URL) its anchor in the register:
    every new row gets a post, so every new document alerts."""
    own = row.detail_url or (row.attachments[0] if row.attachments else None)
    return own or (row_anchor(register_url, row.code) if register_url else None)


@dataclass
class AttachmentItem:
    portal_id: str
    url: str
    status: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    error: str | None = None
    code: str | None = None  # the register row's code, when the file came from one
    article_canonical: str | None = None  # the article page that linked it
    hints: dict = field(default_factory=dict)


def next_register_page(url: str, page: int, rows: int) -> str | None:
    """URL paging: ``page=N`` → N+1, and ``Start=`` (a Domino view's first row) moved on by a page of rows.

    The query is edited in place, so Domino's bare ``?OpenView`` keeps its form."""
    parts = urlsplit(url)
    pairs = [piece.split("=", 1) for piece in parts.query.split("&")]
    if not any(len(p) == 2 and p[0].lower() == "page" for p in pairs):
        return None
    size = next((int(p[1]) for p in pairs if len(p) == 2 and p[0].lower() == "count" and p[1].isdigit()), rows)
    pieces = []
    for pair in pairs:
        if len(pair) == 2 and pair[0].lower() == "page":
            pair = [pair[0], str(page + 1)]
        elif len(pair) == 2 and pair[0].lower() == "start":
            pair = [pair[0], str(page * size + 1)]
        pieces.append("=".join(pair))
    return urlunsplit(parts._replace(query="&".join(pieces)))


class DocumentsMixin:
    """Register pages and attachments; expects to sit before ``PortalSpider`` in the class's bases."""

    known_codes: set[str]
    known_file_urls: set[str]

    def _documents_state(self) -> None:
        if not hasattr(self, "known_codes"):
            self.known_codes = set()
        if not hasattr(self, "known_file_urls"):
            self.known_file_urls = set()
        if not hasattr(self, "_requested_files"):
            self._requested_files = set()

    async def start(self):
        self._documents_state()
        async for request in super().start():
            yield request
        for url in getattr(self.portal, "documents", None) or []:
            self.outcome.entries.setdefault(url, None)
            yield self.register_request(url, entry=url, page=1)

    def register_request(self, url: str, entry: str, page: int) -> scrapy.Request:
        """A listing request (conditional GET, errbacks, counting) that a register page answers."""
        request = self.listing_request(url, entry=entry, page=page)
        return request.replace(callback=self.parse_register, meta={**request.meta, "pw_kind": REGISTER})

    def parse_register(self, response):
        entry, page = response.meta["pw_entry"], response.meta["pw_page"]
        self.outcome.listing_pages += 1
        if response.status == 304 or response.meta.get("pw_unchanged"):
            self.outcome.not_modified += 1
            self.outcome.entry_ok(entry)
            return
        if problem := self.unusable(response):
            self._listing_problem(entry, page, f"{problem} at {response.url}")
            return
        rows = parse_register(response.text, response.url)
        if not rows:
            self._listing_problem(entry, page, f"no document rows found on register {response.url}")
            return
        self.outcome.entry_ok(entry)
        fresh = [row for row in rows if row.code not in self.known_codes]
        for row in fresh:
            self.known_codes.add(row.code)
            own = post_url(row, entry)
            yield RegisterRowItem(portal_id=self.portal.id, page_url=response.url, row=row, post_url=own)
            for url in row.attachments:
                request = self.attachment_request(url, code=row.code, article=post_canonical(own) if own else None,
                                                  hints={"register_url": response.url})
                if request:
                    yield request
        if (fresh or self.resume) and page < self.max_pages:
            following = linklib.next_page(response.selector, response.url, page) or next_register_page(response.url, page, len(rows))
            if following:
                yield self.register_request(following, entry=entry, page=page + 1)

    # -- attachments -----------------------------------------------------------------------------

    def attachment_request(self, url: str, *, code: str | None = None, article: str | None = None, hints: dict | None = None):
        self._documents_state()
        if url in self.known_file_urls or url in self._requested_files:
            return None
        self._requested_files.add(url)
        self.outcome.requests += 1
        return scrapy.Request(
            url,
            callback=self.parse_attachment,
            errback=self.attachment_error,
            meta={"pw_kind": ATTACHMENT, "pw_code": code, "pw_article": article, "pw_hints": hints or {},
                  "download_maxsize": MAX_ATTACHMENT_BYTES},
        )

    def _attachment_item(self, request, **fields) -> AttachmentItem:
        meta = request.meta
        return AttachmentItem(portal_id=self.portal.id, url=request.url, code=meta.get("pw_code"),
                              article_canonical=meta.get("pw_article"), hints=meta.get("pw_hints") or {}, **fields)

    def parse_attachment(self, response):
        yield self._attachment_item(
            response.request,
            status=response.status,
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1"),
            body=response.body,
        )

    def attachment_error(self, failure):
        from spiders.portal import describe_failure

        # Recorded on the file's own row (document_files.error), not as a crawl error: a dead attachment
        # link must not make every later visit page through the whole register again.
        yield self._attachment_item(failure.request, error=describe_failure(failure))

    # -- article pages carrying files --------------------------------------------------------------

    def parse_article(self, response):
        files: list[str] = []
        if isinstance(response, TextResponse):
            try:
                files = attachment_links(response.selector, response.url)
            except ValueError:  # not parseable as HTML
                files = []
        if files:
            response.meta["pw_hints"] = {**(response.meta.get("pw_hints") or {}), "attachments": files}
        yield from super().parse_article(response)
        for url in files:
            if request := self.attachment_request(url, article=response.meta["pw_canonical"]):
                yield request
