"""First sighting of directive codes: the pure half of the directive registry.

The registry itself is a database table (storage/); these helpers decide what is new so that the
rule is the same for the crawl cycle, the CLI and the tests: a code is new in the first article
that mentions it, and in no later one, whatever spelling the later one uses.
"""

from __future__ import annotations

from typing import Container, Iterable


def new_codes(found: Iterable[str], known: Container[str]) -> list[str]:
    """Codes of ``found`` not in ``known``, once each, in the order found."""
    return [code for code in dict.fromkeys(found) if code not in known]


class FirstSightings:
    """An in-memory registry: articles in the order they were stored, each told what it sighted first."""

    def __init__(self, known: Iterable[str] = ()):
        self.known: set[str] = set(known)

    def observe(self, codes: Iterable[str]) -> list[str]:
        fresh = new_codes(codes, self.known)
        self.known.update(fresh)
        return fresh
