"""The e-mail channel: alerts as multipart (text + HTML) Vietnamese e-mails over SMTP.

Why the standard library's ``smtplib``: the SMTP server, not the client, is the bottleneck — it
is paced at a configured number of messages per minute (providers throttle bursts), so one
reused connection in a worker thread is enough (the bench measures it far above any real rate),
and no dependency is added. Each message carries a ``Message-ID`` made from (alert, channel), so a
copy resent after a crash is recognisable as the same message, and RFC 8058 one-click
unsubscribe headers with a signed link.

Errors map onto the sender's actions: 4xx answers and broken connections are retried with
backoff; a permanent 5xx refusal of the recipient deactivates that channel; a server that cannot
be reached or refuses the login (``ServerRefused``), or refuses the sender, halts e-mail as a
whole: every alert stays queued, the sender probes the server again with bounded backoff and
resumes by itself once it accepts. After a connection attempt that failed, sends get that failure
at once, without dialling the same dead server again, until the sender's next probe.
"""

from __future__ import annotations

import asyncio
import html
import re
import smtplib
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import parse_qs, quote, unquote, urlsplit

from monitor.alerting.format import VN_TZ, render_html, render_text
from monitor.alerting.telegram_errors import Action, SendAction
from monitor.alerting.tokens import MANAGE, MANAGE_LIFETIME, UNSUBSCRIBE, sign

SENDER_NAME = "portalwatch"
# What the CLI and the web sign-up accept as an e-mail address (lower-cased first).
ADDRESS = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool  # smtps://
    starttls: str  # "auto" (when offered) | "required" | "off"

    def redacted(self) -> str:
        user = f"{self.username}:***@" if self.username else ""
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{user}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpConfig:
    """``smtps://user:pass@host:465`` or ``smtp://host:25[?starttls=1|0]``; errors never echo the password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("PORTALWATCH_SMTP_URL must start with smtp:// or smtps://")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("PORTALWATCH_SMTP_URL has a bad port") from None
    if not parts.hostname:
        raise ValueError("PORTALWATCH_SMTP_URL has no host")
    flag = (parse_qs(parts.query).get("starttls") or ["auto"])[0].lower()
    starttls = {"1": "required", "true": "required", "yes": "required", "0": "off", "false": "off", "no": "off"}.get(flag, "auto")
    implicit = parts.scheme == "smtps"
    return SmtpConfig(
        host=parts.hostname,
        port=port or (465 if implicit else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit,
        starttls="off" if implicit else starttls,
    )


class ServerRefused(Exception):
    """No connection to the SMTP server could be set up (unreachable, refused, no greeting, login or
    STARTTLS refused): no message can go out, whoever it is for."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class MailPacer:
    """Messages to one SMTP server spaced ``60/rate`` seconds apart; a 421 pauses the server."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep):
        self.interval = 60.0 / per_minute
        self.clock, self.sleep = clock, sleep
        self._next = 0.0

    def reserve(self) -> float:
        now = self.clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        return slot - now

    async def acquire(self, key=None) -> None:
        wait = self.reserve()
        if wait > 0:
            await self.sleep(wait)

    def pause(self, seconds: float, key=None) -> None:
        self._next = max(self._next, self.clock() + seconds)


@dataclass(frozen=True)
class Unsubscribe:
    """Builds the RFC 2369/8058 headers: a signed https link (one-click POST) and a mailto fallback."""

    key: bytes
    public_url: str | None
    mail_from: str

    def token(self, channel_id: int) -> str:
        return sign(self.key, UNSUBSCRIBE, channel_id)

    def link(self, channel_id: int, token: str | None = None) -> str | None:
        if not self.public_url:
            return None
        return f"{self.public_url.rstrip('/')}/huy-dang-ky?token={token or self.token(channel_id)}"

    def manage_link(self, channel_id: int) -> str | None:
        """The manage page (keywords, digest, unsubscribe) for this address, signed and expiring."""
        if not self.public_url:
            return None
        return f"{self.public_url.rstrip('/')}/quan-ly?token={sign(self.key, MANAGE, channel_id, MANAGE_LIFETIME)}"

    def headers(self, channel_id: int, token: str | None = None) -> dict[str, str]:
        """``token``: the one the message's footer shows, so header and footer carry the same link."""
        token = token or self.token(channel_id)
        mailto = f"<mailto:{self.mail_from}?subject={quote('unsubscribe ' + token)}>"
        link = self.link(channel_id, token)
        if link is None:
            return {"List-Unsubscribe": mailto}
        return {"List-Unsubscribe": f"<{link}>, {mailto}", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "portalwatch.invalid"


def _html_document(body: str, footer: str) -> str:
    """Telegram's HTML subset (b, i, a, blockquote, newlines) as an e-mail page."""
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8"></head>\n'
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5">\n'
        f"{body.replace(chr(10), '<br>' + chr(10))}\n<hr>\n"
        f'<p style="font-size:12px;color:#666">{footer}</p>\n</body></html>\n'
    )


