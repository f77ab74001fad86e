"""Listings built in the browser from a login-free JSON endpoint.

The HTML listing is a JavaScript shell; the endpoint it calls (seen in the browser's network tab)
returns the articles as JSON. The registry entry's ``start_urls`` name the endpoint; a subclass says
where the items are and which keys hold the link and the headline. Articles themselves are ordinary
HTML pages, read by the generic path.
"""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import urljoin

from w3lib.url import add_or_replace_parameter, url_query_parameter

from spiders import safe_regex
from spiders.links import Link
from spiders.portal import PortalSpider
from spiders.urls import canonicalize


class JsonListingSpider(PortalSpider):
    items_path = "data"  # dotted path to the list of items ("" when the document is the list)
    url_key = "url"
    title_key = "title"
    page_param: str | None = "page"  # the endpoint's page number parameter; None when it has one page

    def items(self, response) -> list[dict]:
        data = json.loads(response.text)
        for key in filter(None, self.items_path.split(".")):
            data = data[int(key)] if isinstance(data, list) else data[key]
        if not isinstance(data, list):
            raise ValueError(f"{self.items_path or 'the document'} is not a list")
        return [item for item in data if isinstance(item, dict)]

    def unusable(self, response) -> str | None:
        try:
            self.items(response)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            return f"not the expected JSON ({type(exc).__name__}: {exc})"[:200]
        return None

    def article_links(self, response) -> list[Link]:
        links = []
        for item in self.items(response):
            href = item.get(self.url_key)
            if not isinstance(href, str) or not href.strip():
                continue
            url = urljoin(response.url, href.strip())
            title = unicodedata.normalize("NFC", " ".join(str(item.get(self.title_key) or "").split()))
            links.append(Link(url=url, canonical=canonicalize(url), text=title))
        if self.portal.article_url_pattern:
            pattern = safe_regex.compile(self.portal.article_url_pattern)
            links = [link for link in links if pattern.search(link.url)]
        return links

    def next_page(self, response, page: int) -> str | None:
        if not self.page_param or not self.items(response):
            return None
        current = url_query_parameter(response.url, self.page_param)
        number = int(current) + 1 if current and current.isdigit() else page + 1
        return add_or_replace_parameter(response.url, self.page_param, str(number))
