"""A fake Telegram Bot API server that speaks real HTTP on 127.0.0.1.

python-telegram-bot is driven against it through ``base_url`` exactly as against api.telegram.org,
so its real request code, error mapping (RetryAfter, Forbidden, ChatMigrated, TimedOut) and
Application polling are what the tests exercise. The server runs its own event loop in a
background thread, which lets sync tests, ``asyncio.run`` tests and benches share one
implementation, and keeps the client's loop from being slowed by the server's work.

Rate limits follow Telegram's published numbers (1 message/s per chat, 30/s overall, 20/min per
group), counted strictly on arrival times in sliding windows (``telegram_limits``), and answer
429 + ``retry_after``. Every sendMessage and sendPhoto (a multipart upload; the photo's bytes are
kept in ``SentMessage.photo``, its caption in ``text``) is recorded with its arrival time and answer
(``attempts``), so a test can compare what a sender released with what the server saw arrive.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import math
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.telegram_html import HtmlError, telegram_length, visible_text
from tests.fakes.telegram_limits import Limits, RateLimiter

DEFAULT_TOKEN = "123456789:AAE-portalwatch-fake-token"
# Parameters PTB sends as plain strings in a form body; every other value is JSON-encoded.
_STRING_PARAMS = frozenset({"text", "parse_mode", "url", "caption", "secret_token", "language_code"})


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    chat_id: int | str
    text: str
    parse_mode: str | None
    at: float  # time.monotonic() when the request arrived
    params: dict[str, Any] = field(repr=False)
    # sendPhoto: the uploaded file's bytes (``text`` is then the caption).
    photo: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Attempt:
    """One sendMessage as the server saw it: when it arrived and what it answered."""

    chat_id: Any
    text: str
    at: float
    status: int


@dataclass
class _Fault:
    status: int = 0
    description: str = ""
    delay: float = 0.0


def _error(status: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query, JSON or form parameters; a multipart file part (an upload, as PTB sends a photo) comes
    as ``bytes`` under its field name, and an ``attach://name`` value is replaced by that part."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            return {**params, **(await request.json())}
        form = await request.post()
        files = {k: v.file.read() for k, v in form.items() if isinstance(v, web.FileField)}
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
        params.update(files)
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
                params[key] = files[value[9:]]
    for key, value in params.items():
        if key not in _STRING_PARAMS and isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                pass  # e.g. chat_id="@channelname"
    return params


class FakeTelegramServer:
    """Use as ``with FakeTelegramServer() as server:`` or ``async with``; ``server.base_url`` goes to PTB."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, limits: Limits | None = None,
                 bot_username: str = "portalwatch_test_bot", clock=time.monotonic) -> None:
        """``clock`` stamps arrivals (a frozen one makes limit tests independent of machine load)."""
        self.token = token
        self.clock = clock
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.limits = limits or Limits()
        self.url = ""
        self.count_429 = 0
        self.count_403 = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.attempts: list[Attempt] = []
        self._sent: list[SentMessage] = []
        self._updates: list[dict[str, Any]] = []
        self._blocked: dict[Any, str] = {}
        self._migrated: dict[Any, int] = {}
        self._faults: collections.deque[_Fault] = collections.deque()
        self._rate = RateLimiter(self.limits)
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._lock = threading.Lock()
        self._sent_changed = threading.Condition(self._lock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._new_update: asyncio.Event | None = None
        self._closing: asyncio.Event | None = None
        self._start_error: Exception | None = None
        # While True every method answers 502 (Telegram or the network in between is down).
        self.unavailable = False
        self._methods = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "deletewebhook": self._true,
            "setmycommands": self._true,
            "deletemycommands": self._true,
            "sendchataction": self._true,
            "logout": self._true,
            "close": self._true,
            "getmycommands": self._get_my_commands,
            "getwebhookinfo": self._get_webhook_info,
        }

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """What ``telegram.Bot(base_url=...)`` wants: PTB appends ``<token>/<method>``."""
        return f"{self.url}/bot"

    def start(self) -> FakeTelegramServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(sock, ready), name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10) or self._start_error:
            raise RuntimeError("fake Telegram server did not start") from self._start_error
        return self

    def _serve(self, sock: socket.socket, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._open(sock))
        except Exception as exc:  # handed to start(), which raises it in the test's thread
            self._start_error = exc
            return
        finally:
            ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _open(self, sock: socket.socket) -> None:
        self._new_update, self._closing = asyncio.Event(), asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def _close(self) -> None:
        self._closing.set()
        self._new_update.set()
        await self._runner.cleanup()

    def stop(self) -> None:
        if self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(15)
        self._thread = None

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> FakeTelegramServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    def bot(self, *, pool_size: int = 8, read_timeout: float = 5.0):
        """A real ``telegram.Bot`` pointed here; PTB's default pool of 1 would serialise sends."""
        from telegram import Bot
        from telegram.request import HTTPXRequest

        request = HTTPXRequest(connection_pool_size=pool_size, read_timeout=read_timeout, pool_timeout=30.0)
        return Bot(self.token, base_url=self.base_url, request=request)

    # -- test controls -----------------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake_pollers)
        return update

    def push_message(self, chat_id: int, text: str, *, chat_type: str | None = None,
                     user_id: int | None = None, first_name: str = "Người dùng") -> dict[str, Any]:
        """Queue a user's message (a command when it starts with "/") for getUpdates."""
        chat_type = chat_type or ("private" if chat_id > 0 else "group")
        user_id = user_id if user_id is not None else (chat_id if chat_type == "private" else 4242)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        chat.update({"first_name": first_name} if chat_type == "private" else {"title": f"Nhóm {chat_id}"})
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "text": text,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"},
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": telegram_length(command)}]
        return self.push_update({"message": message})

    def block(self, chat_id: Any, description: str | None = None) -> None:
        default = "bot was kicked from the group chat" if isinstance(chat_id, int) and chat_id < 0 else "bot was blocked by the user"
        with self._lock:
            self._blocked[chat_id] = f"Forbidden: {description or default}"

    def unblock(self, chat_id: Any) -> None:
        with self._lock:
            self._blocked.pop(chat_id, None)

    def migrate(self, chat_id: Any, new_chat_id: int) -> None:
        with self._lock:
            self._migrated[chat_id] = new_chat_id

    def fail_next(self, count: int = 1, status: int = 502, description: str = "Bad Gateway") -> None:
        """The next ``count`` sendMessage calls answer ``status`` and deliver nothing."""
        with self._lock:
            self._faults.extend(_Fault(status=status, description=description) for _ in range(count))

    def delay_next(self, count: int = 1, seconds: float = 5.0) -> None:
        """The next ``count`` sendMessage calls are answered late (then delivered, as Telegram may)."""
        with self._lock:
            self._faults.extend(_Fault(delay=seconds) for _ in range(count))

    @property
    def sent(self) -> list[SentMessage]:
        with self._lock:
            return list(self._sent)

    def sent_to(self, chat_id: Any) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def wait_for_messages(self, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """Block until ``count`` messages were accepted; TimeoutError keeps a broken test from hanging."""
        with self._sent_changed:
            if not self._sent_changed.wait_for(lambda: len(self._sent) >= count, timeout):
                raise TimeoutError(f"{len(self._sent)} of {count} messages after {timeout}s")
            return list(self._sent)

    async def wait_for_messages_async(self, count: int, timeout: float = 10.0) -> list[SentMessage]:
        return await asyncio.to_thread(self.wait_for_messages, count, timeout)

    # -- HTTP --------------------------------------------------------------------------------
    def _wake_pollers(self) -> None:
        woken, self._new_update = self._new_update, asyncio.Event()
        woken.set()

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = self.clock()  # Telegram counts arrivals: stamp before the body is read
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        if self.unavailable:
            return _error(502, "Bad Gateway")
        method = request.match_info["method"].lower()
        params = await _read_params(request)
        with self._lock:
            self.calls.append((method, params))
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, "Not Found")
        if handler in (self._send_message, self._send_photo):
            response = await handler(params, arrived)
            text = params.get("text") if handler == self._send_message else params.get("caption")
            with self._lock:
                self.attempts.append(Attempt(params.get("chat_id"), text or "", arrived, response.status))
            return response
        return await handler(params)

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Portalwatch", "username": self.bot_username}

    async def _get_me(self, params: dict[str, Any]) -> web.Response:
        return _ok({**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": False})

    async def _true(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _get_my_commands(self, params: dict[str, Any]) -> web.Response:
        return _ok([])

    async def _get_webhook_info(self, params: dict[str, Any]) -> web.Response:
        with self._lock:
            pending = len(self._updates)
        return _ok({"url": "", "has_custom_certificate": False, "pending_update_count": pending})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            woken = self._new_update
            with self._lock:
                if offset > 0:  # Telegram forgets updates below the offset: they are confirmed.
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                pending = self._updates[:limit]
            remaining = deadline - time.monotonic()
            if pending or remaining <= 0 or self._closing.is_set():
                return _ok(pending)
            try:
                await asyncio.wait_for(woken.wait(), remaining)
            except TimeoutError:
                pass

    async def _next_fault(self) -> web.Response | None:
        """Take the next injected fault: a delay is waited out (or cut short by closing) and None returned,
        an error status comes back as the response to give."""
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault and fault.delay:
            try:
                await asyncio.wait_for(self._closing.wait(), fault.delay)
            except TimeoutError:
                pass
        elif fault:
            return _error(fault.status, fault.description)
        return None

    async def _send_message(self, params: dict[str, Any], arrived: float) -> web.Response:
        refused = await self._next_fault()
        if refused is not None:
            return refused
        chat_id, text = params.get("chat_id"), params.get("text")
        if chat_id in (None, ""):
            return _error(400, "Bad Request: chat_id is empty")
        parse_mode = params.get("parse_mode")
        try:
            visible = visible_text(text or "") if str(parse_mode).lower() == "html" else (text or "")
        except HtmlError as exc:
            return _error(400, f"Bad Request: {exc}")
        if not visible.strip():
            return _error(400, "Bad Request: message text is empty")
        if telegram_length(visible) > 4096:
            return _error(400, "Bad Request: message is too long")
        return self._deliver(chat_id, text, parse_mode, visible, params, arrived)

    async def _send_photo(self, params: dict[str, Any], arrived: float) -> web.Response:
        """An uploaded photo (multipart), as Telegram takes one: PNG or JPEG up to 10 MB, caption up to
        1024 characters; paced, blocked and migrated like sendMessage."""
        refused = await self._next_fault()
        if refused is not None:
            return refused
        chat_id, photo, caption = params.get("chat_id"), params.get("photo"), params.get("caption") or ""
        if chat_id in (None, ""):
            return _error(400, "Bad Request: chat_id is empty")
        if not isinstance(photo, bytes) or not photo:
            return _error(400, "Bad Request: there is no photo in the request")
        if len(photo) > 10 * 1024 * 1024:
            return _error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        size = _image_size(photo)
        if size is None:
            return _error(400, "Bad Request: IMAGE_PROCESS_FAILED")
        parse_mode = params.get("parse_mode")
        try:
            visible = visible_text(caption) if str(parse_mode).lower() == "html" else caption
        except HtmlError as exc:
            return _error(400, f"Bad Request: {exc}")
        if telegram_length(visible) > 1024:
            return _error(400, "Bad Request: message caption is too long")
        return self._deliver(chat_id, caption, parse_mode, visible, params, arrived, photo=photo, size=size)

    def _deliver(self, chat_id: Any, text: str, parse_mode: str | None, visible: str,
                 params: dict[str, Any], arrived: float, photo: bytes | None = None,
                 size: tuple[int, int] | None = None) -> web.Response:
        with self._lock:
            if chat_id in self._blocked:
                self.count_403 += 1
                return _error(403, self._blocked[chat_id])
            if chat_id in self._migrated:
                return _error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                              migrate_to_chat_id=self._migrated[chat_id])
            wait = self._rate.check(chat_id, arrived)
            if wait > 0:
                self.count_429 += 1
                retry_after = max(1, math.ceil(wait))
                return _error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
            message_id = next(self._message_ids)
            self._sent.append(SentMessage(message_id, chat_id, text, parse_mode, arrived, params, photo))
            self._sent_changed.notify_all()
        chat = {"id": chat_id, "type": "private" if isinstance(chat_id, int) and chat_id > 0 else "group"}
        if chat["type"] == "group":
            chat["title"] = f"Nhóm {chat_id}"
        result = {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": self._bot_user()}
        if photo is None:
            return _ok({**result, "text": visible})
        width, height = size
        photo_size = {"file_id": f"photo-{message_id}", "file_unique_id": f"u{message_id}", "width": width,
                      "height": height, "file_size": len(photo)}
        return _ok({**result, "photo": [photo_size], **({"caption": visible} if visible else {})})


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG (IHDR) or a JPEG (SOFn marker); None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
            i += 2 + length
    return None
