"""Maintainer tools: ``portal add``, ``portal check`` and ``fixture record``.

Everything that touches a portal goes through Scrapy in a child process (``child.py``), with the
crawl's own settings (robots.txt, User-Agent, timeouts): a maintainer's check meets the site exactly
as the crawl will. The parent only reads the JSON the child leaves behind and decides.
"""
