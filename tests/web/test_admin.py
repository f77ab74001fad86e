"""Admin actions on the status page: pause and resume a portal, POST only, admins only, CSRF-checked.

Logins come from a real users file (PORTALWATCH_WEB_USERS, hashes made by web/auth.py) or the shared
password; every request goes over HTTP on 127.0.0.1 to the app the daemon serves.
"""

from __future__ import annotations

import asyncio
import base64
import re
from html import unescape

import pytest
from aiohttp.test_utils import TestClient, TestServer

from crawler.config import Settings, settings_error
from storage import repositories as repo
from storage.db import transaction
from storage.models import Portal
from tests.web.support import PageDaemon, add_portal, seeded
from web.auth import hash_password

ADMIN, VIEWER = ("an", "mật khẩu của An"), ("binh", "mật khẩu của Bình")
# A portal whose name and id would break out of an attribute or a tag if they were not escaped.
EVIL_ID, EVIL_NAME = 'x"><script>alert(1)</script>', 'Cổng "lạ" <script>alert(2)</script> & <b>'


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def factory(db_factory):
    def build(session):
        add_portal(session, "laocai", "Cổng TTĐT tỉnh Lào Cai", "Lào Cai")
        add_portal(session, EVIL_ID, EVIL_NAME, "Hà Giang")

    seeded(db_factory, build)
    return db_factory


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "users"
    path.write_text(f"# web logins\n{ADMIN[0]}:admin:{hash_password(ADMIN[1])}\n\n{VIEWER[0]}:viewer:{hash_password(VIEWER[1])}\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def settings(users_file, monkeypatch):
    monkeypatch.setenv("PORTALWATCH_WEB_USERS", str(users_file))
    monkeypatch.delenv("PORTALWATCH_WEB_PASSWORD", raising=False)
    return Settings()


class Browser:
    """One client (its own cookie jar) with a login."""

    def __init__(self, client: TestClient, login: tuple[str, str] | None):
        self.client, self.headers = client, basic(*login) if login else {}

    async def get(self, path: str):
        answer = await self.client.get(path, headers=self.headers)
        return answer.status, await answer.text()

    async def post(self, path: str, data: dict):
        answer = await self.client.post(path, data=data, headers=self.headers, allow_redirects=False)
        return answer.status, await answer.text(), answer.headers


def session(factory, settings, scenario):
    """Run ``scenario(make_browser)`` against the app over HTTP on 127.0.0.1."""
    from web.app import build_app

    async def go():
        server = TestServer(build_app(PageDaemon(factory, settings)), host="127.0.0.1")
        clients = []

        async def browser(login):
            client = TestClient(server)  # one server; each client its own cookie jar (a browser)
            await client.start_server()
            clients.append(client)
            return Browser(client, login)

        try:
            return await scenario(browser)
        finally:
            for client in reversed(clients):
                await client.close()

    return asyncio.run(go())


def forms(page: str) -> list[dict]:
    """Every pause/resume form on the page: its action and hidden fields, unescaped as a browser reads them."""
    out = []
    for action, body in re.findall(r'<form class="portal-action" method="post" action="([^"]+)">(.*?)</form>', page, re.S):
        fields = {unescape(n): unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body)}
        out.append({"action": unescape(action), **fields})
    return out


def paused(factory) -> set[str]:
    with transaction(factory) as s:
        return repo.paused_portal_ids(s)


def test_login_is_required(factory, settings):
    async def scenario(browser):
        anonymous, wrong = await browser(None), await browser((ADMIN[0], "sai"))
        results = [await anonymous.get("/trang-thai"), await wrong.get("/trang-thai"),
                   (await anonymous.post("/trang-thai/tam-dung", {"portal": "laocai"}))[:2]]
        return results

    results = session(factory, settings, scenario)
    assert [status for status, _ in results] == [401, 401, 401]
    assert paused(factory) == set()


