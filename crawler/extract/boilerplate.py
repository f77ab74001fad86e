"""The Vietnamese portal chrome vocabulary, as patterns rather than one fixture's strings.

Three layers, from coarse to fine: class/id names of chrome containers (removed from the tree),
whole lines that are never article text (dropped from the body), and headings that start a
trailing chrome section (related news, comments) after which nothing is article text.

Every pattern here runs on text a portal controls, so all of them run on the linear-time engine
(``spiders.safe_regex``, RE2): a hostile line costs its length, never an exponential backtrack.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from spiders import safe_regex

# --- class/id tokens of chrome containers --------------------------------------------------------
# Matched against each class token and the id, whole (``^…$``), so "related" does not hit "unrelated".
_CHROME_TOKENS = [
    r"(?:[a-z]+[-_])*(?:related|relate|relation|relatedbox|related[-_]?(?:news|posts?|articles?|topic|box|list|asset)s?)(?:[-_][a-z0-9]+)*",
    r"(?:box[-_]?)?(?:tin[-_]?)?(?:lien[-_]?quan|cung[-_]?chuyen[-_]?muc|khac|moi|noi[-_]?bat|doc[-_]?nhieu|xem[-_]?nhieu)(?:[-_][a-z0-9]+)*",
    r"tinlienquan|tincungchuyenmuc|tincungmucdetail|tinkhac|tindnd|othernews|other[-_]news|more[-_]news|news[-_]?other",
    r"(?:[a-z]+[-_])*comments?(?:[-_][a-z0-9]+)*|respond|comment[-_]?respond|binh[-_]?luan|binhluan|y[-_]?kien[-_]?ban[-_]?doc|wrap-comment|ykcb",
    r"(?:[a-z]+[-_])*(?:social|share|sharing|sharebar|sharemxh|addthis|sharedaddy|jp[-_]relatedposts)(?:[-_][a-z0-9]+)*",
    r"(?:[a-z]+[-_])*(?:print|toolbar|tool[-_]bar|tools|font[-_]?size|text[-_]?size|fontsize|zoom[-_]?text)(?:[-_][a-z0-9]+)*",
    r"breadcrumbs?|breadcrumb[-_][a-z0-9-]+|dd[-_]chuyenmuc|navbar|navigation|nav|menu(?:[-_][a-z0-9]+)*|mega[-_]?menu|skip[-_]?link",
    r"(?:[a-z]+[-_])*(?:ads?|adv|advert|advertisement|adsbygoogle|banner|quang[-_]?cao|qc|sponsor(?:ed)?)(?:[-_][a-z0-9]+)*",
    r"ads[A-Z0-9][A-Za-z0-9_]*|admzone[a-z0-9_]*|vcc_admzone[0-9]*",
    r"(?:[a-z]+[-_])*(?:poll|polls|thamdo|tham[-_]do|vote|voting|survey|binh[-_]chon)(?:[-_][a-z0-9]+)*",
    r"(?:[a-z]+[-_])*(?:weather|thoi[-_]?tiet|counter|visitor|visitors|statistics?|thong[-_]?ke|online[-_]?counter|luot[-_]?truy[-_]?cap)(?:[-_][a-z0-9]+)*",
    r"(?:[a-z]+[-_])*(?:login|dang[-_]?nhap|signin|search|tim[-_]?kiem|searchbox)(?:[-_][a-z0-9]+)*",
    r"(?:[a-z]+[-_])*(?:tags?|tag[-_]?detail|tagdetail|keywords?|tu[-_]?khoa|topics?[-_]list)",
    r"(?:[a-z]+[-_])*(?:post[-_]views|views?[-_]count|viewcount|luot[-_]?xem|luotxem|hit[-_]?count|post[-_]comments)",
    r"(?:td[-_])?post[-_](?:next[-_]prev|navigation|sharing[-_][a-z0-9-]+)|nav[-_]links|pager|pagination",
    r"(?:audio|tts)[-_]?(?:player|box)?|af[-_]tts|hidden[-_]player|player[-_]wrap",
    r"footer(?:[-_][a-z0-9]+)*|site[-_]footer|copyright|ban[-_]quyen|sidebar(?:[-_][a-z0-9]+)*|widget(?:[-_][a-z0-9]+)*",
    r"(?:[a-z]+[-_])*(?:google[-_]news|follow[-_]gg|newsletter|subscribe|app[-_]download)(?:[-_][a-z0-9]+)*",
    r"readmore[-_]body[-_]box|read[-_]more|xem[-_]them|doc[-_]them|see[-_]more",
]
CHROME_TOKEN = safe_regex.compile("|".join(f"(?:{p})" for p in _CHROME_TOKENS), ignore_case=True)
# Tags that are chrome wherever they stand (their text is never article prose).
CHROME_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "button",
               "select", "textarea", "input", "label", "map", "audio", "video", "source", "dialog")
# Page-level landmarks: chrome unless they hold the article.
LANDMARK_TAGS = ("header", "footer", "nav", "aside", "menu")

# --- whole lines ------------------------------------------------------------------------------------
# Separators between toolbar items; "\|" is a pipe inside a table cell as trafilatura writes it.
_SEP = r"\s*\\?[|/·•:,\-–—]?\s*"
_SEP_REQUIRED = r"(?:\s*\\?[|/·•:,\-–—]\s*|\s+)"
_TOOLBAR_WORDS = (
    r"in(?: bài(?: viết)?| trang| tin)?|bản in|print(?:er)?(?: version)?|gửi(?: bài(?: viết)?| tin)?(?: cho bạn bè| qua email)?"
    r"|gửi email|email|e-mail|send(?: to)? (?:e-?mail|a friend)|chia sẻ(?: bài viết| qua [a-z]+)?|share(?: this)?|lưu(?: bài| tin| lại)?"
    r"|tweet|facebook|zalo|twitter|linkedin|copy(?: link)?|sao chép(?: liên kết| link)?|lấy link!?|phản hồi|bình luận|góp ý"
    r"|nghe(?: bài viết| đọc bài)?|đọc bài|tăng cỡ chữ|giảm cỡ chữ|cỡ chữ|kích thước chữ|a\+?|a-|\+|-|theo dõi|quay lại|trở lại|về trang trước"
    r"|yêu thích|like|thích|quan tâm|\d+"
    # the print / e-mail / back-to-top row that closes Sở Ngoại vụ articles: "In bài viết | Gửi email | Về đầu trang"
    r"|(?:về|lên|trở về) đầu trang|đầu trang|back to top"
)
# A toolbar item, bare or in brackets: "[In bài viết] [Gửi email] [Về đầu trang]".
_TOOLBAR_ITEM = rf"[\[(]?\s*(?:{_TOOLBAR_WORDS})\s*[\])]?"
_LINE_PATTERNS = [
    # counters: "Lượt xem: 166", "477", "0 bình luận"
    r"[\d.,\s]+",
    r"(?:số\s+)?(?:lượt (?:xem|đọc|truy cập)|đã xem|lượt thích|views?|hits?|reads?)\s*[:：]?\s*[\d.,]*",
    r"[\d.,]+\s*(?:lượt (?:xem|đọc|thích)|views?|bình luận|comments?|ý kiến)",
    # toolbars made of print/email/share/font-size words only
    rf"{_TOOLBAR_ITEM}(?:{_SEP_REQUIRED}{_TOOLBAR_ITEM})*{_SEP}",
    r"(?:cỡ chữ|font size|kích cỡ)\s*[:：]?.*",
    r"[Aa]\s*[+-]?\s*[Aa]\s*[+-]?\s*(?:[Aa]\s*[+-]?)?",
    # navigation
    r"(?:về|lên) đầu trang|đầu trang|top|back to top|skip to content|truy cập nội dung luôn|trang chủ|home|menu|search|tìm kiếm(?: văn bản| nâng cao)?\s*[:：]?",
    r"(?:trang chủ|home)\s*[>»/|›].*",
    r"(?:quay lại|trở lại|trở về)(?:\s+(?:trang (?:trước|chủ)|chuyên mục|danh sách|[^.!?]{1,25}))?",
    # sections of related news (a heading alone on its line)
    r"(?:các |những )?(?:tin|bài|thông tin|tin tức|bài viết)\s+(?:khác|liên quan|cùng (?:chuyên mục|loại|chủ đề|danh mục)|mới(?: nhất| cập nhật| đăng)?|nổi bật|đọc nhiều(?: nhất)?|xem nhiều(?: nhất)?|đã đưa|trước|sau|tiêu điểm|mới hơn|cũ hơn|hot|nóng)\s*[:：]?",
    r"(?:xem|đọc) (?:thêm|tiếp|nhiều(?: nhất)?)(?: (?:tin|bài|tại|trên)(?:\W.*)?)?\s*[:：»>]?|tham khảo thêm\s*[:：]?|cùng chuyên mục|cùng tác giả|dòng sự kiện\s*[:：]?.*|chủ đề\s*[:：]?|sự kiện\s*[:：]?",
    r"xem theo (?:ngày|tháng|chuyên mục).*|đọc tiếp(?:\s+về trang.*)?|xem (?:các|tất cả)(?: bài viết| tin)?(?: của tác giả)?.*|xem tất cả|chuyên đề|tiêu điểm|nổi bật|mới nhất|tin nóng|đọc nhiều|xem nhiều",
    r"(?:other|related|more|latest|recent)\s+(?:news|posts?|articles?|stories)\s*[:：]?|read more|see more|view more|next|previous|older|newer",
    r"(?:từ khóa|từ khoá|tags?|keywords?|chủ đề liên quan)\s*[:：].*|#\S.*",
    # comment forms
    r"leave a (?:reply|comment)|please enter (?:your (?:comment|name here|email address here|website)|a valid email address)!?|you have entered an incorrect email address!?",
    r"save my name, email,? and website.*|post comment|submit|cancel reply|\d*\s*comments?|no comments?(?: yet)?\.?",
    r"(?:gửi|viết|thêm|xem)?\s*(?:bình luận|ý kiến)(?: (?:của bạn|bạn đọc|về bài viết|bài viết này|\(\d+\)))?\s*[:：]?|ý kiến bạn đọc|bình luận \(\d+\)",
    r"hiện chưa có (?:bình luận|ý kiến) nào.*|(?:chưa có|không có) (?:bình luận|ý kiến).*|bạn (?:cần|phải) đăng nhập.*|vui lòng (?:đăng nhập|nhập).*",
    r"(?:họ (?:và )?tên|tên của bạn|địa chỉ email|email của bạn|nội dung bình luận|mã (?:xác nhận|bảo mật)|gửi|hủy|đóng|xác nhận)\s*[:：*]?\s*\*?",
    # login, visitor statistics, site widgets
    r"đăng nhập|đăng ký|đăng xuất|login|log in|sign in|register|quên mật khẩu.*",
    r"(?:thống kê|bộ đếm)(?: lượt)? truy cập\s*[:：]?.*|(?:đang (?:truy cập|online|trực tuyến)|trực tuyến|online|hôm nay|hôm qua|trong tuần|tuần (?:này|trước)|trong tháng|tháng (?:này|hiện tại|trước)|năm nay|tổng(?: số)?(?: lượt)?(?: truy cập)?|lượt truy cập|khách|thành viên)\s*[:：]\s*[\d.,]*",
    r"(?:thăm dò ý kiến|bình chọn|biểu quyết|xem kết quả|vote|result)\s*[:：]?|lấy ý kiến bình chọn.*",
    r"(?:liên kết|liên kết website|liên kết web|weblinks?|website liên kết|select weblink)\s*[:：]?|gửi ban biên tập|gửi tin bài|liên hệ(?: quảng cáo| tòa soạn)?|sơ đồ (?:cổng|site|trang)|rss|hỏi đáp|đường dây nóng|tìm kiếm văn bản|văn bản mới|lịch công tác|thông tin thời tiết|video|hình ảnh|ảnh|podcast|multimedia|e-magazine|emagazine|infographics?",
    # the portal's own labels: date-only lines, update stamps, app and follow promos
    r"(?:(?:thứ \w+|chủ nhật)\s*,?\s*)?(?:ngày\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:\s*[-|,]?\s*\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:[ap]m|\(gmt\+7\)|gmt\+7)?)?",
    r"(?:ngày (?:đăng|cập nhật|đưa tin|xuất bản)|cập nhật(?: lúc| ngày)?|đăng lúc|đăng ngày|updated?|posted(?: on)?|published(?: on)?)\s*[:：]?\s*(?:\S+\s*,?\s*){0,3}\d{1,2}[/:.h-]\d{1,2}.{0,25}",
    r"tải ứng dụng\s*[:：]?|theo dõi .{0,40}(?:google news|zalo|facebook|youtube|tiktok).*|đăng ký nhận (?:tin|bản tin).*",
    # copyright and publisher footers
    r"(?:©|\(c\)|copyright|bản quyền (?:thuộc|©|\(c\))|®?\s*ghi rõ nguồn).{0,300}",
    r"(?:giấy phép(?: số| xuất bản| hoạt động)?|cơ quan chủ quản|chịu trách nhiệm(?: chính| nội dung| xuất bản)?|tổng biên tập|phó tổng biên tập|tòa soạn|trụ sở|powered by|thiết kế bởi|phát triển bởi)\s*[:：].{0,300}",
    r"(?:quảng cáo|advertisement|sponsored|tài trợ|nội dung tài trợ|adv)\s*[:：]?",
    r"\(adsbygoogle.*|googletag\..*|window\..*=.*",
    # audio players, galleries, empty media labels
    r"(?:nam|nữ) miền (?:bắc|nam|trung)|giọng đọc.*|tốc độ đọc.*|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}|đang tải(?:\.\.\.|…)?|loading(?:\.\.\.|…)?|no video found",
    # SharePoint web part titles that leak as text ("PublishingPortal - Block_BanTin_Toolbar")
    r"[A-Za-z]*portal\s*-\s*block_\w+|.{0,80}block_[a-z0-9_]+|web ?part.*|ms-\w+",
]
_LINE = safe_regex.compile("|".join(f"(?:{p})" for p in _LINE_PATTERNS), ignore_case=True)

# Headings that open a trailing chrome section: what follows them is not the article.
_TAIL_MARKERS = safe_regex.compile(
    r"(?:các |những )?(?:tin|bài|thông tin|tin tức|bài viết)\s+(?:khác|liên quan|cùng (?:chuyên mục|loại|chủ đề))\s*[:：]?"
    r"|(?:other|related) (?:news|posts?|articles?)|leave a (?:reply|comment)|(?:gửi |viết )?bình luận(?: \(\d+\))?\s*[:：]?"
    r"|ý kiến bạn đọc|ý kiến của bạn|xem thêm\s*[:：]?|đọc thêm\s*[:：]?|cùng chuyên mục|dòng sự kiện\s*[:：]?.*",
    ignore_case=True,
)


_EDGE_PUNCTUATION = " |•·-–—:*>»«›‹"


# "(Mặt trận) - ", "(PLO)- ", "TTH - ", "TTXVN - ": the dateline that opens a lead.
DATELINE = safe_regex.compile(r"\(\s*[^()]{2,40}?\s*\)\s*[-–—]|[A-ZĐ][A-ZĐ.]{1,9}\s+[-–—]\s")


def compile_patterns(patterns: Iterable[str]) -> list:
    """A portal's or a family's extra line patterns, case-insensitive, on the linear-time engine. The registry
    refuses a pattern the engine cannot run when it loads, so one skipped here was never a valid entry."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(safe_regex.compile(pattern, ignore_case=True))
        except safe_regex.PatternError:
            continue
    return compiled


def is_boilerplate(line: str, extra: Iterable = ()) -> bool:
    """A whole line of chrome. Long lines are prose even when they start like chrome."""
    if not line:
        return True
    if len(line) <= 400 and _LINE.fullmatch(line.strip(_EDGE_PUNCTUATION) or line):
        return True
    return any(p.fullmatch(line) or p.search(line) and len(line) <= 120 for p in extra)


def starts_tail(line: str) -> bool:
    return len(line) <= 60 and bool(_TAIL_MARKERS.fullmatch(line))


def chrome_token(value: str) -> bool:
    return bool(value) and any(_chrome_name(token) for token in value.split())


@lru_cache(maxsize=8192)
def _chrome_name(token: str) -> bool:
    """Cached: utility-class themes repeat the same few hundred class names thousands of times a page."""
    return CHROME_TOKEN.fullmatch(token) is not None