def _footers(link: str | None, manage: str | None = None) -> tuple[str, str]:
    intro = "Bạn nhận thư này vì đã đăng ký nhận cảnh báo của portalwatch."
    if link is None:
        return intro, html.escape(intro)
    text, markup = f"{intro}\nHủy đăng ký: {link}", f'{html.escape(intro)} <a href="{html.escape(link, quote=True)}">Hủy đăng ký</a>'
    if manage is not None:
        text += f"\nĐổi từ khóa, bản tổng hợp: {manage}"
        markup += f' · <a href="{html.escape(manage, quote=True)}">Đổi từ khóa, bản tổng hợp</a>'
    return text, markup


def compose(*, to: str, mail_from: str, subject: str, text: str, html_body: str, message_id: str,
            unsubscribe: Unsubscribe | None = None, channel_id: int | None = None, now=None) -> EmailMessage:
    from datetime import datetime, timezone

    # One token for the header and the footer: signed twice, a second boundary between them would differ.
    token = unsubscribe.token(channel_id) if unsubscribe and channel_id is not None else None
    link = unsubscribe.link(channel_id, token) if token else None
    manage = unsubscribe.manage_link(channel_id) if unsubscribe and channel_id is not None else None
    text_footer, html_footer = _footers(link, manage) if channel_id is not None else ("", "")
    message = EmailMessage()
    message["From"] = formataddr((SENDER_NAME, mail_from))
    message["To"] = to
    message["Subject"] = re.sub(r"\s+", " ", subject).strip()[:200]
    message["Date"] = format_datetime((now or datetime.now(timezone.utc)).astimezone(VN_TZ))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "vi"
    if unsubscribe and channel_id is not None:
        for name, value in unsubscribe.headers(channel_id, token).items():
            message[name] = value
    message.set_content(text + (f"\n\n--\n{text_footer}\n" if text_footer else "\n"), charset="utf-8")
    message.add_alternative(_html_document(html_body, html_footer), subtype="html", charset="utf-8")
    return message


def confirmation_message(*, to: str, mail_from: str, confirm_link: str, keywords: list[str], follows_defaults: bool,
                         digest_time: str | None) -> EmailMessage:
    """The double opt-in e-mail of a web sign-up: what was asked for, and the one link that subscribes."""
    wanted = []
    if follows_defaults:
        wanted.append("Cảnh báo mặc định: văn bản chỉ đạo mới, đoàn ra, đoàn vào")
    if keywords:
        wanted.append("Từ khóa: " + ", ".join(keywords))
    wanted.append(f"Bản tổng hợp hằng ngày lúc {digest_time} (giờ Việt Nam)" if digest_time else "Nhận cảnh báo ngay khi có bài mới")
    intro = "Có người (có thể là bạn) đã đăng ký địa chỉ này nhận cảnh báo của portalwatch:"
    closing = ("Mở liên kết dưới đây để xác nhận (liên kết có hiệu lực 48 giờ). "
               "Nếu bạn không đăng ký, hãy bỏ qua thư này: không có gì được đăng ký khi chưa xác nhận.")
    text = "\n".join([intro, *(f"- {line}" for line in wanted), "", closing, confirm_link])
    markup = (
        f"{html.escape(intro)}\n" + "\n".join(f"• {html.escape(line)}" for line in wanted) + "\n\n"
        f"{html.escape(closing)}\n"
        f'<a href="{html.escape(confirm_link, quote=True)}"><b>Xác nhận đăng ký</b></a>'
    )
    return compose(to=to, mail_from=mail_from, subject="Xác nhận đăng ký nhận cảnh báo portalwatch", text=text,
                   html_body=markup, message_id=make_msgid("confirm", _domain(mail_from)))