def test_admin_pauses_and_resumes_through_the_form(factory, settings):
    async def scenario(browser):
        admin = await browser(ADMIN)
        status, page = await admin.get("/trang-thai")
        assert status == 200
        found = {f["portal"]: f for f in forms(page)}
        assert set(found) == {"laocai", EVIL_ID} and all(f["action"] == "/trang-thai/tam-dung" for f in found.values())
        form = found["laocai"]
        answer = await admin.post(form["action"], {"portal": form["portal"], "csrf": form["csrf"]})
        assert answer[0] == 303 and answer[2]["Location"] == "/trang-thai"
        assert paused(factory) == {"laocai"}  # what the scheduler reads before each cycle
        status, page = await admin.get("/trang-thai")
        again = {f["portal"]: f for f in forms(page)}
        assert again["laocai"]["action"] == "/trang-thai/tiep-tuc" and "1 cổng tạm dừng" in page
        assert re.search(r'<p id="paused" class="muted">Đang tạm dừng thu thập: <a href="#portal-laocai">Cổng TTĐT tỉnh Lào Cai</a>', page)
        answer = await admin.post("/trang-thai/tiep-tuc", {"portal": "laocai", "csrf": again["laocai"]["csrf"]})
        assert answer[0] == 303 and paused(factory) == set()
        # A portal that is not there: a page saying so, nothing changed.
        answer = await admin.post("/trang-thai/tam-dung", {"portal": "khong-co", "csrf": form["csrf"]})
        assert answer[0] == 404 and "khong-co" in answer[1]
        # GET does not change anything.
        status, _ = await admin.get("/trang-thai/tam-dung?portal=laocai&csrf=" + form["csrf"])
        assert status == 405 and paused(factory) == set()

    session(factory, settings, scenario)


def test_csrf_token_missing_wrong_or_from_another_session(factory, settings):
    async def scenario(browser):
        admin, other = await browser(ADMIN), await browser(ADMIN)
        _, page = await admin.get("/trang-thai")
        token = forms(page)[0]["csrf"]
        _, other_page = await other.get("/trang-thai")
        other_token = forms(other_page)[0]["csrf"]
        assert other_token != token  # per session: another browser of the same login has its own
        answers = [
            await admin.post("/trang-thai/tam-dung", {"portal": "laocai"}),
            await admin.post("/trang-thai/tam-dung", {"portal": "laocai", "csrf": ""}),
            await admin.post("/trang-thai/tam-dung", {"portal": "laocai", "csrf": token[:-1] + ("0" if token[-1] != "0" else "1")}),
            await admin.post("/trang-thai/tam-dung", {"portal": "laocai", "csrf": other_token}),
            await admin.post("/trang-thai/tam-dung", {"portal": "laocai", "csrf": "é" * 64}),
        ]
        for status, text, _ in answers:
            assert status == 403 and "Phiên làm việc không hợp lệ" in text
        assert paused(factory) == set()
        status, _, _ = await admin.post("/trang-thai/tam-dung", {"portal": "laocai", "csrf": token})
        assert status == 303 and paused(factory) == {"laocai"}

    session(factory, settings, scenario)


def test_viewer_sees_no_buttons_and_may_not_post(factory, settings):
    async def scenario(browser):
        admin, viewer = await browser(ADMIN), await browser(VIEWER)
        _, admin_page = await admin.get("/trang-thai")
        token = forms(admin_page)[0]["csrf"]
        status, page = await viewer.get("/trang-thai")
        assert status == 200 and forms(page) == [] and "<form" not in page and "Quản trị" not in page
        assert "Cổng TTĐT tỉnh Lào Cai" in page
        for data in ({"portal": "laocai"}, {"portal": "laocai", "csrf": token}):
            status, text, _ = await viewer.post("/trang-thai/tam-dung", data)
            assert status == 403 and "chỉ được xem" in text
        assert paused(factory) == set()

    session(factory, settings, scenario)


