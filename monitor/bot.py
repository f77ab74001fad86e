"""The subscriber bot (python-telegram-bot 22): Vietnamese commands that write subscribers and rules.

Handlers only touch the database; alerts are queued by matching and sent by the sender, so a slow
Telegram never stalls a crawl and a command takes effect at the next match. Replies are sent
through the bot's pacer (the alerts' own), cut into parts that fit a message; a reply refused with
403 (the user blocked the bot, the bot left the group) deactivates the chat at once, so no alert is
ever tried on it.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import shlex
from datetime import timedelta

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from monitor.alerting.format import reason_label, vn_time
from monitor.alerting.htmlsplit import split_message
from monitor.alerting.pacing import pacer_for
from monitor.alerting.telegram_errors import Action, classify
from monitor.keywords import MAX_KEYWORD_CHARS, MAX_KEYWORDS_PER_CHAT, add_keywords
from storage import outbox, repositories as repo, subscribers
from storage.db import transaction
from storage.models import Portal
from storage.types import utcnow

log = logging.getLogger("portalwatch.bot")
OFFSET_KEY = "telegram.update_offset"

HELP = """<b>portalwatch</b> — theo dõi cổng thông tin các tỉnh: chỉ thị, nghị quyết mới và các đoàn nước ngoài.

/start — đăng ký nhận cảnh báo mặc định (chỉ thị mới, đoàn nước ngoài)
/subscribe &lt;từ khóa …&gt; — theo dõi từ khóa; cụm từ đặt trong ngoặc kép, thêm ~ phía trước để không phân biệt dấu
/unsubscribe &lt;từ khóa|all&gt; — bỏ theo dõi từ khóa (all: bỏ tất cả từ khóa)
/list — những gì bạn đang theo dõi
/portals — các cổng đang được theo dõi
/latest — các bài gần đây đã gửi cho bạn
/mute &lt;số giờ&gt; — tạm dừng cảnh báo (0 để bật lại)
/digest &lt;off|daily HH:MM&gt; — nhận một bản tổng hợp mỗi ngày thay cho cảnh báo tức thì
/digest weekly — nhận bức tranh tuần vào 8:00 sáng thứ Hai (/digest weekly off để tắt)
/tuan — bức tranh tuần này
/stop — ngừng nhận mọi cảnh báo"""

ADMIN_HELP = """
<b>Quản trị</b>
/status — tình trạng các cổng
/pause &lt;mã cổng&gt; — tạm dừng thu thập một cổng
/resume &lt;mã cổng&gt; — thu thập lại"""

COMMANDS = [
    ("start", "Đăng ký nhận cảnh báo"),
    ("help", "Hướng dẫn"),
    ("subscribe", "Theo dõi từ khóa"),
    ("unsubscribe", "Bỏ theo dõi từ khóa"),
    ("list", "Những gì bạn đang theo dõi"),
    ("portals", "Các cổng được theo dõi"),
    ("latest", "Bài gần đây"),
    ("mute", "Tạm dừng cảnh báo"),
    ("digest", "Bản tổng hợp hằng ngày, bức tranh tuần"),
    ("tuan", "Bức tranh tuần này"),
    ("stop", "Ngừng nhận cảnh báo"),
]
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def e(text: object) -> str:
    return html.escape(str(text), quote=False)


class BotContext:
    """What handlers need, kept in ``application.bot_data['pw']``."""

    def __init__(self, factory, admin_chat_ids: list[int], max_keywords: int = MAX_KEYWORDS_PER_CHAT,
                 max_keyword_chars: int = MAX_KEYWORD_CHARS, week_picture=None, base_url: str = ""):
        self.factory = factory
        self.admins = set(admin_chat_ids)
        self.max_keywords = max_keywords
        self.max_keyword_chars = max_keyword_chars
        # ``week_picture(session, iso_year, iso_week, base_url)`` -> png, caption, link (the web's /tuan/).
        self.week_picture = week_picture
        self.base_url = base_url


# Each bot's context by token, for code that has an update but no handler context (_reply).
_CONTEXTS: dict[str, BotContext] = {}


def _ctx(context: ContextTypes.DEFAULT_TYPE) -> BotContext:
    return context.application.bot_data["pw"]


async def _in_transaction(context: ContextTypes.DEFAULT_TYPE, work):
    """``work(session)`` in one transaction on a worker thread: a locked database (SQLite waits up to
    30 s) must not freeze the event loop the daemon's /healthz, sender and other chats share."""
    factory = _ctx(context).factory

    def run():
        with transaction(factory) as session:
            return work(session)

    return await asyncio.to_thread(run)
