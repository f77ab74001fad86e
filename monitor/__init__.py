"""Vietnamese-aware matching: normalisation, directive codes, foreign visits, topic, subscriber rules.

Pure functions over text: nothing here reads the database, the network or the settings. The crawl
cycle builds one ``Monitor`` from the rules and calls ``analyse`` per stored article.

The names below are loaded on first use, so that importing a sibling package (``monitor.alerting``)
does not pay for the matcher's dependencies.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Analysis": "monitor.analysis",
    "ArticleInput": "monitor.analysis",
    "KeywordHit": "monitor.analysis",
    "Monitor": "monitor.analysis",
    "Directive": "monitor.directives",
    "canonical_code": "monitor.directives",
    "RuleMatch": "monitor.matcher",
    "FirstSightings": "monitor.registry",
    "new_codes": "monitor.registry",
    "Rule": "monitor.rules",
    "RulesError": "monitor.rules",
    "bundled_rules": "monitor.rules",
    "load_rules": "monitor.rules",
    "parse_query": "monitor.rules",
    "parse_rules": "monitor.rules",
    "rules_from_setting": "monitor.rules",
    "Snippet": "monitor.snippets",
    "FOREIGN_AFFAIRS": "monitor.topic",
    "Topic": "monitor.topic",
    "Visit": "monitor.visits",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'monitor' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
