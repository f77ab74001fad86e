"""A reader in Chromium subscribes without Telegram: signs up on /dang-ky, opens the confirmation link
from the captured e-mail, changes the rules on the manage page; then an alert e-mail's one-click
unsubscribe is POSTed as a mail client does it. The database is checked after each step."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from crawler.alerts import make_email_channel
from monitor.alerting.sender import ConsoleDelivery, Sender
from storage import outbox, subscribers
from storage.db import transaction
from storage.models import Alert, Signup, Subscriber
from tests.fakes.smtp_server import SmtpServer
from tests.support.browser import launch_chromium
from tests.support.channels import REASON, articles, run_sender
from tests.web.subscribe_support import links_in, settings_for
from tests.web.support import LiveServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ADDRESS = "hoa.le@example.vn"


def state(factory) -> dict | None:
    with transaction(factory) as session:
        channel = subscribers.get_channel(session, "email", ADDRESS)
        if channel is None:
            return None
        subscriber = session.get(Subscriber, channel.subscriber_id)
        return {"channel": channel.active, "active": subscriber.active, "defaults": subscriber.follows_defaults,
                "digest": subscriber.digest_time, "keywords": sorted(r.name for r in subscribers.rules_of(session, subscriber)),
                "subscriber_id": subscriber.id}


def test_subscribe_confirm_manage_and_one_click_unsubscribe_in_chromium(sqlite_url):
    from playwright.sync_api import sync_playwright

    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    factory = session_factory(engine)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with SmtpServer() as smtp:
            server = LiveServer(factory)
            settings = settings_for(smtp.url, public_url=server.url)
            server.daemon.settings = settings
            with server, sync_playwright() as p:
                browser = launch_chromium(p)
                try:
                    page = browser.new_page(viewport={"width": 1100, "height": 900})
                    page.goto(server.url + "/", wait_until="load", timeout=30000)
                    page.click("nav >> text=Đăng ký nhận tin")
                    page.wait_for_url("**/dang-ky")
                    page.fill("input[name=email]", ADDRESS)
                    page.fill("textarea[name=keywords]", "đối ngoại nhân dân\n~dai su")
                    page.check("input[name=digest][value=daily]")
                    page.fill("input[name=digest_at]", "06:30")
                    assert page.is_checked("input[name=defaults]")
                    page.screenshot(path=str(ARTIFACTS / "dang-ky.png"), full_page=True)
                    page.click("button:has-text('Gửi thư xác nhận')")
                    page.wait_for_load_state("load")
                    assert page.locator("#heading").inner_text() == "Đã gửi thư xác nhận"
                    assert state(factory) is None
                    with transaction(factory) as session:
                        assert session.scalar(select(func.count(Signup.id))) == 1

                    [mail] = smtp.to(ADDRESS)
                    [link] = [u for u in links_in(mail.message.get_body(("plain",)).get_content()) if "/xac-nhan?" in u]
                    assert link.startswith(server.url + "/xac-nhan?token=")
                    page.goto(link, wait_until="load")
                    assert "đối ngoại nhân dân, ~dai su" in page.locator("#wanted").inner_text()
                    assert state(factory) is None  # opening the link only asks
                    page.click("button:has-text('Xác nhận đăng ký')")
                    page.wait_for_url("**/quan-ly?*")
                    assert "Đã xác nhận đăng ký" in page.locator("#done").inner_text()
                    assert page.locator("#address").inner_text() == ADDRESS
                    confirmed = state(factory)
                    assert confirmed | {"subscriber_id": 0} == {
                        "channel": True, "active": True, "defaults": True, "digest": "06:30",
                        "keywords": ["~dai su", "đối ngoại nhân dân"], "subscriber_id": 0}

                    page.fill("textarea[name=keywords]", "Campuchia\nđối ngoại nhân dân")
                    page.uncheck("input[name=defaults]")
                    page.check("input[name=digest][value=instant]")
                    page.click("button:has-text('Lưu thay đổi')")
                    page.wait_for_url("**xong=luu*")
                    assert page.locator("#done").inner_text() == "Đã lưu thay đổi."
                    assert page.locator("textarea[name=keywords]").input_value() == "đối ngoại nhân dân\nCampuchia"  # kept first, then the new
                    assert not page.is_checked("input[name=defaults]") and page.is_checked("input[name=digest][value=instant]")
                    changed = state(factory)
                    assert changed == confirmed | {"defaults": False, "digest": None, "keywords": ["Campuchia", "đối ngoại nhân dân"]}
                    page.screenshot(path=str(ARTIFACTS / "quan-ly.png"), full_page=True)

                    # An alert e-mail, sent by the sender through the same settings' e-mail channel.
                    with transaction(factory) as session:
                        [article_id] = articles(session, 1)
                        outbox.queue_alert(session, session.get(Subscriber, changed["subscriber_id"]), article_id, [REASON])
                    sender = Sender(factory, ConsoleDelivery(), transports={"email": make_email_channel(settings, factory)})
                    # Playwright's sync API holds this thread's event loop: the sender runs in a thread of its own.
                    worker = threading.Thread(target=run_sender, args=(sender, factory))
                    worker.start()
                    worker.join(60)
                    alert = smtp.to(ADDRESS)[-1].message
                    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
                    one_click = alert["List-Unsubscribe"].split(",")[0].strip("<> ")
                    assert one_click.startswith(server.url + "/huy-dang-ky?token=")
                    [manage] = [u for u in links_in(alert.get_body(("plain",)).get_content()) if "/quan-ly?" in u]

                    # The mail client's button: a bare POST, no cookies, no form token.
                    request = urllib.request.Request(one_click, data=b"List-Unsubscribe=One-Click", method="POST",
                                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
                    with urllib.request.urlopen(request, timeout=10) as response:
                        assert response.status == 200
                    assert state(factory) | {"subscriber_id": 0} == changed | {"channel": False, "active": False, "subscriber_id": 0}
                    with transaction(factory) as session:
                        assert session.scalars(select(Alert.status)).all() == ["sent"]
                    with urllib.request.urlopen(request, timeout=10) as response:  # again: still fine
                        assert response.status == 200

                    page.goto(manage, wait_until="load")
                    assert page.locator("#inactive").inner_text() == "Địa chỉ này hiện không nhận thư cảnh báo."
                finally:
                    browser.close()
    finally:
        engine.dispose()
    assert (ARTIFACTS / "dang-ky.png").stat().st_size > 20_000
