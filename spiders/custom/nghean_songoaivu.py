"""Sở Ngoại vụ tỉnh Nghệ An (nghean-songoaivu): the listing pages by ASP.NET postback.

Written by `portalwatch portal add --spider`; the registry entry names this class in `spider:`.
Edit the hooks, then run `portalwatch portal check nghean-songoaivu` and `portalwatch fixture record nghean-songoaivu`:
the portal's fixture test reads the saved listing with this class.
"""

from __future__ import annotations

from spiders.custom.postback import PostbackPagingSpider


class NgheanSongoaivuSpider(PostbackPagingSpider):
    """The listing pages by ASP.NET postback."""

    def article_links(self, response):
        """The listing's article links, in page order (``spiders.links.Link``)."""
        return super().article_links(response)

    def next_page(self, response, page):
        """The URL of listing page ``page + 1``, or None on the last page."""
        return super().next_page(response, page)
