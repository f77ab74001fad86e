"""Which codec a Vietnamese page really uses.

Servers often label UTF-8 pages as ISO-8859-1 or windows-1252 (and sometimes the reverse). A body
that decodes as strict UTF-8 and holds non-ASCII bytes is UTF-8 whatever the label says: legacy
Vietnamese text almost never forms valid UTF-8 sequences by accident.
"""

from __future__ import annotations

import codecs


def canonical_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def choose_encoding(body: bytes, declared: str | None) -> str | None:
    declared = canonical_codec(declared)
    if body.isascii():
        return declared
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if declared == "utf-8":
        text = body.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        non_ascii = sum(1 for ch in text if ord(ch) > 127)
        # A few stray bytes in a UTF-8 page: keep UTF-8 and lose those characters only.
        if bad * 20 < non_ascii:
            return "utf-8"
        return "cp1258"
    return declared
