"""Self-service e-mail subscription: sign up (double opt-in), manage, unsubscribe — no Telegram needed.

- ``/dang-ky``: an address, keywords (checked at the door by the matcher's own rule validation,
  ``monitor.keywords.check_keyword``, as the bot and the CLI do), the default rules, instant or a daily
  digest. Submitting stores a pending sign-up and e-mails a signed, expiring confirmation link; the
  page says "Đã gửi thư xác nhận" whatever the address. Nothing is subscribed before the link.
- ``/xac-nhan?token=``: the link shows what was asked for and a button (link scanners in mail systems
  open every GET link, so a GET alone never subscribes); the POST creates the subscriber and its
  e-mail channel through ``storage.subscribers`` as ``portalwatch subscribers add --email`` does,
  idempotently, then opens the manage page.
- ``/quan-ly?token=``: keywords, default rules, digest, unsubscribe, subscribe again.
- ``/huy-dang-ky?token=``: the List-Unsubscribe link of every alert e-mail. GET asks; a POST whose body
  is ``List-Unsubscribe=One-Click`` (RFC 8058, a mail client's button) unsubscribes at once.

Every link is a ``monitor.alerting.tokens`` token (no passwords, nothing stored for them); every form
carries a signed form token, so a form on another site cannot submit it. Confirmations are limited
per address and per client per hour (counted in the ``signups`` table, with the injectable
``clock``); request bodies are capped.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs, urlencode

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from monitor.alerting import tokens
from monitor.keywords import KeywordError, add_keywords, check_keyword
from storage import outbox, signups, subscribers
from storage.db import transaction

log = logging.getLogger("portalwatch.web.subscribe")

# A form body: 200 keywords of 100 Vietnamese characters percent-encoded would be ~120 KB; real
# sign-ups are a few hundred bytes. Beyond this the request is refused before it is read whole.
MAX_BODY = 64 * 1024
MAX_ADDRESS = 320
PER_ADDRESS_PER_HOUR = 3
PER_CLIENT_PER_HOUR = 10
# Sign-ups older than this are forgotten (their confirmation links expired long before).
KEEP_SIGNUPS = timedelta(days=7)
DEFAULT_DIGEST_AT = "07:00"
HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
DEFAULTS_LABEL = "văn bản chỉ đạo mới, đoàn ra, đoàn vào (từ mọi cổng)"
# The weekly picture opt-in (Monday 08:00), offered on the manage page once storage has it.
WEEKLY = hasattr(subscribers, "set_weekly")
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
WEB_REASON = "unsubscribed on the web page"
ONE_CLICK_REASON = "unsubscribed by one-click (RFC 8058)"


class FormError(Exception):
    """A request refused with a page: ``status`` and a Vietnamese heading and message."""

    def __init__(self, status: int, heading: str, message: str):
        super().__init__(message)
        self.status, self.heading, self.message = status, heading, message


BAD_LINK = FormError(400, "Liên kết không dùng được",
                     "Liên kết đã hết hạn hoặc không hợp lệ. Hãy dùng liên kết trong thư mới nhất, hoặc đăng ký lại tại trang Đăng ký nhận tin.")
STALE_FORM = FormError(403, "Biểu mẫu đã hết hạn",
                       "Biểu mẫu này đã hết hạn hoặc không phải gửi từ trang của portalwatch. Hãy tải lại trang rồi gửi lại.")
TOO_LARGE = FormError(413, "Nội dung quá lớn", "Nội dung gửi lên quá lớn; hãy bớt từ khóa rồi gửi lại.")


@dataclass
class Choices:
    """What a sign-up or the manage page asks for, as typed (kept to show the form again)."""

    keywords_text: str = ""
    keywords: list[str] = field(default_factory=list)
    follows_defaults: bool = True
    digest: str = "instant"
    digest_at: str = DEFAULT_DIGEST_AT
    weekly: bool = False

    @property
    def digest_time(self) -> str | None:
        return self.digest_at if self.digest == "daily" else None


class Subscriptions:
    """The sign-up machinery of one web app: settings, key, clock, the e-mail transport."""

    def __init__(self, daemon, clock: Callable[[], datetime] | None = None):
        self.daemon = daemon
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.per_address, self.per_client = PER_ADDRESS_PER_HOUR, PER_CLIENT_PER_HOUR
        self._key: bytes | None = None
        self._own_channel = None

    # --- wiring ------------------------------------------------------------------------------
    @property
    def settings(self):
        return getattr(self.daemon, "settings", None)

    @property
    def factory(self):
        return self.daemon.prepared.factory

    def unavailable(self) -> str | None:
        """Why e-mail sign-up cannot work here, or None."""
        settings = self.settings
        if settings is None or getattr(settings, "smtp_url", None) is None:
            return "máy chủ gửi thư chưa được cấu hình (PORTALWATCH_SMTP_URL)"
        if not getattr(settings, "public_url", None):
            return "chưa đặt địa chỉ công khai của trang (PORTALWATCH_PUBLIC_URL) để đưa vào liên kết trong thư"
        return None

    def key(self) -> bytes:
        """The key the sender signs List-Unsubscribe links with (setting, else kept in the database)."""
        if self._key is None:
            from crawler.alerts import secret_key

            self._key = secret_key(self.settings, self.factory)
        return self._key

    def transport(self):
        """The sender's own e-mail channel when the daemon runs one (shared pacing), else one of ours."""
        sender = getattr(self.daemon, "sender", None)
        shared = (getattr(sender, "transports", None) or {}).get("email")
        if shared is not None:
            return shared
        if self._own_channel is None:
            from crawler.alerts import make_email_channel

            self._own_channel = make_email_channel(self.settings, self.factory)
        return self._own_channel

    async def close(self, app=None) -> None:
        channel, self._own_channel = self._own_channel, None
        if channel is not None:
            await channel.close()

    def now(self) -> datetime:
        return self.clock()

    def link(self, path: str, **query: str) -> str:
        return f"{self.settings.public_url.rstrip('/')}{path}?{urlencode(query)}"

    def sign(self, purpose: str, ident: int, lifetime: float) -> str:
        return tokens.sign(self.key(), purpose, ident, lifetime, now=self.now().timestamp())

    def verify(self, token: str | None, purpose: str) -> int:
        if not token or len(token) > 500:
            raise BAD_LINK
        try:
            return tokens.verify(self.key(), token, purpose, now=self.now().timestamp())
        except tokens.BadToken:
            raise BAD_LINK from None

    def check_form(self, form: dict[str, str], purpose: str, ident: int) -> None:
        try:
            made_for = tokens.verify(self.key(), form.get("form_token", ""), purpose, now=self.now().timestamp())
        except tokens.BadToken:
            raise STALE_FORM from None
        if made_for != ident:
            raise STALE_FORM

    def form_token(self, purpose: str, ident: int) -> str:
        return self.sign(purpose, ident, tokens.FORM_LIFETIME)

    def manage_path(self, channel_id: int) -> str:
        """The manage page of ``channel_id``, with a fresh manage token."""
        return "/quan-ly?" + urlencode({"token": self.sign(tokens.MANAGE, channel_id, tokens.MANAGE_LIFETIME)})

    def client_id(self, request: web.Request) -> str:
        """An HMAC of the peer's address: enough to count its requests, not to recover it."""
        peer = (request.remote or "unknown").encode("utf-8")
        return hmac.new(self.key(), b"client:" + peer, hashlib.sha256).hexdigest()[:32]

    @property
    def max_keywords(self) -> int:
        return getattr(self.settings, "max_keywords_per_chat", 200)

    @property
    def max_chars(self) -> int:
        return getattr(self.settings, "max_keyword_chars", 100)


