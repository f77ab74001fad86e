"""Self-service e-mail subscription (issue 16 item 4): /dang-ky with double opt-in, /xac-nhan,
/quan-ly and the one-click /huy-dang-ky, over a real database (SQLite, and PostgreSQL when configured)
and a real SMTP server on 127.0.0.1 whose captured mails are parsed with the ``email`` package."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest
from aiohttp import FormData
from sqlalchemy import func, select

from monitor.alerting import tokens
from storage import subscribers
from storage.db import transaction
from storage.models import Alert, AlertDelivery, Channel, Rule, Signup, Subscriber
from tests.fakes.smtp_server import SmtpServer
from tests.web.subscribe_support import (
    KEY, MAIL_FROM, PUBLIC_URL, Pages, answer, form_token, links_in, local, settings_for,
)

ADDRESS = "lan.tran@example.vn"


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def pages(db_factory, smtp):
    return Pages(db_factory, settings_for(smtp.url))


def textarea(page: str) -> str:
    import html
    import re

    return html.unescape(re.search(r'<textarea[^>]*name="keywords"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def rows(factory, model) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).select_from(model))


def subscriber_state(factory, address: str = ADDRESS) -> dict | None:
    with transaction(factory) as session:
        channel = subscribers.get_channel(session, "email", address)
        if channel is None:
            return None
        subscriber = session.get(Subscriber, channel.subscriber_id)
        return {
            "channel_id": channel.id, "channel_active": channel.active, "active": subscriber.active,
            "keywords": sorted(r.name for r in subscribers.rules_of(session, subscriber)),
            "defaults": subscriber.follows_defaults, "digest": subscriber.digest_time,
        }


async def sign_up(client, email=ADDRESS, keywords="", defaults=True, digest="instant", digest_at="07:00", token=None):
    if token is None:
        token = form_token(await (await client.get("/dang-ky")).text())
    data = {"form_token": token, "email": email, "keywords": keywords, "digest": digest, "digest_at": digest_at}
    if defaults:
        data["defaults"] = "1"
    return await answer(await client.post("/dang-ky", data=data, allow_redirects=False))


def confirm_link(smtp, address=ADDRESS, index=-1) -> str:
    mail = smtp.to(address)[index].message
    [link] = [u for u in links_in(mail.get_body(("plain",)).get_content()) if "/xac-nhan?" in u]
    assert f'href="{link}"' in mail.get_body(("html",)).get_content().replace("&amp;", "&")
    return link


def test_sign_up_confirm_twice_then_manage_and_unsubscribe(db_factory, smtp, pages):
    async def steps(client):
        status, page, headers = await answer(await client.get("/dang-ky"))
        assert status == 200 and "Đăng ký nhận tin qua thư điện tử" in page and 'class="active">Đăng ký nhận tin' in page
        assert headers["Cache-Control"] == "no-store"
        # A keyword typed in NFD (as some keyboards send it) is stored NFC.
        status, page, _ = await sign_up(client, email=" Lan.Tran@Example.VN ", keywords="đối ngoại nhân dân\n~dai su\n\nLa\u0300o",
                                        digest="daily", digest_at="06:30")
        assert status == 200 and "Đã gửi thư xác nhận" in page
        assert subscriber_state(db_factory) is None and rows(db_factory, Subscriber) == 0  # nothing before the link

        [mail] = smtp.to(ADDRESS)
        message = mail.message
        assert message["Subject"] == "Xác nhận đăng ký nhận cảnh báo portalwatch"
        assert message["From"].addresses[0].addr_spec == MAIL_FROM and message["To"] == ADDRESS
        plain = message.get_body(("plain",)).get_content()
        assert "Từ khóa: đối ngoại nhân dân, ~dai su, Lào" in plain and "lúc 06:30" in plain and "văn bản chỉ đạo mới" in plain
        link = confirm_link(smtp)
        assert link.startswith(PUBLIC_URL + "/xac-nhan?token=")
        assert "List-Unsubscribe" not in message  # not a list mail until confirmed

        # Opening the link asks (mail scanners open every link); the button subscribes.
        status, page, _ = await answer(await client.get(local(link)))
        assert status == 200 and "Xác nhận đăng ký" in page and ADDRESS in page and "Từ khóa: đối ngoại nhân dân, ~dai su, Lào" in page
        assert subscriber_state(db_factory) is None
        response = await client.post(local(link), data={"form_token": form_token(page, "confirm")}, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/quan-ly?token=")
        manage = response.headers["Location"]
        state = subscriber_state(db_factory)
        assert state == {"channel_id": state["channel_id"], "channel_active": True, "active": True,
                         "keywords": ["Lào", "~dai su", "đối ngoại nhân dân"], "defaults": True, "digest": "06:30"}
        # A second click (and a second POST) changes nothing and still opens the manage page.
        again = await client.post(local(link), data={"form_token": form_token(page, "confirm")}, allow_redirects=False)
        assert again.status == 303
        status, page, _ = await answer(await client.get(local(link)))
        assert status == 200 and "đã được xác nhận" in page
        assert subscriber_state(db_factory) == state and rows(db_factory, Channel) == 1 and rows(db_factory, Rule) == 3

        # The manage page: keywords, defaults, digest.
        status, page, _ = await answer(await client.get(manage))
        assert status == 200 and "Đã xác nhận đăng ký" in page and ADDRESS in page
        assert textarea(page).splitlines() == ["đối ngoại nhân dân", "~dai su", "Lào"]
        token = form_token(page, "manage")
        response = await client.post(manage.split("&")[0], allow_redirects=False, data={
            "form_token": token, "action": "save", "keywords": "đối ngoại nhân dân\nCampuchia", "digest": "instant"})
        assert response.status == 303 and "xong=luu" in response.headers["Location"]
        assert subscriber_state(db_factory) | {"channel_id": 0} == {
            "channel_id": 0, "channel_active": True, "active": True, "keywords": ["Campuchia", "đối ngoại nhân dân"],
            "defaults": False, "digest": None}
        status, page, _ = await answer(await client.get(response.headers["Location"]))
        assert "Đã lưu thay đổi" in page and textarea(page) == "đối ngoại nhân dân\nCampuchia"

        # A bad keyword is refused at the door, with the matcher's reason; nothing changes.
        response = await client.post(manage.split("&")[0], allow_redirects=False, data={
            "form_token": token, "action": "save", "keywords": "Lào\n!!!", "defaults": "1", "digest": "instant"})
        status, page, _ = await answer(response)
        assert status == 400 and "Từ khóa “!!!”" in page and textarea(page) == "Lào\n!!!"
        assert subscriber_state(db_factory)["keywords"] == ["Campuchia", "đối ngoại nhân dân"]

        # Unsubscribe from the manage page, then subscribe again.
        response = await client.post(manage.split("&")[0], data={"form_token": token, "action": "unsubscribe"}, allow_redirects=False)
        assert response.status == 303
        assert subscriber_state(db_factory)["channel_active"] is False
        status, page, _ = await answer(await client.get(response.headers["Location"]))
        assert "Đã hủy đăng ký" in page and "Đăng ký lại" in page
        response = await client.post(manage.split("&")[0], data={"form_token": token, "action": "resubscribe"}, allow_redirects=False)
        assert response.status == 303
        state = subscriber_state(db_factory)
        assert state["channel_active"] and state["active"] and state["keywords"] == ["Campuchia", "đối ngoại nhân dân"]

    pages.run(steps)


def test_the_page_says_the_same_whatever_the_address(db_factory, smtp, pages):
    with transaction(db_factory) as session:
        subscriber, _ = subscribers.subscribe_channel(session, "email", "da.co@example.vn")
        subscribers.add_rule(session, subscriber, "Lào", any_terms=["Lào"])

    async def steps(client):
        known = await sign_up(client, email="da.co@example.vn", keywords="Campuchia", defaults=False)
        unknown = await sign_up(client, email="chua.co@example.vn", keywords="Campuchia", defaults=False)
        return known, unknown

    known, unknown = pages.run(steps)
    assert known[0] == unknown[0] == 200 and known[1] == unknown[1] and "Đã gửi thư xác nhận" in known[1]
    assert len(smtp.to("da.co@example.vn")) == len(smtp.to("chua.co@example.vn")) == 1

    # Confirming for an address already subscribed keeps what it had and adds what was asked.
    async def confirm(client):
        link = local(confirm_link(smtp, "da.co@example.vn"))
        page = await (await client.get(link)).text()
        return (await client.post(link, data={"form_token": form_token(page, "confirm")}, allow_redirects=False)).status

    assert pages.run(confirm) == 303
    state = subscriber_state(db_factory, "da.co@example.vn")
    assert state["keywords"] == ["Campuchia", "Lào"] and state["defaults"] is True and rows(db_factory, Subscriber) == 1


def test_bad_input_is_refused_on_the_form_and_nothing_is_sent(db_factory, smtp, pages):
    async def steps(client):
        out = [await sign_up(client, email="không-phải-địa-chỉ"),
               await sign_up(client, keywords="!!!\n" + "x" * 101, defaults=True),
               await sign_up(client, keywords="", defaults=False),
               await sign_up(client, keywords="Lào", digest="daily", digest_at="25:00")]
        return out

    bad_address, bad_keywords, nothing, bad_time = pages.run(steps)
    assert bad_address[0] == 400 and "Địa chỉ thư điện tử không hợp lệ" in bad_address[1]
    assert bad_keywords[0] == 400 and "Từ khóa “!!!”: không có chữ cái hay chữ số nào." in bad_keywords[1]
    assert "dài quá 100 ký tự" in bad_keywords[1] and "!!!\n" + "x" * 101 in bad_keywords[1]  # kept in the form
    assert nothing[0] == 400 and "ít nhất một từ khóa" in nothing[1]
    assert bad_time[0] == 400 and "giờ:phút" in bad_time[1]
    assert smtp.received == [] and rows(db_factory, Signup) == 0


def test_forged_expired_and_misused_tokens_are_a_clear_page(db_factory, smtp, pages):
    clock = pages.clock

    async def steps(client):
        await sign_up(client, keywords="Lào")
        link = local(confirm_link(smtp))
        token = link.split("token=")[1]
        out = {}
        page = await (await client.get(link)).text()
        form = form_token(page, "confirm")
        forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
        out["forged"] = await answer(await client.get(f"/xac-nhan?token={forged}"))
        out["garbage"] = await answer(await client.get("/xac-nhan?token=%%%.x"))
        out["missing"] = await answer(await client.get("/quan-ly"))
        out["forged_post"] = await answer(await client.post(f"/xac-nhan?token={forged}", data={"form_token": form}))
        other_key = tokens.sign(b"another-key", tokens.MANAGE, 1)
        out["other_key"] = await answer(await client.get(f"/quan-ly?token={other_key}"))
        # A confirmation token is not a manage or unsubscribe token.
        out["wrong_purpose"] = await answer(await client.get(f"/quan-ly?token={token}"))
        out["wrong_purpose_unsub"] = await answer(await client.post(f"/huy-dang-ky?token={token}", data={"List-Unsubscribe": "One-Click"}))
        # No form token, or a form token of another page: refused.
        out["no_form"] = await answer(await client.post(link, data={}))
        signup_form = tokens.sign(KEY.encode(), tokens.FORM_SIGNUP, 0)
        out["other_form"] = await answer(await client.post(link, data={"form_token": signup_form}))
        clock.advance(seconds=tokens.CONFIRM_LIFETIME + 60)
        out["expired"] = await answer(await client.get(link))
        out["expired_post"] = await answer(await client.post(link, data={"form_token": form}))
        return out

    out = pages.run(steps)
    for name in ("forged", "garbage", "missing", "forged_post", "other_key", "wrong_purpose", "wrong_purpose_unsub",
                 "expired", "expired_post"):
        status, page, _ = out[name]
        assert status == 400 and "Liên kết đã hết hạn hoặc không hợp lệ" in page, name
    for name in ("no_form", "other_form"):
        status, page, _ = out[name]
        assert status == 403 and "Biểu mẫu đã hết hạn" in page, name
    assert rows(db_factory, Subscriber) == 0


def test_a_stale_form_token_is_refused(db_factory, smtp, pages):
    async def steps(client):
        token = form_token(await (await client.get("/dang-ky")).text())
        pages.clock.advance(seconds=tokens.FORM_LIFETIME + 1)
        return await sign_up(client, keywords="Lào", token=token), await sign_up(client, keywords="Lào", token="x.y")

    for status, page, _ in pages.run(steps):
        assert status == 403 and "Biểu mẫu đã hết hạn" in page
    assert smtp.received == []


def test_confirmations_are_limited_per_address_and_per_client_each_hour(db_factory, smtp, pages):
    async def steps(client):
        statuses = [(await sign_up(client, keywords="Lào"))[0] for _ in range(4)]
        pages.clock.advance(minutes=61)
        statuses.append((await sign_up(client, keywords="Lào"))[0])
        # The same client, other addresses: 10 in the hour (the one above counts).
        for n in range(10):
            statuses.append((await sign_up(client, email=f"nguoi{n}@example.vn", keywords="Lào"))[0])
        return statuses

    statuses = pages.run(steps)
    assert statuses[:5] == [200, 200, 200, 429, 200]
    assert statuses[5:] == [200] * 9 + [429]
    assert len(smtp.to(ADDRESS)) == 4 and len(smtp.received) == 13
    assert rows(db_factory, Signup) == 13  # the refused ones are not stored


def test_request_bodies_are_capped(db_factory, smtp, pages):
    async def steps(client):
        token = form_token(await (await client.get("/dang-ky")).text())
        big = {"form_token": token, "email": ADDRESS, "keywords": "Lào\n" * 20000, "defaults": "1"}

        async def chunks():
            yield b"form_token=" + token.encode() + b"&email=x%40y.vn&keywords="
            for _ in range(100):
                yield b"L%C3%A0o%0A" * 100

        return (await answer(await client.post("/dang-ky", data=big)),
                await answer(await client.post("/dang-ky", data=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})))

    for status, page, _ in pages.run(steps):
        assert status == 413 and "Nội dung gửi lên quá lớn" in page
    assert smtp.received == [] and rows(db_factory, Signup) == 0


def test_without_smtp_sign_up_says_it_is_not_available(db_factory):
    pages = Pages(db_factory, settings_for(None))

    async def steps(client):
        return (await answer(await client.get("/dang-ky")),
                await answer(await client.post("/dang-ky", data={"email": ADDRESS, "keywords": "Lào", "defaults": "1"})))

    (status, page, _), (post_status, post_page, _) = pages.run(steps)
    assert status == 200 and "Hiện chưa thể đăng ký nhận tin qua thư điện tử" in page and "PORTALWATCH_SMTP_URL" in page
    assert "<form" not in page.split("<main>")[1]
    assert post_status == 503 and "Hiện chưa thể đăng ký" in post_page
    assert rows(db_factory, Signup) == 0
    # No public address for the links: not available either, and said why.
    pages = Pages(db_factory, settings_for("smtp://127.0.0.1:1", public_url=None))
    status, page, _ = pages.run(lambda client: _get(client, "/dang-ky"))
    assert status == 200 and "PORTALWATCH_PUBLIC_URL" in page


async def _get(client, path):
    return await answer(await client.get(path))


def test_an_smtp_server_that_refuses_is_said_and_nothing_is_subscribed(db_factory, smtp, pages):
    smtp.fail_next("data", "554 5.7.1 Rejected by policy")

    async def steps(client):
        return await sign_up(client, keywords="Lào"), await sign_up(client, keywords="Lào")

    refused, accepted = pages.run(steps)
    assert refused[0] == 503 and "Chưa gửi được thư xác nhận" in refused[1]
    assert accepted[0] == 200 and len(smtp.to(ADDRESS)) == 1 and rows(db_factory, Subscriber) == 0


def _alert_mail(factory, smtp):
    """A real alert e-mail to ADDRESS sent by the sender through the SMTP server; then a second alert
    is queued for the address (the one-click unsubscribe must drop it)."""
    from monitor.alerting.sender import ConsoleDelivery, Sender
    from storage import outbox, repositories as repo
    from tests.support.channels import REASON, email_channel, run_sender, seed

    [subscriber_id] = seed(factory, [[("email", ADDRESS)]], count=1)
    run_sender(Sender(factory, ConsoleDelivery(), transports={"email": email_channel(smtp.url)}), factory)
    with transaction(factory) as session:
        article = repo.add_article(session, portal_id="songoaivu", url="https://x.vn/sau", canonical_url="https://x.vn/sau",
                                   title="Bài sau", text="…", content_hash="f" * 64)
        outbox.queue_alert(session, session.get(Subscriber, subscriber_id), article.id, [REASON])
    [mail] = smtp.to(ADDRESS)
    return mail.message


def test_alert_e_mails_one_click_unsubscribe_and_manage_link_work(db_factory, smtp, pages):
    message = _alert_mail(db_factory, smtp)
    header = message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https = header.split(",")[0].strip("<> ")
    assert https.startswith(PUBLIC_URL + "/huy-dang-ky?token=")
    plain, markup = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    [manage] = [u for u in links_in(plain) if "/quan-ly?" in u]
    assert manage.startswith(PUBLIC_URL + "/quan-ly?token=") and "Đổi từ khóa, bản tổng hợp" in markup

    async def steps(client):
        out = {"manage": await answer(await client.get(local(manage)))}
        out["ask"] = await answer(await client.get(local(https)))
        assert subscriber_state(db_factory)["channel_active"] is True  # a GET changes nothing
        # The mail client's one-click POST: no form token, no credentials, multipart as Gmail sends it.
        form = FormData(default_to_multipart=True)
        form.add_field("List-Unsubscribe", "One-Click")
        response = await client.post(local(https), data=form)
        assert response.request_info.headers["Content-Type"].startswith("multipart/form-data")
        out["one_click"] = await answer(response)
        out["again"] = await answer(await client.post(local(https), data={"List-Unsubscribe": "One-Click"}))
        out["after"] = await answer(await client.get(local(https)))
        return out

    out = pages.run(steps)
    assert out["manage"][0] == 200 and ADDRESS in out["manage"][1] and "Lưu thay đổi" in out["manage"][1]
    assert out["ask"][0] == 200 and "Ngừng gửi thư cảnh báo đến" in out["ask"][1]
    assert out["one_click"][0] == 200 and "Đã hủy đăng ký" in out["one_click"][1]
    assert out["again"][0] == 200 and "Đã hủy đăng ký" in out["again"][1]
    assert out["after"][0] == 200 and "Đã hủy đăng ký" in out["after"][1]
    state = subscriber_state(db_factory)
    assert state["channel_active"] is False and state["active"] is False
    with transaction(db_factory) as session:
        deliveries = {d.status for d in session.scalars(select(AlertDelivery))}
        reason = session.get(Channel, state["channel_id"]).deactivated_reason
    with transaction(db_factory) as session:
        alerts = sorted(a.status for a in session.scalars(select(Alert)))
    assert deliveries == {"sent"} and alerts == ["dropped", "sent"] and reason == "unsubscribed by one-click (RFC 8058)"


def test_the_unsubscribe_button_needs_its_form_token(db_factory, smtp, pages):
    with transaction(db_factory) as session:
        subscriber, _ = subscribers.subscribe_channel(session, "email", ADDRESS)
        channel_id = subscribers.get_channel(session, "email", ADDRESS).id
    token = tokens.sign(KEY.encode(), tokens.UNSUBSCRIBE, channel_id)

    async def steps(client):
        page = await (await client.get(f"/huy-dang-ky?token={token}")).text()
        refused = await answer(await client.post(f"/huy-dang-ky?token={token}", data={"confirm": "1"}))
        assert subscriber_state(db_factory)["channel_active"] is True
        done = await answer(await client.post(f"/huy-dang-ky?token={token}", data={"form_token": form_token(page, "unsubscribe")}))
        return refused, done

    refused, done = pages.run(steps)
    assert refused[0] == 403 and done[0] == 200 and "Đã hủy đăng ký" in done[1]
    with transaction(db_factory) as session:
        assert session.get(Channel, channel_id).deactivated_reason == "unsubscribed on the web page"


def test_digest_e_mails_carry_the_manage_link(db_factory, smtp):
    from monitor.alerting.sender import Target
    from tests.support.channels import email_channel

    channel = email_channel(smtp.url)

    async def go():
        try:
            await channel.send_digest(Target(42, ADDRESS), "🗞 <b>Bản tổng hợp</b>", "Bản tổng hợp ngày 01/12/2026 — 0 bài")
        finally:
            await channel.close()

    asyncio.run(go())
    [mail] = smtp.to(ADDRESS)
    [manage] = [u for u in links_in(mail.message.get_body(("plain",)).get_content()) if "/quan-ly?" in u]
    assert tokens.verify(KEY.encode(), manage.split("token=")[1], tokens.MANAGE) == 42


def basic(password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"x:{password}".encode()).decode()}


def test_with_a_password_sign_up_needs_login_but_links_from_e_mails_do_not(db_factory, smtp):
    pages = Pages(db_factory, settings_for(smtp.url, web_password="mật khẩu"))
    with transaction(db_factory) as session:
        subscribers.subscribe_channel(session, "email", ADDRESS)
        channel_id = subscribers.get_channel(session, "email", ADDRESS).id
    unsubscribe = tokens.sign(KEY.encode(), tokens.UNSUBSCRIBE, channel_id)
    manage = tokens.sign(KEY.encode(), tokens.MANAGE, channel_id)

    async def steps(client):
        out = {"form": await answer(await client.get("/dang-ky")),
               "post": await answer(await client.post("/dang-ky", data={"email": ADDRESS})),
               "logged_in": await answer(await client.get("/dang-ky", headers=basic("mật khẩu"))),
               "manage": await answer(await client.get(f"/quan-ly?token={manage}")),
               "bad_manage": await answer(await client.get("/quan-ly?token=x.y")),
               "style": await answer(await client.get("/static/style.css")),
               "archive": await answer(await client.get("/"))}
        out["one_click"] = await answer(await client.post(f"/huy-dang-ky?token={unsubscribe}", data={"List-Unsubscribe": "One-Click"}))
        return out

    out = pages.run(steps)
    assert out["form"][0] == out["post"][0] == out["archive"][0] == 401
    assert out["logged_in"][0] == 200 and "Gửi thư xác nhận" in out["logged_in"][1]
    assert out["manage"][0] == 200 and ADDRESS in out["manage"][1]
    assert out["bad_manage"][0] == 400 and ADDRESS not in out["bad_manage"][1]
    assert out["style"][0] == 200 and out["one_click"][0] == 200
    assert subscriber_state(db_factory)["channel_active"] is False
    assert rows(db_factory, Signup) == 0


def test_confirming_after_the_address_was_unsubscribed_gives_it_exactly_what_it_asked(db_factory, smtp, pages):
    with transaction(db_factory) as session:
        subscriber, _ = subscribers.subscribe_channel(session, "email", ADDRESS)
        subscribers.add_rule(session, subscriber, "cũ", any_terms=["cũ"])
        subscribers.deactivate_channel(session, subscribers.get_channel(session, "email", ADDRESS).id, "test")

    async def steps(client):
        await sign_up(client, keywords="mới", defaults=False)
        link = local(confirm_link(smtp))
        page = await (await client.get(link)).text()
        return (await client.post(link, data={"form_token": form_token(page, "confirm")}, allow_redirects=False)).status

    assert pages.run(steps) == 303
    state = subscriber_state(db_factory)
    assert state["keywords"] == ["mới"] and state["defaults"] is False and state["channel_active"] and state["active"]


def test_old_sign_ups_are_forgotten(db_factory, smtp, pages):
    async def steps(client):
        await sign_up(client, keywords="Lào")
        pages.clock.advance(days=8)
        await sign_up(client, email="khac@example.vn", keywords="Lào")

    pages.run(steps)
    with transaction(db_factory) as session:
        assert [s.address for s in session.scalars(select(Signup))] == ["khac@example.vn"]
    assert timedelta(days=8) > timedelta(seconds=tokens.CONFIRM_LIFETIME)


@pytest.mark.skipif(not hasattr(subscribers, "set_weekly"), reason="the weekly picture opt-in is not in storage yet")
def test_the_manage_page_opts_in_and_out_of_the_weekly_picture(db_factory, smtp, pages):
    with transaction(db_factory) as session:
        subscribers.subscribe_channel(session, "email", ADDRESS)
        channel_id = subscribers.get_channel(session, "email", ADDRESS).id
    manage = f"/quan-ly?token={tokens.sign(KEY.encode(), tokens.MANAGE, channel_id)}"

    def weekly() -> bool:
        with transaction(db_factory) as session:
            return session.get(Subscriber, session.get(Channel, channel_id).subscriber_id).weekly_since is not None

    async def save(client, **extra):
        page = await (await client.get(manage)).text()
        assert 'name="weekly"' in page
        data = {"form_token": form_token(page, "manage"), "action": "save", "keywords": "", "digest": "instant", **extra}
        return (await client.post(manage, data=data, allow_redirects=False)).status

    assert pages.run(lambda client: save(client, weekly="1")) == 303 and weekly()  # the weekly picture alone is enough
    assert pages.run(lambda client: save(client, defaults="1")) == 303 and not weekly()


def test_the_daemon_s_own_e_mail_channel_sends_the_confirmation(db_factory, smtp):
    """When the daemon runs a sender, its e-mail channel (one connection, one pacing) sends the
    confirmation; without one the page makes its own from the same settings."""
    from crawler.alerts import make_email_channel
    from monitor.alerting.sender import ConsoleDelivery, Sender
    from web.app import build_app
    from web.subscribe import SUBSCRIPTIONS
    from tests.web.support import PageDaemon
    from aiohttp.test_utils import TestClient, TestServer

    settings = settings_for(smtp.url)
    daemon = PageDaemon(db_factory, settings)
    daemon.sender = Sender(db_factory, ConsoleDelivery(), transports={"email": make_email_channel(settings, db_factory)})
    app = build_app(daemon)

    async def go():
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            status = (await sign_up(client, keywords="Lào"))[0]
        await daemon.sender.transports["email"].close()
        return status

    assert asyncio.run(go()) == 200
    assert daemon.sender.transports["email"].submitted == 1 and app[SUBSCRIPTIONS]._own_channel is None
    assert len(smtp.to(ADDRESS)) == 1