REPLY_ATTEMPTS = 3


async def _reply(update: Update, text: str) -> None:
    """Send ``text`` in as many messages as it needs, paced like alerts; a 403 deactivates the chat."""
    message = update.effective_message
    for part in split_message(text):
        sent = await _paced(update, lambda part=part: message.reply_text(
            part, parse_mode=ParseMode.HTML, disable_web_page_preview=True))
        if not sent:
            return


async def _paced(update: Update, request) -> bool:
    """One reply request through the bot's pacer (the alerts' own), retried on RetryAfter; False when
    the chat refused it (403: deactivated at once)."""
    chat_id = update.effective_chat.id
    pacer = pacer_for(update.effective_message.get_bot().token)
    for attempt in range(REPLY_ATTEMPTS):
        try:
            await pacer.send(chat_id, request)
            return True
        except Exception as exc:
            decision = classify(exc)
            if decision.action == Action.RETRY_AFTER and attempt + 1 < REPLY_ATTEMPTS:
                pacer.pause(decision.seconds or 1.0, chat_id)
                continue
            if decision.action == Action.DEACTIVATE:
                await _chat_gone(update, decision.reason)
                return False
            raise
    return False


def _deactivate(factory, chat_id: int, reason: str) -> None:
    with transaction(factory) as session:
        subscriber = subscribers.get_subscriber(session, chat_id)
        if subscriber is not None:
            subscribers.deactivate(session, chat_id, reason)
            outbox.drop_pending(session, subscriber.id, reason)


async def _chat_gone(update: Update, reason: str) -> None:
    chat_id = update.effective_chat.id
    context = _CONTEXTS.get(update.get_bot().token)
    if context is None:  # an application not made by build_application: nothing to deactivate in
        log.warning("chat %s refused the bot's reply (%s)", chat_id, reason)
        return
    log.warning("chat %s refused the bot's reply (%s): deactivated", chat_id, reason)
    await asyncio.to_thread(_deactivate, context.factory, chat_id, reason)