# --- requests ---------------------------------------------------------------------------------
async def read_form(request: web.Request) -> dict[str, str]:
    """The POSTed form (urlencoded or multipart, as RFC 8058 mail clients send it), capped at MAX_BODY."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise TOO_LARGE
    body = await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise TOO_LARGE
    kind = request.headers.get("Content-Type", "")
    if kind.lower().startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + kind.encode("latin-1", "replace") + b"\r\n\r\n" + body)
        form = {}
        for part in message.iter_parts() if message.is_multipart() else ():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str) and name not in form:
                payload = part.get_payload(decode=True) or b""
                form[name] = payload.decode("utf-8", "replace")
        return form
    try:
        pairs = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise FormError(400, "Biểu mẫu không đọc được", "Nội dung gửi lên không phải một biểu mẫu hợp lệ.") from None
    return {name: values[0] for name, values in pairs.items()}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_choices(form: dict[str, str], subs: Subscriptions) -> tuple[Choices, list[str]]:
    """The choices of a sign-up or manage form and the errors to show beside it (Vietnamese)."""
    errors: list[str] = []
    text = nfc(form.get("keywords", ""))
    choices = Choices(keywords_text=text, follows_defaults=form.get("defaults") == "1",
                      digest="daily" if form.get("digest") == "daily" else "instant",
                      digest_at=form.get("digest_at", DEFAULT_DIGEST_AT).strip() or DEFAULT_DIGEST_AT,
                      weekly=WEEKLY and form.get("weekly") == "1")
    seen: set[str] = set()
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            term, insensitive = check_keyword(line.strip(), subs.max_chars)
        except KeywordError as exc:
            errors.append(f"Từ khóa “{line.strip()[:60]}”: {exc.vi}.")
            continue
        name = ("~" if insensitive else "") + term
        if name.casefold() not in seen:
            seen.add(name.casefold())
            choices.keywords.append(name)
    if len(choices.keywords) > subs.max_keywords:
        errors.append(f"Nhiều nhất {subs.max_keywords} từ khóa.")
    if choices.digest == "daily" and not HHMM.fullmatch(choices.digest_at):
        errors.append("Giờ nhận bản tổng hợp phải có dạng giờ:phút, ví dụ 07:00.")
    if not choices.keywords and not choices.follows_defaults and not choices.weekly and not errors:
        errors.append("Hãy nhập ít nhất một từ khóa hoặc chọn nhận cảnh báo mặc định.")
    return choices, errors


def page(template: str, status: int = 200, **context) -> web.Response:
    from web.templating import html, render

    return html(render(template, active="subscribe", **context), status=status, headers=PRIVATE)


def notice(error: FormError) -> web.Response:
    return page("subscribe_notice.html", status=error.status, heading=error.heading, message=error.message, link=None)


# --- what happens in the database (each in a worker thread, one transaction) ---------------------
def record_signup(subs: Subscriptions, address: str, choices: Choices, client: str) -> int | None:
    """The new sign-up's id, or None when the address or the client is over its hourly limit."""
    now = subs.now()
    with transaction(subs.factory) as session:
        signups.prune(session, now - KEEP_SIGNUPS)
        by_address, by_client = signups.recent_counts(session, address, client, now - timedelta(hours=1))
        if by_address >= subs.per_address or by_client >= subs.per_client:
            return None
        return signups.add_signup(session, address, choices.keywords, choices.follows_defaults, choices.digest_time,
                                  client, now).id


