"""Article extraction: trafilatura plus what it does not know about Vietnamese portals.

``extract()`` is the one entry point, used by the crawl pipeline and by ``portalwatch extract``.
It never raises on bad pages: a page that is not an article comes back with ``rejected`` set to
"<code>: <detail>" (codes in ``verdict.REASONS``), which the pipeline records as the skip reason.
``portalwatch eval`` (``evaluate.py``) scores it against the fixtures beside bare trafilatura.
"""

from crawler.extract.core import Extraction, extract

__all__ = ["Extraction", "extract"]
