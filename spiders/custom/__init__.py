"""Spiders for portals the generic one cannot read alone, each named by a registry entry's ``spider:``.

``postback.py`` and ``jsonapi.py`` hold the two mechanisms that recur across portals (ASP.NET postback
paging, listings served as JSON); a portal's own module (written by ``portalwatch portal add --spider``)
subclasses one of them or ``PortalSpider`` and overrides ``article_links``/``next_page`` only.
"""