def load_signup(subs: Subscriptions, signup_id: int):
    with transaction(subs.factory) as session:
        signup = signups.get_signup(session, signup_id)
        if signup is None:
            return None
        session.expunge(signup)
        return signup


def confirm_signup(subs: Subscriptions, signup_id: int) -> int | None:
    """Subscribe the sign-up's address (once: a second confirmation changes nothing); its channel id,
    or None when the sign-up is gone. A new or returning address gets exactly what it asked for; an
    address already subscribed keeps what it had and gains the new keywords and rules."""
    for attempt in (1, 2):
        try:
            with transaction(subs.factory) as session:
                signup = signups.get_signup(session, signup_id)
                if signup is None:
                    return None
                if signup.confirmed_at is not None and signup.channel_id is not None:
                    return signup.channel_id
                before = subscribers.get_channel(session, "email", signup.address)
                owner = subscribers.subscriber_by_id(session, before.subscriber_id) if before is not None else None
                was_active = before is not None and before.active and owner is not None and owner.active
                subscriber, _ = subscribers.subscribe_channel(session, "email", signup.address, title=signup.address)
                if was_active:
                    subscribers.set_defaults(session, subscriber, subscriber.follows_defaults or signup.follows_defaults)
                else:
                    subscribers.remove_rules(session, subscriber)
                    subscribers.set_defaults(session, subscriber, signup.follows_defaults)
                subscribers.set_digest(session, subscriber, signup.digest_time)
                add_keywords(session, subscriber, list(signup.keywords), max_keywords=subs.max_keywords, max_chars=subs.max_chars)
                channel = subscribers.get_channel(session, "email", signup.address)
                signups.mark_confirmed(session, signup, channel.id, subs.now())
                return channel.id
        except IntegrityError:
            if attempt == 2:  # two clicks at once: the other one created the channel; read it again
                raise
    return None


