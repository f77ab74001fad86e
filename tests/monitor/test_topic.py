from monitor.analysis import Monitor
from monitor.topic import FOREIGN_AFFAIRS

MONITOR = Monitor()


def test_a_reception_is_foreign_affairs_and_says_why():
    topic = MONITOR.analyse(
        "Chủ tịch UBND tỉnh tiếp Đại sứ Nhật Bản\n"
        "Hai bên trao đổi về hợp tác quốc tế và nguồn vốn ODA cho tỉnh."
    ).topic
    assert topic.label == FOREIGN_AFFAIRS
    assert {"đại sứ", "hợp tác quốc tế"} <= set(topic.terms)
    assert topic.as_json()["label"] == "doi-ngoai"


def test_world_news_naming_many_countries_is_not_foreign_affairs():
    topic = MONITOR.analyse(
        "Giá dầu tăng khi Mỹ, Trung Quốc, Nhật Bản, Hàn Quốc, Ấn Độ và Thái Lan tăng dự trữ. "
        "Các nước xuất khẩu ở Trung Đông như Qatar, Iraq giảm sản lượng."
    ).topic
    assert topic.label is None
    assert topic.score < 10


def test_domestic_news_scores_nothing():
    topic = MONITOR.analyse("UBND tỉnh khởi công nâng cấp Quốc lộ 279 và trường học tại huyện Mường Tè.").topic
    assert (topic.label, topic.score, topic.terms) == (None, 0, [])


def test_a_long_page_mentioning_foreign_affairs_in_passing_is_not_about_it():
    paragraph = "Sở có chức năng quản lý báo chí, xuất bản, bưu chính, viễn thông, công nghệ thông tin. " * 12
    mention = "Sở Ngoại vụ tham mưu về thông tin đối ngoại và hợp tác quốc tế."
    short = MONITOR.analyse(mention).topic
    long = MONITOR.analyse(paragraph * 8 + mention).topic
    assert short.label == FOREIGN_AFFAIRS
    assert long.label is None and long.score < short.score


def test_headline_terms_count_double():
    in_headline = MONITOR.analyse("Hữu nghị Việt - Lào\nBài viết về văn hóa.").topic
    in_body = MONITOR.analyse("Bài viết về văn hóa\nHữu nghị Việt - Lào.").topic
    assert in_headline.score == in_body.score + 4
