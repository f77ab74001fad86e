"""Article extraction: trafilatura plus what it does not know about Vietnamese portals.

``extract()`` is the one entry point, used by the crawl pipeline and by ``portalwatch extract``.
It never raises on bad pages: a page that is not an article comes back with ``rejected`` set.
"""

from crawler.extract.core import Extraction, extract

__all__ = ["Extraction", "extract"]