@dataclass
class Manage:
    channel_id: int
    address: str
    active: bool
    keywords: list[str]
    follows_defaults: bool
    digest_time: str | None
    other_channels: list[str]
    weekly: bool = False


def load_manage(subs: Subscriptions, channel_id: int) -> Manage | None:
    with transaction(subs.factory) as session:
        channel = subscribers.channel_by_id(session, channel_id)
        if channel is None or channel.kind != "email":
            return None
        subscriber = subscribers.subscriber_by_id(session, channel.subscriber_id)
        others = [c.kind for c in subscribers.channels_of(session, subscriber.id) if c.id != channel.id]
        return Manage(channel.id, channel.address, channel.active and subscriber.active,
                      [r.name for r in subscribers.rules_of(session, subscriber)], subscriber.follows_defaults,
                      subscriber.digest_time, others, WEEKLY and getattr(subscriber, "weekly_since", None) is not None)


def save_choices(subs: Subscriptions, channel_id: int, choices: Choices) -> bool:
    """Replace the subscriber's keywords, default rules and digest with ``choices``; False if the
    address is not subscribed (anymore)."""
    with transaction(subs.factory) as session:
        channel = subscribers.channel_by_id(session, channel_id)
        subscriber = subscribers.subscriber_by_id(session, channel.subscriber_id) if channel is not None else None
        if channel is None or not channel.active or subscriber is None or not subscriber.active:
            return False
        wanted = {name.casefold() for name in choices.keywords}
        for rule in subscribers.rules_of(session, subscriber):
            if rule.name.casefold() not in wanted:
                subscribers.remove_rules(session, subscriber, rule.name)
        add_keywords(session, subscriber, choices.keywords, max_keywords=subs.max_keywords, max_chars=subs.max_chars)
        subscribers.set_defaults(session, subscriber, choices.follows_defaults)
        subscribers.set_digest(session, subscriber, choices.digest_time)
        if WEEKLY:
            subscribers.set_weekly(session, subscriber.id, choices.weekly)
        return True


def unsubscribe(subs: Subscriptions, channel_id: int, reason: str) -> bool:
    """Stop the e-mail channel (its queue dropped), once; False if there is no such e-mail channel."""
    with transaction(subs.factory) as session:
        channel = subscribers.channel_by_id(session, channel_id)
        if channel is None or channel.kind != "email":
            return False
        if channel.active:
            touched = subscribers.deactivate_channel(session, channel_id, reason)
            outbox.settle(session, touched)
        return True


def resubscribe(subs: Subscriptions, channel_id: int) -> bool:
    with transaction(subs.factory) as session:
        channel = subscribers.channel_by_id(session, channel_id)
        if channel is None or channel.kind != "email":
            return False
        subscribers.subscribe_channel(session, "email", channel.address)
        return True


# --- routes -----------------------------------------------------------------------------------
SUBSCRIPTIONS = web.AppKey("subscriptions", Subscriptions)


