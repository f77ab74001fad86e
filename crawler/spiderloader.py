"""Makes every registry portal a Scrapy spider named by its id (``scrapy list``, ``scrapy crawl ID``)."""

from __future__ import annotations

from crawler.config import Settings
from spiders.documents import DocumentsMixin
from spiders.portal import PortalSpider
from spiders.registry_loader import RegistryError, load_registry, spider_base
from spiders.schema import PortalConfig


def spider_class(portal: PortalConfig) -> type[PortalSpider]:
    base = spider_base(portal.spider) if portal.spider else PortalSpider
    # Every portal reads document registers and attachments (spiders/documents.py).
    return type(f"Spider_{portal.id.replace('-', '_')}", (DocumentsMixin, base), {"name": portal.id, "portal": portal})


class RegistrySpiderLoader:
    """Satisfies Scrapy's ``SpiderLoaderProtocol``."""

    def __init__(self, settings):
        path = settings.get("PORTALWATCH_REGISTRY") or str(Settings().portals)
        registry = load_registry(path)
        self.errors = registry.errors
        self._spiders = {}
        for portal in registry.portals:
            try:  # resolved at load already; a module that changed since fails alone, not the process
                self._spiders[portal.id] = spider_class(portal)
            except ValueError as exc:
                self.errors.append(RegistryError(registry.sources.get(portal.id, path), portal.id, "spider", str(exc)))

    @classmethod
    def from_settings(cls, settings):
        return cls(settings)

    def load(self, spider_name: str):
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"no portal with id {spider_name!r} in the registry") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request) -> list[str]:
        return [name for name, cls in self._spiders.items() if cls.handles_request(request)]