class EmailChannel:
    """Sends through one SMTP server over one reused connection, paced per server."""

    kind = "email"

    def __init__(self, config: SmtpConfig, mail_from: str, *, per_minute: float = 60.0, timeout: float = 30.0,
                 unsubscribe: Unsubscribe | None = None, pacer: MailPacer | None = None,
                 tls_context: ssl.SSLContext | None = None):
        self.config, self.mail_from, self.timeout = config, mail_from, timeout
        self.unsubscribe = unsubscribe
        self.pacer = pacer or MailPacer(per_minute)
        self.tls_context = tls_context or ssl.create_default_context()
        self._conn: smtplib.SMTP | None = None
        self._lock = asyncio.Lock()
        self.submitted = 0
        # The last connection attempt's failure; until the sender lets its next probe through
        # (``allow_retry``), sends get that failure at once instead of dialling the same dead server.
        self._refused: ServerRefused | None = None
        self._may_retry = True

    # --- messages -------------------------------------------------------------------------
    def alert_message(self, target, view) -> EmailMessage:
        from monitor.alerting.sender import message_of

        alert = message_of(view)
        text = render_text(alert)
        return compose(
            to=target.address, mail_from=self.mail_from, subject=text.splitlines()[0], text=text,
            html_body=render_html(alert), message_id=f"<alert-{view.alert_id}.channel-{target.channel_id}@{_domain(self.mail_from)}>",
            unsubscribe=self.unsubscribe, channel_id=target.channel_id,
        )

    async def send(self, target, view) -> str:
        message = self.alert_message(target, view)
        await self._submit(message, target.address)
        return message["Message-ID"]

    async def send_digest(self, target, html_text: str, plain: str) -> str:
        from datetime import datetime, timezone

        day = datetime.now(timezone.utc).astimezone(VN_TZ)
        message = compose(
            to=target.address, mail_from=self.mail_from, subject=plain.splitlines()[0], text=plain, html_body=html_text,
            message_id=f"<digest-{day:%Y%m%d}.channel-{target.channel_id}@{_domain(self.mail_from)}>",
            unsubscribe=self.unsubscribe, channel_id=target.channel_id,
        )
        await self._submit(message, target.address)
        return message["Message-ID"]

    async def send_notice(self, address: str, text: str) -> str:
        message = compose(
            to=address, mail_from=self.mail_from, subject=f"[portalwatch] {text.splitlines()[0]}", text=text,
            html_body=html.escape(text), message_id=make_msgid("notice", _domain(self.mail_from)),
        )
        await self._submit(message, address)
        return message["Message-ID"]

    async def send_message(self, message: EmailMessage, rcpt: str) -> str:
        """Any composed message (e.g. the web sign-up's confirmation), paced like the alerts."""
        await self._submit(message, rcpt)
        return message["Message-ID"]

    # --- SMTP ------------------------------------------------------------------------------
    async def _submit(self, message: EmailMessage, rcpt: str) -> None:
        async with self._lock:
            if self._conn is None and self._refused is not None and not self._may_retry:
                raise ServerRefused(self._refused.reason)  # refused a moment ago: no new dial before the next probe
            await self.pacer.acquire()
            try:
                await asyncio.to_thread(self._send_sync, message, rcpt)
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code == 421:
                    self.pacer.pause(min(60.0, 10 * self.pacer.interval))
                raise

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.implicit_tls:
            conn = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=self.timeout, context=self.tls_context)
        else:
            conn = smtplib.SMTP(cfg.host, cfg.port, timeout=self.timeout)
        try:
            conn.ehlo()
            if cfg.starttls == "required" or (cfg.starttls == "auto" and conn.has_extn("starttls")):
                conn.starttls(context=self.tls_context)
                conn.ehlo()
            if cfg.username:
                conn.login(cfg.username, cfg.password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self) -> smtplib.SMTP:
        """A fresh connection, or ``ServerRefused`` naming why none could be made (never the password)."""
        where = f"{self.config.host}:{self.config.port}"
        try:
            conn = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            refused = ServerRefused(f"SMTP login refused by {where}: {_answer(exc.smtp_code, exc.smtp_error)}")
        except smtplib.SMTPResponseException as exc:  # a greeting, EHLO or STARTTLS answer other than OK
            refused = ServerRefused(f"SMTP server {where} refused the connection: {_answer(exc.smtp_code, exc.smtp_error)}")
        except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out, TLS failed, hung up
            refused = ServerRefused(f"SMTP server {where} unreachable: {type(exc).__name__}: {exc}")
        else:
            self._refused = None
            return conn
        self._refused, self._may_retry = refused, False
        raise refused

    def _send_sync(self, message: EmailMessage, rcpt: str) -> None:
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = self._open()
            try:
                self._conn.send_message(message, self.mail_from, [rcpt])
                self.submitted += 1
                return
            except smtplib.SMTPServerDisconnected:
                self._drop()
                if attempt == 2:
                    raise  # a reused connection the server had closed gets one fresh try
            except smtplib.SMTPRecipientsRefused:
                raise  # smtplib has reset the transaction; the connection is still good
            except BaseException:
                self._drop()
                raise

    def allow_retry(self) -> None:
        """The sender's probe of a halted e-mail is due: the next send may dial the server again."""
        self._may_retry = True

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await asyncio.to_thread(_quit, conn)

    def classify(self, exc: BaseException) -> SendAction:
        return classify_smtp(exc)


def _quit(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except Exception:
        conn.close()


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def classify_smtp(exc: BaseException) -> SendAction:
    if isinstance(exc, ServerRefused):
        return SendAction(Action.HALT, exc.reason)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (0, b""))
        reason = f"recipient refused: {_answer(code, text)}"
        return SendAction(Action.DEACTIVATE if 500 <= code < 600 else Action.BACKOFF, reason)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SendAction(Action.HALT, f"SMTP login refused: {_answer(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = f"SMTP {_answer(exc.smtp_code, exc.smtp_error)}"
        if 400 <= exc.smtp_code < 500:
            return SendAction(Action.BACKOFF, reason)
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return SendAction(Action.HALT, f"sender refused (check PORTALWATCH_MAIL_FROM): {reason}")
        return SendAction(Action.GIVE_UP, reason)  # this message, as it is, will never be accepted
    if isinstance(exc, smtplib.SMTPException | OSError | TimeoutError):
        return SendAction(Action.BACKOFF, f"{type(exc).__name__}: {exc}")
    return SendAction(Action.GIVE_UP, f"unexpected {type(exc).__name__}: {exc}")
