"""Declares portals: the registry (YAML + pydantic schema) and the generic spiders that read it.

A portal is a declaration, not a program. Nothing here touches the database or fetches outside Scrapy.
"""
