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

    def __str__(self) -> str:
        return f"{self.file}: portal {self.portal!r}: field {self.field!r}: {self.message}"


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
    files = registry_files(path)
    if not files:
        registry.errors.append(RegistryError(str(path), "-", "-", "no registry files (*.yaml) found"))
    for file in files:
        _load_file(file, registry)
    return registry


def _load_file(file: Path, registry: Registry) -> None:
    name = str(file)
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        registry.errors.append(RegistryError(name, "-", "-", "file not found"))
        return
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        registry.errors.append(RegistryError(name, "-", "-", f"not valid YAML: {exc}"))
        return
    if document is None:
        return
    if not isinstance(document, dict) or not isinstance(document.get("portals"), list):
        registry.errors.append(RegistryError(name, "-", "portals", "expected a mapping with a 'portals' list"))
        return
    for index, entry in enumerate(document["portals"]):
        label = entry.get("id") if isinstance(entry, dict) and entry.get("id") else f"#{index + 1}"
        if not isinstance(entry, dict):
            registry.errors.append(RegistryError(name, str(label), "-", "entry is not a mapping"))
            continue
        try:
            portal = PortalConfig.model_validate(entry)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or "-"
                registry.errors.append(RegistryError(name, str(label), where, error["msg"]))
            continue
        if portal.id in registry.sources:
            registry.errors.append(
                RegistryError(name, portal.id, "id", f"duplicate id, already defined in {registry.sources[portal.id]}")
            )
            continue
        registry.sources[portal.id] = name
        registry.portals.append(portal)


def config_hash(portal: PortalConfig) -> str:
    """Changes when the entry changes, so a moved portal can be told apart from a broken one."""
    payload = json.dumps(portal.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