def test_shared_password_is_an_admin_and_no_login_changes_nothing(factory, users_file, monkeypatch):
    monkeypatch.setenv("PORTALWATCH_WEB_PASSWORD", "mật khẩu chung 2026")
    monkeypatch.setenv("PORTALWATCH_WEB_USERS", str(users_file))
    both = Settings()

    async def with_password(browser):
        shared = await browser(("bat-ky-ai", "mật khẩu chung 2026"))
        _, page = await shared.get("/trang-thai")
        form = forms(page)[0]
        status, _, _ = await shared.post(form["action"], {"portal": form["portal"], "csrf": form["csrf"]})
        viewer = await browser(VIEWER)  # the users file works beside the password
        return status, (await viewer.get("/trang-thai"))[0]

    assert session(factory, both, with_password) == (303, 200)
    assert len(paused(factory)) == 1

    monkeypatch.delenv("PORTALWATCH_WEB_PASSWORD")
    monkeypatch.delenv("PORTALWATCH_WEB_USERS")
    nobody = Settings()

    async def open_pages(browser):
        anyone = await browser(None)
        status, page = await anyone.get("/trang-thai")
        posted = await anyone.post("/trang-thai/tiep-tuc", {"portal": next(iter(paused(factory))), "csrf": "x"})
        return status, forms(page), posted[:2]

    status, found, (post_status, text) = session(factory, nobody, open_pages)
    assert status == 200 and found == [] and post_status == 403 and "chưa bật đăng nhập" in text
    assert len(paused(factory)) == 1


def test_portal_names_and_ids_are_escaped_in_the_forms(factory, settings):
    async def scenario(browser):
        admin = await browser(ADMIN)
        _, page = await admin.get("/trang-thai")
        assert "<script>" not in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page
        evil = next(f for f in forms(page) if f["portal"] == EVIL_ID)  # the id round-trips through the form intact
        assert 'title="Tạm dừng thu thập Cổng &#34;lạ&#34; &lt;script&gt;' in page
        status, _, _ = await admin.post(evil["action"], {"portal": evil["portal"], "csrf": evil["csrf"]})
        assert status == 303 and paused(factory) == {EVIL_ID}
        _, page = await admin.get("/trang-thai")
        assert "<script>" not in page and 'id="portal-x&#34;&gt;&lt;script&gt;' in page

    session(factory, settings, scenario)


def test_paused_from_the_web_is_paused_for_the_bot(factory, settings):
    """The bot's /pause and the page call the same storage function: either one undoes the other."""
    with transaction(factory) as s:
        assert repo.set_paused(s, "laocai", True).id == "laocai"
        assert repo.set_paused(s, "khong-co", True) is None

    async def scenario(browser):
        admin = await browser(ADMIN)
        _, page = await admin.get("/trang-thai")
        form = {f["portal"]: f for f in forms(page)}["laocai"]
        assert form["action"] == "/trang-thai/tiep-tuc"
        return (await admin.post(form["action"], {"portal": "laocai", "csrf": form["csrf"]}))[0]

    assert session(factory, settings, scenario) == 303
    with transaction(factory) as s:
        assert s.get(Portal, "laocai").paused is False


def test_users_file_settings_errors_name_the_setting_and_line(tmp_path, monkeypatch):
    bad = tmp_path / "users"
    bad.write_text(f"an:admin:{hash_password('mật khẩu dài')}\nbinh:owner:{hash_password('mật khẩu dài')}\n", encoding="utf-8")
    cases = {
        bad: f"PORTALWATCH_WEB_USERS: {bad} line 2: role must be admin or viewer, not 'owner'",
        tmp_path / "no" / "users": "PORTALWATCH_WEB_USERS: ",
        tmp_path: "is a folder",
    }
    for path, expected in cases.items():
        monkeypatch.setenv("PORTALWATCH_WEB_USERS", str(path))
        with pytest.raises(ValueError) as caught:
            Settings()
        line = settings_error(caught.value)
        assert "\n" not in line and line.startswith("PORTALWATCH_WEB_USERS: ") and expected in line
        assert "scrypt$" not in line
    bad.write_text("an:admin:plain-password\n", encoding="utf-8")
    monkeypatch.setenv("PORTALWATCH_WEB_USERS", str(bad))
    with pytest.raises(ValueError) as caught:
        Settings()
    line = settings_error(caught.value)
    assert "line 1" in line and "plain-password" not in line
    # A file not made yet in a folder that exists: no named logins, and `web-user add` may create it.
    monkeypatch.setenv("PORTALWATCH_WEB_USERS", str(tmp_path / "later"))
    assert Settings().web_users == tmp_path / "later"