def add_routes(app: web.Application, daemon) -> None:
    subs = Subscriptions(daemon)
    app[SUBSCRIPTIONS] = subs
    app.on_cleanup.append(subs.close)

    def form_page(status: int = 200, choices: Choices | None = None, errors=(), address: str = "") -> web.Response:
        reason = subs.unavailable()
        return page("subscribe.html", status=status, unavailable=reason, choices=choices or Choices(), errors=list(errors),
                    address=address, defaults_label=DEFAULTS_LABEL,
                    form_token=None if reason else subs.form_token(tokens.FORM_SIGNUP, 0))

    async def signup_form(request: web.Request) -> web.Response:
        if subs.unavailable():
            return form_page()
        return await asyncio.to_thread(form_page)

    async def signup_submit(request: web.Request) -> web.Response:
        if subs.unavailable():
            return form_page(status=503)
        try:
            form = await read_form(request)
            await asyncio.to_thread(subs.check_form, form, tokens.FORM_SIGNUP, 0)
        except FormError as error:
            return notice(error)
        address = nfc(form.get("email", "")).strip().lower()
        choices, errors = parse_choices(form, subs)
        from monitor.alerting.email import ADDRESS, confirmation_message

        if len(address) > MAX_ADDRESS or not ADDRESS.fullmatch(address):
            errors.insert(0, "Địa chỉ thư điện tử không hợp lệ.")
        if errors:
            return await asyncio.to_thread(form_page, 400, choices, errors, address[:MAX_ADDRESS])
        client = await asyncio.to_thread(subs.client_id, request)
        signup_id = await asyncio.to_thread(record_signup, subs, address, choices, client)
        if signup_id is None:
            return page("subscribe_notice.html", status=429, heading="Đã gửi nhiều thư xác nhận",
                        message="Trong một giờ qua đã có nhiều yêu cầu đăng ký từ máy của bạn hoặc cho địa chỉ này. "
                                "Hãy xem hộp thư (cả mục thư rác) hoặc thử lại sau một giờ.", link=None)
        token = subs.sign(tokens.CONFIRM, signup_id, tokens.CONFIRM_LIFETIME)
        try:
            transport = await asyncio.to_thread(subs.transport)
            message = confirmation_message(to=address, mail_from=transport.mail_from, confirm_link=subs.link("/xac-nhan", token=token),
                                           keywords=choices.keywords, follows_defaults=choices.follows_defaults,
                                           digest_time=choices.digest_time)
            await transport.send_message(message, address)
        except Exception as exc:  # the SMTP server refused or is unreachable: say so, nothing is subscribed
            log.warning("sign-up confirmation not sent: %s: %s", type(exc).__name__, exc)
            return page("subscribe_notice.html", status=503, heading="Chưa gửi được thư xác nhận",
                        message="Máy chủ thư tạm thời không nhận thư. Chưa có gì được đăng ký; hãy thử lại sau ít phút.", link=None)
        return page("subscribe_notice.html", heading="Đã gửi thư xác nhận",
                    message="Đã gửi thư xác nhận đến địa chỉ bạn nhập. Hãy mở liên kết trong thư (có hiệu lực 48 giờ) để bắt đầu nhận tin; "
                            "chưa xác nhận thì chưa có gì được đăng ký.", link=None)

    async def opened(request: web.Request, purpose: str, load):
        """The id the link's token is for and what ``load`` finds for it; BAD_LINK when either fails."""
        ident = await asyncio.to_thread(subs.verify, request.query.get("token"), purpose)
        found = await asyncio.to_thread(load, subs, ident)
        if found is None:
            raise BAD_LINK
        return ident, found

    async def confirm_form(request: web.Request) -> web.Response:
        try:
            signup_id, signup = await opened(request, tokens.CONFIRM, load_signup)
        except FormError as error:
            return notice(error)
        manage = subs.manage_path(signup.channel_id) if signup.channel_id is not None else None
        return page("subscribe_confirm.html", signup=signup, manage=manage, token=request.query["token"],
                    defaults_label=DEFAULTS_LABEL, form_token=subs.form_token(tokens.FORM_SIGNUP, signup_id))

    async def confirm_submit(request: web.Request) -> web.Response:
        try:
            signup_id = await asyncio.to_thread(subs.verify, request.query.get("token"), tokens.CONFIRM)
            form = await read_form(request)
            await asyncio.to_thread(subs.check_form, form, tokens.FORM_SIGNUP, signup_id)
            channel_id = await asyncio.to_thread(confirm_signup, subs, signup_id)
            if channel_id is None:
                raise BAD_LINK
        except FormError as error:
            return notice(error)
        manage = subs.sign(tokens.MANAGE, channel_id, tokens.MANAGE_LIFETIME)
        raise web.HTTPSeeOther("/quan-ly?" + urlencode({"token": manage, "xong": "xac-nhan"}), headers=PRIVATE)

    async def manage_page(request: web.Request) -> web.Response:
        try:
            _, state = await opened(request, tokens.MANAGE, load_manage)
        except FormError as error:
            return notice(error)
        choices = Choices(keywords_text="\n".join(state.keywords), keywords=state.keywords, follows_defaults=state.follows_defaults,
                          digest="daily" if state.digest_time else "instant", digest_at=state.digest_time or DEFAULT_DIGEST_AT,
                          weekly=state.weekly)
        return manage_response(request, state, choices, [], 200)

    def manage_response(request: web.Request, state: Manage, choices: Choices, errors: list[str], status: int) -> web.Response:
        done = {"xac-nhan": "Đã xác nhận đăng ký: từ nay bạn nhận tin tại địa chỉ này.", "luu": "Đã lưu thay đổi.",
                "huy": "Đã hủy đăng ký: địa chỉ này không nhận thư cảnh báo nữa.", "dang-ky-lai": "Đã đăng ký lại."}
        return page("subscribe_manage.html", status=status, state=state, choices=choices, errors=errors, weekly_available=WEEKLY,
                    done=done.get(request.query.get("xong", "")), defaults_label=DEFAULTS_LABEL,
                    action="/quan-ly?" + urlencode({"token": request.query["token"]}),
                    form_token=subs.form_token(tokens.FORM_MANAGE, state.channel_id))

    async def manage_submit(request: web.Request) -> web.Response:
        try:
            channel_id = await asyncio.to_thread(subs.verify, request.query.get("token"), tokens.MANAGE)
            form = await read_form(request)
            await asyncio.to_thread(subs.check_form, form, tokens.FORM_MANAGE, channel_id)
            action = form.get("action", "save")
            if action == "unsubscribe":
                ok, done = await asyncio.to_thread(unsubscribe, subs, channel_id, WEB_REASON), "huy"
            elif action == "resubscribe":
                ok, done = await asyncio.to_thread(resubscribe, subs, channel_id), "dang-ky-lai"
            else:
                choices, errors = parse_choices(form, subs)
                state = await asyncio.to_thread(load_manage, subs, channel_id)
                if state is None:
                    raise BAD_LINK
                if errors:
                    return manage_response(request, state, choices, errors, 400)
                ok, done = await asyncio.to_thread(save_choices, subs, channel_id, choices), "luu"
                if not ok:
                    return manage_response(request, state, choices, ["Địa chỉ này đã hủy đăng ký; hãy bấm “Đăng ký lại” trước."], 409)
            if not ok:
                raise BAD_LINK
        except FormError as error:
            return notice(error)
        raise web.HTTPSeeOther("/quan-ly?" + urlencode({"token": request.query["token"], "xong": done}), headers=PRIVATE)

    async def unsubscribe_form(request: web.Request) -> web.Response:
        try:
            channel_id, state = await opened(request, tokens.UNSUBSCRIBE, load_manage)
        except FormError as error:
            return notice(error)
        manage = subs.manage_path(channel_id)
        return page("subscribe_unsubscribe.html", state=state, manage=manage, done=False,
                    action="/huy-dang-ky?" + urlencode({"token": request.query["token"]}),
                    form_token=subs.form_token(tokens.FORM_MANAGE, channel_id))

    async def unsubscribe_submit(request: web.Request) -> web.Response:
        try:
            channel_id = await asyncio.to_thread(subs.verify, request.query.get("token"), tokens.UNSUBSCRIBE)
            form = await read_form(request)
            one_click = form.get("List-Unsubscribe") == "One-Click"
            if not one_click:
                await asyncio.to_thread(subs.check_form, form, tokens.FORM_MANAGE, channel_id)
            if not await asyncio.to_thread(unsubscribe, subs, channel_id, ONE_CLICK_REASON if one_click else WEB_REASON):
                raise BAD_LINK
            state = await asyncio.to_thread(load_manage, subs, channel_id)
        except FormError as error:
            return notice(error)
        return page("subscribe_unsubscribe.html", state=state, manage=subs.manage_path(channel_id), done=True, action="", form_token="")

    app.router.add_get("/dang-ky", signup_form)
    app.router.add_post("/dang-ky", signup_submit)
    app.router.add_get("/xac-nhan", confirm_form)
    app.router.add_post("/xac-nhan", confirm_submit)
    app.router.add_get("/quan-ly", manage_page)
    app.router.add_post("/quan-ly", manage_submit)
    app.router.add_get("/huy-dang-ky", unsubscribe_form)
    app.router.add_post("/huy-dang-ky", unsubscribe_submit)
