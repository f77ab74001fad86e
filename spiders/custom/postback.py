"""ASP.NET WebForms listings whose pager posts the page's form back instead of linking.

The pager's anchors read ``javascript:__doPostBack('ctl00$…$pager','Page$2')``: no URL to follow. The
next page is the same form posted with ``__EVENTTARGET``/``__EVENTARGUMENT`` set (and the hidden
``__VIEWSTATE`` fields it carries). ``next_page`` keeps that request under a stand-in URL and
``listing_request`` sends it, so the generic listing logic (stop at a page with nothing new) holds.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin

from scrapy import FormRequest

from spiders.portal import PortalSpider

_POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")
_NEXT = re.compile(r"^(»|›|>|>>|trang sau|trang tiếp|tiếp|tiếp theo|sau|next)$", re.IGNORECASE)


def postback_target(response, number: int) -> tuple[str, str] | None:
    """(event target, argument) of the pager anchor for page ``number``, or of a "next" anchor."""
    fallback = None
    for anchor in response.css("a[href*=__doPostBack]"):
        text = unicodedata.normalize("NFC", " ".join(" ".join(anchor.css("::text").getall()).split()))
        match = _POSTBACK.search(anchor.attrib.get("href", ""))
        if not match:
            continue
        if text == str(number):
            return match.group(1), match.group(2)
        if fallback is None and _NEXT.match(text):
            fallback = match.group(1), match.group(2)
    return fallback


def postback_request(response, target: str, argument: str) -> FormRequest | None:
    """The page's form posted back as its pager would: every field it carries, the event set."""
    form = response.xpath("//form[.//input[@name='__VIEWSTATE']]") or response.xpath("//form")
    if not form:
        return None
    form = form[0]
    fields = {
        field.attrib["name"]: field.attrib.get("value", "")
        for field in form.xpath(".//input[@name][not(@type) or @type='hidden' or @type='text']")
    }
    fields.update(__EVENTTARGET=target, __EVENTARGUMENT=argument)
    action = urljoin(response.url, form.attrib.get("action") or response.url)
    return FormRequest(action, formdata=fields)


class PostbackPagingSpider(PortalSpider):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._postbacks: dict[str, FormRequest] = {}

    def next_page(self, response, page: int) -> str | None:
        linked = super().next_page(response, page)
        if linked:
            return linked
        target = postback_target(response, page + 1)
        if target is None:
            return None
        request = postback_request(response, *target)
        if request is None:
            return None
        key = f"{response.url}#postback-page-{page + 1}"
        self._postbacks[key] = request
        return key

    def listing_request(self, url: str, entry: str, page: int):
        posted = self._postbacks.pop(url, None)
        generic = super().listing_request(posted.url if posted else url, entry, page)
        if posted is None:
            return generic
        return posted.replace(callback=generic.callback, errback=generic.errback, meta=generic.meta, dont_filter=True)
