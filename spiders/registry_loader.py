"""Loads the portal registry from a YAML file or a folder of them.

A bad entry is reported with its file, portal id and field, and skipped; every other portal still loads,
so one maintainer's typo never stops the watch on the rest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from spiders.schema import PortalConfig


@dataclass(frozen=True)
class RegistryError:
    file: str
    portal: str
    field: str
    message: str
    line: int | None = None  # 1-based line of the entry (or field) in ``file``

    def __str__(self) -> str:
        parts = [f"{self.file}:{self.line}" if self.line else self.file]
        if self.portal != "-":
            parts.append(f"portal {self.portal!r}")
        if self.field != "-":
            parts.append(f"field {self.field!r}")
        return ": ".join([*parts, self.message])


@dataclass
class Registry:
    portals: list[PortalConfig] = field(default_factory=list)
    errors: list[RegistryError] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # portal id -> file it came from

    def get(self, portal_id: str) -> PortalConfig | None:
        return next((p for p in self.portals if p.id == portal_id), None)

    def enabled(self) -> list[PortalConfig]:
        return [p for p in self.portals if p.enabled]


def registry_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def load_registry(path: Path) -> Registry:
    registry = Registry()
    if not Path(path).exists():
        registry.errors.append(RegistryError(str(path), "-", "-", "no such file or folder"))
        return registry
    files = registry_files(path)
    if not files:
        registry.errors.append(RegistryError(str(path), "-", "-", "no registry files (*.yaml) found"))
    for file in files:
        _load_file(file, registry)
    return registry


def _compose(text: str):
    """The YAML node tree (which knows each entry's line) and the document built from it."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """One line for a YAML error: where it is and what is wrong, not PyYAML's multi-line report."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    words = " ".join(str(w) for w in (getattr(exc, "context", None), getattr(exc, "problem", None)) if w)
    return (mark.line + 1 if mark is not None else None), f"not valid YAML: {words or exc}"


def _value_node(mapping, key: str):
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None, None


def _line(node) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _load_file(file: Path, registry: Registry) -> None:
    name = str(file)
    try:
        root, document = _compose(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        registry.errors.append(RegistryError(name, "-", "-", "file not found"))
        return
    except UnicodeDecodeError as exc:
        registry.errors.append(RegistryError(name, "-", "-", f"not UTF-8: {exc.reason} at byte {exc.start}"))
        return
    except yaml.YAMLError as exc:
        line, message = _yaml_problem(exc)
        registry.errors.append(RegistryError(name, "-", "-", message, line))
        return
    if document is None:
        return
    if not isinstance(document, dict) or not isinstance(document.get("portals"), (list, type(None))):
        registry.errors.append(RegistryError(name, "-", "portals", "expected a mapping with a 'portals' list", _line(root)))
        return
    _, entries_node = _value_node(root, "portals")
    nodes = entries_node.value if isinstance(entries_node, yaml.SequenceNode) else []
    for index, entry in enumerate(document["portals"] or []):
        node = nodes[index] if index < len(nodes) else None
        line = _line(node)
        label = entry.get("id") if isinstance(entry, dict) and entry.get("id") else f"#{index + 1}"
        if not isinstance(entry, dict):
            registry.errors.append(RegistryError(name, str(label), "-", "entry is not a mapping", line))
            continue
        try:
            portal = PortalConfig.model_validate(entry)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or "-"
                key_node, _ = _value_node(node, str(error["loc"][0])) if error["loc"] else (None, None)
                registry.errors.append(RegistryError(name, str(label), where, error["msg"], _line(key_node) or line))
            continue
        if portal.spider:
            try:
                spider_base(portal.spider)
            except ValueError as exc:
                key_node, _ = _value_node(node, "spider")
                registry.errors.append(RegistryError(name, portal.id, "spider", str(exc), _line(key_node) or line))
                continue
        if portal.id in registry.sources:
            registry.errors.append(
                RegistryError(name, portal.id, "id", f"duplicate id, already defined in {registry.sources[portal.id]}", line)
            )
            continue
        registry.sources[portal.id] = name
        registry.portals.append(portal)


def spider_base(dotted: str) -> type:
    """The spider class a registry entry names, resolved when the registry loads: a bad path is an
    error for that entry alone, never a crawl child that dies at start for every portal."""
    from pydoc import ErrorDuringImport, locate

    from spiders.portal import PortalSpider

    try:
        located = locate(dotted)
    except (ErrorDuringImport, ImportError) as exc:
        cause = getattr(exc, "value", exc)
        raise ValueError(f"spider {dotted!r} cannot be imported: {type(cause).__name__}: {cause}") from None
    if located is None:
        raise ValueError(f"spider {dotted!r} not found (give a dotted path such as spiders.custom.module.ClassName)")
    if not (isinstance(located, type) and issubclass(located, PortalSpider)):
        raise ValueError(f"spider {dotted!r} is not a PortalSpider subclass")
    return located


def config_hash(portal: PortalConfig) -> str:
    """Changes when the entry changes, so a moved portal can be told apart from a broken one."""
    payload = json.dumps(portal.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
