"""The chrome vocabulary recognises variants of each kind of chrome, and leaves article sentences alone."""

from __future__ import annotations

import pytest

from crawler.extract.boilerplate import DATELINE, chrome_token, is_boilerplate, starts_tail
from crawler.extract.names import names


@pytest.mark.parametrize(
    "line",
    [
        "Lượt xem: 1.234", "Lượt xem 12", "Số lượt xem: 5", "1234 lượt xem", "Đã xem: 88", "Views: 310", "12", "1.024",
        "Cỡ chữ: A A A", "A- A A+", "Tăng cỡ chữ | Giảm cỡ chữ", "In bài viết | Gửi email | Chia sẻ", "In trang", "Gửi bài cho bạn bè",
        "In bài viết | Gửi email | Về đầu trang", "[In bài viết] [Gửi email] [Về đầu trang]", "Bản in | Gửi bài viết | Lên đầu trang",
        "| In bài viết \\| Gửi email \\| Về đầu trang |",
        "Chia sẻ qua facebook", "Lưu bài", "Sao chép liên kết", "Về đầu trang", "| Lên đầu trang |", "Quay lại", "Trở về trang trước",
        "Tin cùng chuyên mục:", "Các tin khác", "Những tin mới hơn", "Bài viết liên quan", "Tin đã đưa", "Tin đọc nhiều nhất",
        "Xem thêm:", "Đọc thêm", "Tham khảo thêm", "Other news", "Related articles",
        "Từ khóa: đối ngoại, biên giới", "Tags: ngoại giao",
        "Bình luận", "Gửi bình luận", "Ý kiến bạn đọc", "Bình luận (12)", "Leave a comment", "Please enter your comment!",
        "Hiện chưa có bình luận nào, hãy là người đầu tiên bình luận", "Họ và tên *", "Mã xác nhận:",
        "Đăng nhập", "Đăng ký", "Thống kê truy cập", "Đang online: 37", "Hôm qua: 1.520", "Tổng số lượt truy cập: 2.345.678",
        "Thăm dò ý kiến", "Bình chọn", "Xem kết quả", "Liên kết website", "Sơ đồ cổng", "Đường dây nóng",
        "© 2021 Báo Thừa Thiên Huế", "Bản quyền thuộc Sở Ngoại vụ", "Giấy phép số: 123/GP-BTTTT", "Tổng biên tập: Nguyễn Văn A",
        "Chịu trách nhiệm chính: Chánh Văn phòng", "Ghi rõ nguồn “Cổng thông tin điện tử” khi phát hành lại thông tin",
        "Quảng cáo", "Tải ứng dụng:", "Theo dõi Báo trên Google News",
        "16/11/2015 - 20:10", "Thứ Tư, 10/06/2020 15:20", "Cập nhật: 08:40 07/03/2026", "Ngày đăng: 22/04/2021",
        "PublishingPortal - Block_BanTin_Toolbar", "SiteBlock_TinTuc", "Nam miền Bắc", "0:00 / 3:12",
    ],
)
def test_chrome_lines(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Về thành tựu công tác đối ngoại nhân dân",
        "Về hoạt động giao lưu nhân dân: từ năm 2011 đến nay, Liên hiệp các tổ chức hữu nghị tỉnh đã tổ chức 30 hoạt động.",
        "Kết quả công tác đối ngoại nhân dân từ năm 2011 đến nay",
        "Tìm kiếm giải pháp nâng cao hiệu quả hợp tác với các địa phương của Lào",
        "Cập nhật tình hình thực hiện Chỉ thị 04-CT/TW tại các huyện biên giới",
        "Bản quyền tác giả là vấn đề được hội nghị dành nhiều thời gian thảo luận.",
        "Trở lại với câu chuyện của đồng chí Bí thư Tỉnh ủy, người đã nói rằng.",
        "Thứ nhất, triển khai mạnh mẽ chiến lược ứng dụng và tích cực hội nhập quốc tế.",
        "Hoa nhập khẩu thiếu hàng",
        "Ngày 17/11/1950 đã được Đảng và Nhà nước xác định là ngày truyền thống Đối ngoại nhân dân.",
        "Hương Lan",
        "In ấn tài liệu tuyên truyền về chủ quyền biên giới", "Top 10 điểm đến của du khách Trung Quốc năm 2017",
    ],
)
def test_article_lines(line):
    assert not is_boilerplate(line)


def test_tail_markers_are_section_headings_not_sentences():
    assert starts_tail("Tin liên quan")
    assert starts_tail("LEAVE A REPLY")
    assert not starts_tail("Tin liên quan đến vụ việc đã được cơ quan chức năng xác minh và công bố trong ngày.")


@pytest.mark.parametrize("names_attr", ["related-news", "box-tinlienquan", "tin-cung-chuyen-muc", "comment-respond", "td-post-views", "social-share", "adsMobile_AdsArticleMiddle", "poll-box", "thong-ke-truy-cap"])
def test_chrome_class_names(names_attr):
    assert chrome_token(names_attr)


@pytest.mark.parametrize("names_attr", ["article__body", "detail-content", "content-detail", "cms-body", "td-post-content", "unrelated"])
def test_content_class_names(names_attr):
    assert not chrome_token(names_attr)


@pytest.mark.parametrize("lead", ["(Mặt trận) - Lai Châu là tỉnh", "(PLO)- Phó Bí thư", "TTH - Nhân 65 năm", "(Chinhphu.vn) - Tháng 3/2026", "TTXVN - Sáng 5/3"])
def test_datelines_open_leads(lead):
    assert DATELINE.match(lead)


@pytest.mark.parametrize(
    "byline, expected",
    [
        ("Minh Quý (thực hiện)", ["Minh Quý"]),
        ("Theo Hồ Hương", ["Hồ Hương"]),
        ("THUẬN VĂN - LÊ ÁNH", ["THUẬN VĂN", "LÊ ÁNH"]),
        ("NHẬT XUÂN;NGHI VŨ", ["NHẬT XUÂN", "NGHI VŨ"]),
        ("Nguyên Minh - 07/03/2026 08:47", ["Nguyên Minh"]),
        ("Nông Văn Chấn, Giám đốc Sở Ngoại vụ", ["Nông Văn Chấn"]),
        ("Bài và ảnh: Lê Phương", ["Lê Phương"]),
        ("Hà Thu (tổng hợp)", ["Hà Thu"]),
        ("admin admin", []),
        ("Ban biên tập", []),
        ("Hà Nội, ngày 5 tháng 3 năm 2026", []),
        ("Xem các bài viết của tác giả", []),
        ("Phó Trưởng khoa Lý luận Mác - Leenin, Trường Chính trị tỉnh Lai Châu", []),
    ],
)
def test_bylines(byline, expected):
    assert names(byline) == expected


@pytest.mark.parametrize("site_name, host", [("Baochinhphu Vn", "baochinhphu.vn"), ("Dân Trí", "dantri.com.vn"), ("TUOI TRE ONLINE", "tuoitre.vn"), ("VietNamNet News", "vietnamnet.vn")])
def test_site_names_are_not_authors(site_name, host):
    assert names(site_name, (host, host.split(".")[0])) == []
