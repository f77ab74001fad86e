"""The generic path on markup no family describes: small pages, one behaviour each."""

from __future__ import annotations

import logging

from crawler.extract import extract

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
TITLE = "Tiếp đoàn công tác của tỉnh Vân Nam"
PARAGRAPHS = [
    f"Đoạn {i}: ngày 5/3/2019, tỉnh đã tổ chức nhiều hoạt động giao lưu hữu nghị với các địa phương của Trung Quốc và Lào, "
    f"góp phần thực hiện Chỉ thị 04-CT/TW ngày 06/7/2011 về công tác đối ngoại nhân dân."
    for i in range(1, 7)
]
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def page(head: str = "", before: str = "", after: str = "", body: str = BODY, title_tag: str = TITLE) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title_tag}</title>{head}</head><body>"
        f"<div class='main'><h1>{TITLE}</h1>{before}<div class='news-body'>{body}</div>{after}</div></body></html>"
    )


def test_no_date_on_the_page_means_no_date_even_when_the_body_quotes_dates():
    related = "<div class='other'><h3>Các tin khác</h3><ul><li><a href='/1'>Hội nghị tổng kết công tác đối ngoại năm 2022 của tỉnh</a> (01/02/2023)</li></ul></div>"
    result = extract(page(after=related))
    assert result.rejected is None
    assert result.published_at is None


def test_a_logo_headline_is_not_the_title():
    html = page(title_tag=f"Cổng thông tin điện tử tỉnh Hà Giang - {TITLE}").replace(
        "<div class='main'><h1>", "<div id='top'><h1>Cổng thông tin điện tử tỉnh Hà Giang</h1></div><div class='main'><h2 class='news-title'>"
    ).replace(f"{TITLE}</h1>", f"{TITLE}</h2>", 1)
    assert extract(html, url="https://hagiang.gov.vn/tin/1.html").title == TITLE


def test_a_labelled_date_line_under_the_article():
    result = extract(page(after="<div class='ngaydang'>Ngày đăng: 12/05/2023 09:15</div>"))
    assert result.as_json()["published_at"] == "2023-05-12T09:15:00+07:00"


def test_an_unlabelled_date_under_the_article_is_not_the_publication_date():
    assert extract(page(after="<div class='x'>12/05/2023</div>")).published_at is None


def test_the_date_line_beats_a_modified_time_in_metadata():
    head = "<meta property='article:published_time' content='2023-05-20T08:00:00+07:00'>"
    result = extract(page(head=head, before="<div class='time'>12/05/2023 09:15</div>"))
    assert result.as_json()["published_at"] == "2023-05-12T09:15:00+07:00"


def test_related_headlines_spliced_into_the_body_are_dropped():
    spliced = "<p><a href='/a'>Hội nghị tổng kết công tác đối ngoại năm 2022 của tỉnh</a></p><p>Xem thêm: <a href='/b'>Tỉnh tiếp Đại sứ Lào tại Việt Nam nhân dịp đầu xuân</a></p>"
    result = extract(page(body=PARAGRAPHS[0].join(["<p>", "</p>"]) + spliced + BODY))
    assert "Hội nghị tổng kết" not in result.text and "Đại sứ Lào" not in result.text
    assert result.paragraphs[0] == PARAGRAPHS[0]


def test_inline_links_inside_sentences_stay():
    body = BODY.replace("Chỉ thị 04-CT/TW", "<a class='cms-relate' href='/tag'>Chỉ thị 04-CT/TW</a>")
    assert extract(page(body=body)).paragraphs == PARAGRAPHS


def test_captions_are_kept_apart_and_never_in_the_text():
    caption = "Lãnh đạo tỉnh tiếp đoàn công tác của tỉnh Vân Nam. Ảnh: Minh Anh"
    figures = (
        f"<figure><img src='/1.jpg'><figcaption>{caption}</figcaption></figure>"
        f"<p style='text-align:center'><img src='/2.jpg'></p><p style='text-align:center'><em>Quang cảnh buổi làm việc</em></p>"
    )
    result = extract(page(body=BODY[:200] + BODY[200:].replace("<p>", figures + "<p>", 1)))
    assert caption in result.captions and "Quang cảnh buổi làm việc" in result.captions
    assert caption not in result.text and "Quang cảnh buổi làm việc" not in result.text


def test_the_signature_is_the_author_and_leaves_the_text():
    signature = "<p style='text-align:right'><strong>Lan Anh</strong></p><p style='text-align:right'><em>Trung tâm Thông tin tỉnh</em></p>"
    result = extract(page(body=BODY + signature))
    assert result.author == "Lan Anh"
    assert result.paragraphs[-1] == PARAGRAPHS[-1]


def test_a_dateline_paragraph_is_the_lead():
    lead = "HG - Sáng 12/5, đồng chí Chủ tịch UBND tỉnh đã tiếp và làm việc với đoàn công tác của tỉnh Vân Nam (Trung Quốc)."
    result = extract(page(body=f"<p>{lead}</p>" + BODY))
    assert result.lead == lead
    assert result.paragraphs[0] == PARAGRAPHS[0]
