"""PORTALWATCH_WEB_PASSWORD: every page asks for it, except /healthz, /metrics and the pages reached
from links in e-mails (they check their own signed token; tests/web/test_subscribe.py) with their style sheet."""

from __future__ import annotations

import base64

import pytest

from crawler.config import Settings
from tests.web.support import fetch

PAGES = ("/", "/trang-thai", "/van-ban/", "/doan/", "/tim-kiem.csv", "/bai-viet/1", "/dang-ky", "/khong-co")


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def settings(monkeypatch):
    monkeypatch.setenv("PORTALWATCH_WEB_PASSWORD", "mật khẩu 2026")
    return Settings()


def test_pages_need_the_password(db_factory, settings):
    for status, page, headers in fetch(db_factory, *PAGES, settings=settings):
        assert status == 401 and headers["WWW-Authenticate"].startswith("Basic") and "Cần đăng nhập" in page
    for status, _, _ in fetch(db_factory, *PAGES, settings=settings, headers=basic("analyst", "sai")):
        assert status == 401
    for status, _, _ in fetch(db_factory, *PAGES, settings=settings, headers={"Authorization": "Basic !!!"}):
        assert status == 401
    answers = fetch(db_factory, *PAGES, settings=settings, headers=basic("analyst", "mật khẩu 2026"))
    assert [a[0] for a in answers] == [200, 200, 200, 200, 200, 404, 200, 404]
    assert "Hiện chưa thể đăng ký" in answers[-2][1]  # no SMTP server in these settings
    assert "Không có trang này" in answers[-1][1]


def test_health_and_metrics_stay_open(db_factory, settings):
    assert [a[0] for a in fetch(db_factory, "/healthz", "/metrics", "/static/style.css", settings=settings)] == [200, 200, 200]


def test_no_password_no_login(db_factory, monkeypatch):
    monkeypatch.setenv("PORTALWATCH_WEB_PASSWORD", "")
    settings = Settings()
    assert settings.web_password is None and settings.public_dict()["web_password"] is None
    assert [a[0] for a in fetch(db_factory, "/", "/trang-thai", settings=settings)] == [200, 200]


def test_password_is_not_shown(settings):
    assert settings.public_dict()["web_password"] == "***"
