"""Spiders with a bug, for the tests that check a callback's exception reaches the run record."""

from __future__ import annotations

from spiders.portal import PortalSpider


class ListingBugSpider(PortalSpider):
    """Its link finder raises on every listing page, as a custom spider's bug would."""

    def article_links(self, response):
        raise RuntimeError("listing parser bug")
