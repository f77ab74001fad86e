"""First sighting of directive codes: the pure half of the directive registry.

The registry itself is a database table (storage/); these helpers decide what is new so that the
rule is the same for the crawl cycle, the CLI and the tests: a code is new in the first article
that mentions it, and in no later one, whatever spelling the later one uses.
"""

from __future__ import annotations

from typing import Container, Iterable


def new_codes(found: Iterable, known: Container) -> list[str]:
    """Codes of ``found`` not in ``known``, once each, in the order found. ``found``: codes, or
    directives, whose ``key`` ((code, scope): ``Directive.key``) is looked up; a plain
    code in ``known`` covers every scope (callers that keep codes only)."""
    fresh = []
    for item in found:
        code, key = (item, item) if isinstance(item, str) else (item.code, item.key)
        if key not in known and code not in known and code not in fresh:
            fresh.append(code)
    return fresh


class FirstSightings:
    """An in-memory registry: articles in the order they were stored, each told what it sighted first.
    ``observe`` takes codes or registry keys (``Analysis.keys``)."""

    def __init__(self, known: Iterable = ()):
        self.known: set = set(known)

    def observe(self, keys: Iterable) -> list:
        fresh = [key for key in dict.fromkeys(keys) if key not in self.known]
        self.known.update(fresh)
        return fresh