def _chat_title(update: Update) -> str | None:
    chat = update.effective_chat
    return chat.title or chat.username or chat.full_name


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, title = update.effective_chat, _chat_title(update)
    _, created = await _in_transaction(context, lambda session: subscribers.register(session, chat.id, chat.type, title))
    hello = "Chào mừng bạn đến với portalwatch!" if created else "Bạn đã đăng ký lại thành công."
    await _reply(
        update,
        f"{hello}\nBạn sẽ nhận cảnh báo về <b>chỉ thị, nghị quyết mới</b> và <b>các đoàn nước ngoài</b> "
        "trên tất cả các cổng được theo dõi.\nGõ /help để xem các lệnh.",
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    admin = update.effective_chat.id in _ctx(context).admins
    await _reply(update, HELP + (ADMIN_HELP if admin else ""))


def _subscriber_or_none(session, update: Update):
    subscriber = subscribers.get_subscriber(session, update.effective_chat.id)
    return subscriber if subscriber is not None and subscriber.active else None


NOT_REGISTERED = "Bạn chưa đăng ký. Gõ /start để bắt đầu."


def parse_keywords(text: str) -> list[str]:
    try:
        parts = shlex.split(text)
    except ValueError:  # an unclosed quote: take the words as they are
        parts = text.replace('"', " ").split()
    return [" ".join(p.split()) for p in parts if p.strip()]


def _args_text(update: Update) -> str:
    text = update.effective_message.text or ""
    return text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""


def registered(body):
    """A command for registered chats: ``body(session, subscriber, update) -> reply`` runs in one
    transaction, and the reply is sent once it has committed."""

    def work(session, update: Update) -> str:
        subscriber = _subscriber_or_none(session, update)
        return NOT_REGISTERED if subscriber is None else body(session, subscriber, update)

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _reply(update, await _in_transaction(context, lambda session: work(session, update)))

    return handler


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    limits = _ctx(context)

    @registered
    def body(session, subscriber, update: Update) -> str:
        return _subscribe(session, subscriber, update, limits.max_keywords, limits.max_keyword_chars)

    await body(update, context)


SHOWN = 10  # keywords named one by one in a /subscribe reply; the rest are counted


def _short(keyword: str, width: int = 60) -> str:
    return keyword if len(keyword) <= width else keyword[:width] + "…"


def _names(keywords: list[str]) -> str:
    shown = ", ".join(f"<b>{e(_short(k))}</b>" for k in keywords[: 5 * SHOWN])
    return shown + (f" và {len(keywords) - 5 * SHOWN} từ khóa khác" if len(keywords) > 5 * SHOWN else "")


def _subscribe(session, subscriber, update: Update, max_keywords: int, max_chars: int) -> str:
    keywords = parse_keywords(_args_text(update))
    if not keywords:
        return 'Cú pháp: /subscribe &lt;từ khóa …&gt;, ví dụ: /subscribe Lào "đoàn công tác"'
    result = add_keywords(session, subscriber, keywords, max_keywords=max_keywords, max_chars=max_chars)
    lines = []
    if result.added:
        lines.append("Đã theo dõi: " + _names(result.added))
    if result.already:
        lines.append("Đã có trong danh sách: " + _names(result.already))
    for error in result.rejected[:SHOWN]:
        lines.append(f"Không nhận «{e(_short(error.keyword))}»: {e(error.vi)}.")
    if len(result.rejected) > SHOWN:
        lines.append(f"… và {len(result.rejected) - SHOWN} từ khóa khác không hợp lệ.")
    if result.over_cap:
        lines.append(
            f"Chưa thêm {len(result.over_cap)} từ khóa: mỗi cuộc trò chuyện theo dõi tối đa {max_keywords} từ khóa. "
            "Bỏ bớt bằng /unsubscribe rồi thử lại."
        )
    return "\n".join(lines)


@registered
def unsubscribe(session, subscriber, update: Update) -> str:
    keywords = parse_keywords(_args_text(update))
    if not keywords:
        return "Cú pháp: /unsubscribe &lt;từ khóa|all&gt;"
    if [k.casefold() for k in keywords] == ["all"]:
        removed = subscribers.remove_rules(session, subscriber)
    else:
        removed = sum(subscribers.remove_rules(session, subscriber, k) for k in keywords)
    return f"Đã bỏ {removed} từ khóa." if removed else "Không tìm thấy từ khóa đó trong danh sách."


@registered
def list_command(session, subscriber, update: Update) -> str:
    lines = ["<b>Bạn đang theo dõi</b>"]
    if subscriber.follows_defaults:
        lines.append("• Chỉ thị, nghị quyết mới — tất cả các cổng")
        lines.append("• Đoàn nước ngoài — tất cả các cổng")
    lines += [f"• Từ khóa: <b>{e(r.name)}</b>" for r in subscribers.rules_of(session, subscriber)]
    if len(lines) == 1:
        lines.append("(chưa có gì)")
    if subscriber.muted_until and subscriber.muted_until > utcnow():
        lines.append(f"Tạm dừng đến {_vn(subscriber.muted_until)}")
    if subscriber.digest_time:
        lines.append(f"Bản tổng hợp hằng ngày lúc {e(subscriber.digest_time)}")
    if subscriber.weekly_since:
        lines.append("Bức tranh tuần: 8:00 sáng thứ Hai")
    return "\n".join(lines)


def _vn(moment) -> str:
    return vn_time(moment)


async def portals_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from sqlalchemy import select

    def work(session) -> list[str]:
        portals = list(session.scalars(select(Portal).where(Portal.enabled.is_(True)).order_by(Portal.name)))
        return [f"<b>{len(portals)} cổng đang được theo dõi</b>"] + [f"• {e(p.name)}" for p in portals]

    lines = await _in_transaction(context, work)
    await _reply(update, "\n".join(lines))


@registered
def latest(session, subscriber, update: Update) -> str:
    rows = outbox.latest_for(session, subscriber.id, limit=5)
    if not rows:
        return "Chưa có bài nào được gửi cho bạn."
    lines = ["<b>Bài gần đây</b>"]
    for alert, article in rows:
        kinds = ", ".join(dict.fromkeys(reason_label(r) for r in alert.reasons))
        when = _vn(article.published_at) if article.published_at else "không rõ"
        lines.append(f'• <a href="{html.escape(article.url, quote=True)}">{e(article.title)}</a> ({when}; {e(kinds)})')
    return "\n".join(lines)


@registered
def mute(session, subscriber, update: Update) -> str:
    try:
        hours = float(_args_text(update).strip().replace(",", "."))
        if not 0 <= hours <= 24 * 30:
            raise ValueError
    except ValueError:
        return "Cú pháp: /mute &lt;số giờ&gt; (0 để bật lại, tối đa 720)"
    until = utcnow() + timedelta(hours=hours) if hours else None
    subscribers.set_mute(session, subscriber, until)
    if until is None:
        return "Đã bật lại cảnh báo."
    return f"Tạm dừng cảnh báo đến {_vn(until)}. Cảnh báo trong thời gian này sẽ được gửi sau."


@registered
def digest(session, subscriber, update: Update) -> str:
    args = _args_text(update).split()
    if args[:1] == ["weekly"] and args[1:] in ([], ["on"], ["off"]):
        on = args[1:] != ["off"]
        subscribers.set_weekly(session, subscriber.id, on)
        if not on:
            return "Đã tắt bức tranh tuần."
        return "Bạn sẽ nhận bức tranh tuần vào 8:00 sáng thứ Hai hằng tuần (giờ Việt Nam). Gõ /tuan để xem tuần này."
    if args == ["off"]:
        at = None
    elif len(args) == 2 and args[0] == "daily" and _HHMM.match(args[1]):
        hour, minute = _HHMM.match(args[1]).groups()
        at = f"{int(hour):02d}:{minute}"
    else:
        return "Cú pháp: /digest off, /digest daily HH:MM (giờ Việt Nam), /digest weekly hoặc /digest weekly off"
    subscribers.set_digest(session, subscriber, at)
    if at is None:
        return "Đã tắt bản tổng hợp: cảnh báo được gửi ngay."
    return f"Bạn sẽ nhận bản tổng hợp mỗi ngày lúc {at} (giờ Việt Nam)."


async def tuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """This week's picture (Vietnam time) as a photo with its caption and link, paced like every reply."""
    from monitor.alerting.weekly import current_week, photo_caption, photo_filename

    ctx = _ctx(context)
    if ctx.week_picture is None:
        await _reply(update, "Bức tranh tuần chưa được bật trên máy chủ này.")
        return
    year, week = current_week(utcnow())
    try:
        picture = await _in_transaction(context, lambda session: ctx.week_picture(session, year, week, ctx.base_url))
    except Exception:
        log.exception("weekly picture of week %d/%d could not be drawn for /tuan", week, year)
        await _reply(update, "Chưa vẽ được bức tranh tuần lúc này, vui lòng thử lại sau.")
        return
    message = update.effective_message
    await _paced(update, lambda: message.reply_photo(
        picture.png, caption=photo_caption(picture), filename=photo_filename(year, week)))


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    def work(session) -> None:
        subscriber = subscribers.get_subscriber(session, update.effective_chat.id)
        if subscriber is not None:
            subscribers.deactivate(session, subscriber.chat_id, "stopped by the user (/stop)")
            outbox.drop_pending(session, subscriber.id, "stopped by the user (/stop)")
            subscribers.set_weekly(session, subscriber.id, False)

    await _in_transaction(context, work)
    await _reply(update, "Bạn đã ngừng nhận cảnh báo. Gõ /start để đăng ký lại.")


def _admin_only(handler):
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat.id not in _ctx(context).admins:
            await _reply(update, "Xin lỗi, lệnh này chỉ dành cho quản trị viên.")
            return
        await handler(update, context)

    return guarded


@_admin_only
async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from sqlalchemy import select

    def work(session) -> list[str]:
        runs = repo.last_runs(session)
        lines = ["<b>Tình trạng các cổng</b>"]
        for portal in session.scalars(select(Portal).order_by(Portal.id)):
            run = runs.get(portal.id)
            state = "tạm dừng" if portal.paused else (run.status if run else "chưa thu thập")
            last = _vn(portal.last_success_at) if portal.last_success_at else "chưa có"
            flag = "⚠️ " if portal.consecutive_failures else ""
            lines.append(f"{flag}<code>{e(portal.id)}</code>: {e(state)}; thành công gần nhất {last}")
            if run and run.reason and portal.consecutive_failures:
                lines.append(f"   └ {e(run.reason[:200])}")
        return lines

    lines = await _in_transaction(context, work)
    await _reply(update, "\n".join(lines))


async def _set_paused(update: Update, context: ContextTypes.DEFAULT_TYPE, paused: bool) -> None:
    portal_id = _args_text(update).strip()
    def work(session) -> bool:
        return repo.set_paused(session, portal_id, paused) is not None

    if not await _in_transaction(context, work):
        await _reply(update, f"Không có cổng <code>{e(portal_id or '?')}</code>. Xem /status.")
        return
    await _reply(update, f"Đã {'tạm dừng' if paused else 'tiếp tục'} thu thập <code>{e(portal_id)}</code>.")


@_admin_only
async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _set_paused(update, context, True)


@_admin_only
async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _set_paused(update, context, False)


HANDLERS = {
    "start": start,
    "help": help_command,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "list": list_command,
    "portals": portals_command,
    "latest": latest,
    "mute": mute,
    "digest": digest,
    "tuan": tuan,
    "stop": stop,
    "status": status,
    "pause": pause,
    "resume": resume,
}


def build_application(token: str, api_url: str, factory, admin_chat_ids: list[int], polling: bool = False,
                      max_keywords: int = MAX_KEYWORDS_PER_CHAT, max_keyword_chars: int = MAX_KEYWORD_CHARS,
                      week_picture=None, base_url: str = "") -> Application:
    builder = ApplicationBuilder().token(token).base_url(f"{api_url.rstrip('/')}/bot")
    builder = builder.base_file_url(f"{api_url.rstrip('/')}/file/bot")
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["pw"] = _CONTEXTS[token] = BotContext(factory, admin_chat_ids, max_keywords, max_keyword_chars,
                                                                   week_picture, base_url)
    for name, handler in HANDLERS.items():
        application.add_handler(CommandHandler(name, handler))
    application.add_error_handler(_on_error)
    return application


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("bot handler failed: %s", context.error, exc_info=context.error)


async def publish_commands(application: Application) -> None:
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])


async def process_pending_updates(application: Application, factory) -> int:
    """Apply the commands sent since the last run (``run --once``), remembering the offset durably."""
    with transaction(factory) as session:
        stored = repo.get_state(session, OFFSET_KEY)
    offset = int(stored) if stored else None
    handled = 0
    while True:
        updates = await application.bot.get_updates(offset=offset, timeout=0, allowed_updates=["message"])
        if not updates:
            return handled
        for update in updates:
            await application.process_update(update)
            offset = update.update_id + 1
            with transaction(factory) as session:
                repo.set_state(session, OFFSET_KEY, str(offset))
            handled += 1
