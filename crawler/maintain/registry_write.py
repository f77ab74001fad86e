"""Adds an entry to a registry file by appending text, so maintainers' comments and layout survive.

Re-dumping the YAML would drop every comment (where a URL came from, why a selector exists). The
entry is appended under the file's ``portals:`` list and the file is loaded again: if the result does
not hold the new entry cleanly, the file is put back as it was and the write is refused.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from crawler.errors import UserError
from spiders.registry_loader import load_registry
from spiders.schema import PortalConfig

ADDED_FILE = "added.yaml"
_FIELD_ORDER = (
    "id", "name", "province", "kind", "start_urls", "feeds", "documents", "spider", "enabled", "interval_minutes", "max_pages",
    "encoding", "article_url_pattern", "selectors", "boilerplate", "verified", "notes",
)
_PLAIN = re.compile(r"^[\wÀ-ỹ][\wÀ-ỹ .,()/-]*$")


def scalar(value) -> str:
    """A plain YAML scalar when it reads back unchanged, else JSON (which YAML reads as flow style)."""
    if isinstance(value, str) and _PLAIN.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def render(portal: PortalConfig, comment: str | None = None) -> str:
    data = portal.model_dump(mode="json", exclude_defaults=True)
    lines = [f"  # {line}" for line in (comment or "").splitlines() if line.strip()]
    keys = [k for k in _FIELD_ORDER if k in data] + [k for k in data if k not in _FIELD_ORDER]
    for n, key in enumerate(keys):
        prefix = "  - " if n == 0 else "    "
        value = data[key]
        if isinstance(value, dict):
            lines.append(f"{prefix}{key}:")
            lines.extend(f"      {k}: {scalar(v)}" for k, v in value.items() if v not in (None, []))
        else:
            lines.append(f"{prefix}{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def target_file(registry: Path) -> Path:
    registry = Path(registry)
    return registry / ADDED_FILE if registry.is_dir() else registry


def append_entry(registry: Path, portal: PortalConfig, comment: str | None = None) -> Path:
    """Appends the entry to the registry file (or ``added.yaml`` in a registry folder); the file written."""
    existing = load_registry(registry)
    if existing.get(portal.id) is not None:
        raise UserError(f"portal {portal.id!r} is already in the registry ({existing.sources[portal.id]})")
    path = target_file(registry)
    original = path.read_text(encoding="utf-8") if path.is_file() else None
    before = _open_list(original) if original and original.strip() else None
    if before is not None and _portals_list_missing(before):
        raise UserError(f"{path} has no 'portals:' list to append to; add the entry by hand")
    text = before if before is not None else "# Portals added with `portalwatch portal add`.\nportals:\n"
    if not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{text}\n{render(portal, comment)}", encoding="utf-8")
    after = load_registry(registry)
    new_errors = [str(e) for e in after.errors if str(e) not in {str(old) for old in existing.errors}]
    if after.get(portal.id) is None or new_errors:
        if original is None:
            path.unlink()
        else:
            path.write_text(original, encoding="utf-8")
        why = new_errors[0] if new_errors else "the entry did not load back"
        raise UserError(f"not written, {path} would not load cleanly: {why}")
    return path


_EMPTY_FLOW = re.compile(r"(?m)^portals:[ \t]*\[[ \t]*\][ \t]*(#.*)?$")


def _open_list(text: str) -> str:
    """A file that lists no portal yet becomes one block-style ``portals:`` list, comments kept:
    ``portals: []`` is opened up, and a file of only comments gets the ``portals:`` line."""
    text = _EMPTY_FLOW.sub(lambda m: "portals:" + (f"  {m.group(1)}" if m.group(1) else ""), text, count=1)
    try:
        empty = yaml.safe_load(text) is None
    except yaml.YAMLError:
        return text
    if empty and not re.search(r"(?m)^portals:", text):
        text = text + ("" if text.endswith("\n") else "\n") + "portals:\n"
    return text


def _portals_list_missing(text: str) -> bool:
    """Appending works when the file is one block-style ``portals:`` list, which registry files are."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return True
    if document is None:
        return True
    listed = isinstance(document, dict) and "portals" in document and isinstance(document["portals"], (list, type(None)))
    return not (listed and re.search(r"(?m)^portals:\s*(#.*)?$", text))
