"""The CMS families behind Vietnamese portals, and what each needs beyond the generic path.

Most provincial portals run one of a handful of systems (SharePoint publishing portals, Liferay
e-government portals, ASP.NET WebForms table layouts, WordPress news themes, the VCCorp newspaper
CMS…). A family is recognised from markup the CMS cannot avoid emitting, and contributes selectors
for the article's parts and the chrome it always carries. A registry entry's ``selectors`` and
``boilerplate`` come first, so one portal can be corrected without touching its family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.extract.boilerplate import compile_patterns
from crawler.extract.text import select, valid_selector
from spiders.schema import PortalConfig


@dataclass(frozen=True)
class Family:
    name: str
    detect: str  # one XPath; any match means the page is of this family
    # Strings the page's source must hold for ``detect`` to match: a substring test rules a family out
    # far faster than an XPath over every element (most pages of the wider web are of no family).
    markers: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()


FAMILIES: tuple[Family, ...] = (
    Family(
        name="vccorp",
        markers=("data-role", "VCSortableInPreviewMode"),
        detect="//*[@data-role='content' or @data-role='sapo' or @data-role='publishdate'] | //*[contains(@class,'VCSortableInPreviewMode')]",
        title=("[data-role=title]", "h1.detail-title", "h1.title"),
        date=("[data-role=publishdate]", ".detail-time", "p.dateandcat"),
        author=(".detail-author-bot .name", "[data-role=author]", ".author-info .name", "p.author"),
        lead=("[data-role=sapo]", ".detail-sapo", "h2.sapo"),
        body=("[data-role=content]", ".detail-content"),
        remove=(
            "[type=RelatedNewsBox]", "[type=RelatedOneNews]", "[type=RelatedNews]", ".kbwscwl-relatedbox", ".relatedbox",
            ".tindnd", ".readmore-body-box", ".VCObjectBoxRelatedNewsItemSapo", ".link-source-wrapper", "p.source",
            "[type=BoxTable][data-role=related]", "zone",
        ),
    ),
    Family(
        name="vnexpress",
        markers=("fck_detail",),
        detect="//article[contains(concat(' ', normalize-space(@class), ' '), ' fck_detail ')]",
        title=("h1.title-detail",),
        date=("span.date",),
        author=("p.author_mail", "p.author"),
        lead=("p.description",),
        body=("article.fck_detail",),
        remove=(".box-tinlienquanv2", ".list-news", ".box_brief_info", ".width_common.box-tinlienquan"),
    ),
    Family(
        name="epi-cms",
        markers=("cms-body",),
        detect="//*[contains(@class,'cms-body')]",
        title=("h1.article__title", ".cms-title"),
        date=("time.article__time", ".article__meta time"),
        author=(".article__author .name", ".cms-author .name", ".author .name"),
        lead=(".article__sapo", ".cms-desc"),
        body=(".article__body", ".cms-body"),
        remove=(".article-relate", ".related-topic", ".ads_middle", ".tts-player", ".hidden-player", ".article__tag"),
    ),
    Family(
        name="wordpress",
        markers=("/wp-content/", "/wp-includes/", "WordPress"),
        detect="//link[contains(@href,'/wp-content/') or contains(@href,'/wp-includes/')] | //script[contains(@src,'/wp-content/') or contains(@src,'/wp-includes/')] | //meta[@name='generator'][starts-with(@content,'WordPress')]",
        title=("h1.entry-title", "h1.td-post-title", "h1.tdb-title-text", "h1.post-title", "h1.single-post-title"),
        date=(".td-post-date time", "time.entry-date", ".entry-date", ".post-date", ".posted-on time"),
        author=(".td-post-author-name a", ".entry-author a", ".author.vcard a", ".byline .author"),
        lead=(".td-post-sub-title", ".entry-summary", ".post-excerpt", ".sapo"),
        body=(".td-post-content", ".tdb_single_content .tdb-block-inner", ".entry-content", ".post-content", "article .content"),
        remove=(
            ".td-post-views", ".td-post-comments", ".td-post-sharing", ".td-post-source-tags", ".td-post-next-prev",
            ".td-author-by", ".td-post-author-name", ".td-post-featured-image", ".td-category", "#comments", "#respond",
            ".comment-respond", ".sharedaddy", ".jp-relatedposts", ".td_block_related_posts", ".post-navigation",
            ".td-a-rec", ".td-g-rec", ".code-block", ".td-post-sub-title",
        ),
    ),
    Family(
        name="liferay",
        markers=("aui", "portlet-boundary"),
        detect="//html[contains(concat(' ', normalize-space(@class), ' '), ' aui ')] | //*[contains(@class,'portlet-boundary')]",
        title=(".asset-full-content-title", ".asset-title", ".journal-content-article h1", ".header-title"),
        date=(".assetPublishDate", ".asset-publish-date", ".publish-date", ".metadata-publish-date"),
        author=(".view-content-author", ".asset-author", ".metadata-author"),
        lead=(".asset-full-content .sapo", ".asset-summary", ".asset-content .sapo"),
        body=(".asset-full-content .journal-content-article", ".asset-content .journal-content-article", ".asset-full-content .asset-content"),
        remove=(
            ".portlet-topper", ".portlet-title", ".asset-control-detail", ".related_asset", ".taglib-social-bookmarks",
            ".print-action", ".mailto-action", ".taglib-ratings", ".asset-ratings", ".lfr-discussion", ".taglib-discussion",
            ".asset-links", ".asset-related-assets", ".portlet-polls-display", ".weblink-client-portlet", ".dd_chuyenmuc",
            ".vetrang",
        ),
    ),
    Family(
        name="sharepoint",
        markers=("__REQUESTDIGEST", "ms-rtestate-field", "ms-webpart-chrome", "ms-WPBody", "/_layouts/"),
        detect="//input[@name='__REQUESTDIGEST'] | //*[contains(@class,'ms-rtestate-field') or contains(@class,'ms-webpart-chrome') or contains(@class,'ms-WPBody')] | //script[contains(@src,'/_layouts/')]",
        title=(".BanTin_Title", ".news-title", ".ms-rtestate-field h1", "h1.title", ".title-news"),
        date=(".BanTin_Date", ".news-date", ".date-news"),
        author=(".BanTin_Author", ".news-author"),
        lead=(".BanTin_Summary", ".news-summary", ".sapo"),
        body=(".BanTin_Content", ".news-content", ".ms-rtestate-field"),
        remove=(
            ".ms-webpart-chrome-title", ".ms-webpart-titleText", ".ms-WPHeader", ".ms-WPTitle", ".ms-standardheader",
            ".BanTin_Toolbar", "[id*=Toolbar]", ".ms-hide", "#s4-ribbonrow", "#suiteBar",
        ),
        boilerplate=(r"publishingportal\s*-.*", r"block_\w+",),
    ),
    Family(
        name="aspnet-table",
        markers=("__VIEWSTATE", ".aspx"),
        detect="//input[@name='__VIEWSTATE'] | //form[contains(@action,'.aspx')]",
        title=("[id$=lblTieuDe]", "[id$=lblTitle]", "[id*=lblTieuDe]", "[id*=TieuDe]", ".TieuDe", ".tieude"),
        date=("[id$=lblNgayDang]", "[id*=lblNgay]", "[id*=NgayDang]", "[id*=lblDate]", ".NgayDang", ".ngaydang"),
        author=("[id$=lblTacGia]", "[id*=TacGia]", "[id*=lblAuthor]", ".TacGia", ".tacgia"),
        lead=("[id$=lblTomTat]", "[id*=TomTat]", "[id*=lblSummary]", ".TomTat", ".tomtat"),
        body=("[id$=lblNoiDung]", "[id*=lblNoiDung]", "[id*=NoiDung]", "[id*=lblContent]", ".NoiDung", ".noidung"),
        remove=("[id*=LuotXem]", "[id*=lblLuotXem]", "[id*=ThongKe]", "[id*=Counter]", "[id*=DangNhap]", "[id*=Login]"),
    ),
)


@dataclass
class Profile:
    """What to look for on one page: the registry entry's overrides first, then its family's."""

    family: str | None = None
    title: list[str] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    author: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    boilerplate: list[re.Pattern] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str | None = None  # the page's decoded HTML, when known: selectors it cannot match are not run
    tokens: frozenset[str] = frozenset()  # every class and id value word of the source

    def first(self, root, part: str):
        for selector in getattr(self, part):
            if self.may_match(selector):
                for el in select(root, selector):
                    return el
        return None

    def all(self, root, part: str) -> list:
        for selector in getattr(self, part):
            found = select(root, selector) if self.may_match(selector) else []
            if found:
                return found
        return []

    def may_match(self, selector: str) -> bool:
        """False when a class, id or attribute value the selector needs is nowhere in the page's source.

        Each selector is a scan of the whole tree; a family brings forty of them and most never match."""
        if self.source is None or selector.startswith("xpath:") or any(c in selector for c in ",:|()"):
            return True
        for mark, name, value in _LITERALS.findall(selector):
            if (name and name not in self.tokens) or (value and value not in self.source):
                return False
        return True


_DETECT = {family.name: etree.XPath(family.detect) for family in FAMILIES}
_LITERALS = re.compile(r"""([.#])(-?[A-Za-z_][\w-]*)|=\s*['"]?([\w-]+)""")
_CLASS_ID = re.compile(r"""\b(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


def _tokens(source: str) -> frozenset[str]:
    return frozenset(word for match in _CLASS_ID.findall(source) for value in match for word in value.split())


def detect(tree, source: str | None = None) -> Family | None:
    for family in FAMILIES:
        if source is not None and family.markers and not any(marker in source for marker in family.markers):
            continue
        if _DETECT[family.name](tree):
            return family
    return None


def profile_for(tree, portal: PortalConfig | None, source: str | None = None) -> Profile:
    """``source``: the page's decoded HTML, when the caller has it, to rule families out quickly."""
    family = detect(tree, source)
    profile = Profile(family=family.name if family else None)
    if source is not None and (family is not None or (portal is not None and portal.selectors is not None)):
        profile.source, profile.tokens = source, _tokens(source)
    if portal is not None and portal.selectors is not None:
        chosen = portal.selectors
        for part in ("title", "date", "author", "lead", "body"):
            selector = getattr(chosen, part)
            if selector:
                _add(profile, part, [selector], portal.id)
                if valid_selector(selector) and not select(tree, selector):
                    profile.warnings.append(f"portal {portal.id}: {part} selector {selector!r} matched nothing")
        _add(profile, "remove", chosen.remove, portal.id)
    if family is not None:
        for part in ("title", "date", "author", "lead", "body", "remove"):
            getattr(profile, part).extend(getattr(family, part))
        profile.boilerplate.extend(compile_patterns(family.boilerplate))
    if portal is not None:
        profile.boilerplate.extend(compile_patterns(portal.boilerplate))
    return profile


def _add(profile: Profile, part: str, selectors: list[str], portal_id: str) -> None:
    for selector in selectors:
        if valid_selector(selector):
            getattr(profile, part).append(selector)
        else:
            profile.warnings.append(f"portal {portal_id}: invalid {part} selector {selector!r} ignored")
