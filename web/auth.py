"""Who may use the web pages, and what they may change.

Logins are HTTP Basic. Two sources, either or both:

- ``PORTALWATCH_WEB_PASSWORD``: one shared password, any user name; that login is an admin.
- ``PORTALWATCH_WEB_USERS=path``: a users file, one ``name:role:hash`` a line (role ``admin`` or
  ``viewer``; blank lines and ``#`` comments allowed), written by ``portalwatch web-user add``. The
  hash is scrypt through hashlib (``scrypt$n$r$p$salt$key``, base64); no password is stored.

Without either, pages are open and nothing can be changed from the web (no one is an admin).

Changes are POST forms carrying a CSRF token: an HMAC of the login and a random per-browser session
cookie (``pw_session``, HttpOnly, SameSite=Strict), so the token is worth nothing to another login or
another browser. It is checked with ``hmac.compare_digest``; a POST without it or with a wrong one is a
403 page.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

log = logging.getLogger(__name__)

ROLES = ("admin", "viewer")
NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
# scrypt cost: 16 MiB and ~50 ms a check; verified logins are remembered (see ``Login``).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_COOKIE = "pw_session"
CSRF_FIELD = "csrf"
# Open without login even when a login is configured: Docker's health check and Prometheus; and the
# pages reached from links in e-mails, which check their own signed token (a mail client's one-click
# unsubscribe POST carries no credentials), with the style sheet they use.
OPEN_PATHS = frozenset({"/healthz", "/metrics", "/xac-nhan", "/quan-ly", "/huy-dang-ky", "/static/style.css"})


def _key(name: str, kind: type):
    return web.RequestKey(name, kind) if hasattr(web, "RequestKey") else name  # aiohttp < 3.12: plain names


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def admin(self) -> bool:
        return self.role == "admin"


USER = _key("portalwatch.user", User)
SESSION = _key("portalwatch.session", str)
KEY = _key("portalwatch.csrf_key", bytes)


# --- password hashes --------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def _parse_hash(value: str) -> tuple[int, int, int, bytes, bytes]:
    parts = value.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("the hash is not scrypt$n$r$p$salt$key (make it with `portalwatch web-user add`)")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("the hash has an unreadable number or base64 part") from None
    if n < 2 or n & (n - 1) or not (1 <= r <= 64 and 1 <= p <= 16) or n * r > 2**22 or len(salt) < 8 or len(key) < 16:
        raise ValueError("the hash's scrypt parameters are out of range")
    return n, r, p, salt, key


def verify_password(password: str, stored: str) -> bool:
    try:
        n, r, p, salt, key = _parse_hash(stored)
    except ValueError:
        return False
    given = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(key), maxmem=256 * n * r + 2**20)
    return hmac.compare_digest(given, key)


# --- the users file ---------------------------------------------------------------------------------

def parse_users(text: str, where: str = "users file") -> dict[str, tuple[str, str]]:
    """``{name: (role, hash)}`` from a users file; a bad line raises ValueError naming it (never its hash)."""
    users: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":", 2)
        if len(parts) != 3:
            raise ValueError(f"{where} line {number}: expected name:role:hash")
        name, role, hashed = (part.strip() for part in parts)
        if not NAME.fullmatch(name):
            raise ValueError(f"{where} line {number}: a user name is 1-64 letters, digits or . _ @ -")
        if role not in ROLES:
            raise ValueError(f"{where} line {number}: role must be admin or viewer, not {role[:20]!r}")
        if name in users:
            raise ValueError(f"{where} line {number}: user {name!r} is listed twice")
        try:
            _parse_hash(hashed)
        except ValueError as exc:
            raise ValueError(f"{where} line {number}: {exc}") from None
        users[name] = (role, hashed)
    return users


def read_users(path: Path, missing_ok: bool = False) -> dict[str, tuple[str, str]]:
    """The users file at ``path``, checked; OSError/UnicodeError become a ValueError naming the file.

    ``missing_ok``: a file not made yet in a folder that exists has no users (``web-user add`` makes it)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok and path.parent.is_dir():
            return {}
        where = "" if path.parent.is_dir() else f" (folder {path.parent} does not exist)"
        raise ValueError(f"{path}: no such file{where}; create it with `portalwatch web-user add NAME`") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a folder, not a users file") from None
    except (OSError, UnicodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    return parse_users(text, str(path))


def write_user(path: Path, name: str, role: str, hashed: str) -> bool:
    """Add or replace ``name``'s line, keeping every other line; True when the user was new.

    Written to a temporary file beside it and renamed over it (mode 0600), so a reader never sees
    half a file."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    parse_users("\n".join(lines), str(path))  # refuse to rewrite a file that is already broken
    kept, new = [], True
    for line in lines:
        if line.strip() and not line.strip().startswith("#") and line.split(":", 1)[0].strip() == name:
            if new:
                kept.append(f"{name}:{role}:{hashed}")
            new = False
        else:
            kept.append(line)
    if new:
        kept.append(f"{name}:{role}:{hashed}")
    _replace(path, "\n".join(kept) + "\n")
    return new


def remove_user(path: Path, name: str) -> bool:
    path = Path(path)
    users = read_users(path)
    if name not in users:
        return False
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if not (line.strip() and not line.strip().startswith("#") and line.split(":", 1)[0].strip() == name)]
    _replace(path, "\n".join(lines) + "\n")
    return True


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- logins -----------------------------------------------------------------------------------------

class Login:
    """Checks Basic credentials against the shared password and the users file.

    The users file is read again when it changes on disk (a file that has become bad is logged and
    the last good one kept). A verified login is remembered by an HMAC of its credentials under a
    per-process key, so scrypt runs once per login, not once per request.
    """

    def __init__(self, password: str | None, users_path: Path | None):
        self.password = password.encode("utf-8") if password else None
        self.users_path = Path(users_path) if users_path else None
        self._users: dict[str, tuple[str, str]] = {}
        self._stamp = None
        self._memo_key = secrets.token_bytes(32)
        self._verified: dict[bytes, User] = {}
        self._turns: asyncio.Semaphore | None = None
        if self.users_path is not None:
            self._reload()

    @property
    def enabled(self) -> bool:
        return self.password is not None or self.users_path is not None

    def _reload(self) -> None:
        try:
            stat = self.users_path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return
        if stamp is None:
            log.warning("PORTALWATCH_WEB_USERS: %s does not exist (yet): no named login works until "
                        "`portalwatch web-user add NAME`", self.users_path)
        try:
            users = read_users(self.users_path, missing_ok=True)
        except ValueError as exc:
            log.error("PORTALWATCH_WEB_USERS: %s (keeping the %d users read before)", exc, len(self._users))
            self._stamp = stamp
            return
        self._users, self._stamp, self._verified = users, stamp, {}

    def _memo(self, name: str, password: str) -> bytes:
        return hmac.new(self._memo_key, f"{name}\0{password}".encode("utf-8"), hashlib.sha256).digest()

    def remembered(self, name: str, password: str) -> User | None:
        """A login verified before (cheap, no scrypt); None when it must be checked."""
        if self.users_path is not None:
            self._reload()
        return self._verified.get(self._memo(name, password))

    async def check_async(self, name: str, password: str) -> User | None:
        """``check`` with scrypt in a worker thread, two at a time, so logins never stall the event loop."""
        if (known := self.remembered(name, password)) is not None:
            return known
        if self._turns is None:
            self._turns = asyncio.Semaphore(2)
        async with self._turns:
            return await asyncio.to_thread(self.check, name, password)

    def check(self, name: str, password: str) -> User | None:
        if self.users_path is not None:
            self._reload()
        memo = self._memo(name, password)
        if (known := self._verified.get(memo)) is not None:
            return known
        user = None
        if self.password is not None and hmac.compare_digest(password.encode("utf-8"), self.password):
            user = User(name or "admin", "admin")
        elif name in self._users:
            role, hashed = self._users[name]
            if verify_password(password, hashed):
                user = User(name, role)
        if user is not None:
            if len(self._verified) > 1000:
                self._verified.clear()
            self._verified[memo] = user
        return user


def credentials(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    name, _, password = decoded.partition(":")
    return name, password


def login_of(settings) -> Login:
    secret = getattr(settings, "web_password", None)
    return Login(secret.get_secret_value() if secret else None, getattr(settings, "web_users", None))


def csrf_key(settings) -> bytes:
    """The key tokens are signed with: PORTALWATCH_SECRET_KEY when set, else random for this process."""
    secret = getattr(settings, "secret_key", None)
    return hashlib.sha256(b"portalwatch csrf\0" + secret.get_secret_value().encode("utf-8")).digest() if secret else secrets.token_bytes(32)


def middleware(login: Login, key: bytes, refuse):
    """Logins for every path but ``OPEN_PATHS`` (``refuse(request)`` answers a missing or wrong one),
    the user at ``request[USER]`` (None when no login is configured) and the browser's session id."""

    @web.middleware
    async def authenticate(request: web.Request, handler):
        request[USER], request[KEY] = None, key
        if login.enabled and request.path not in OPEN_PATHS:
            given = credentials(request)
            user = await login.check_async(*given) if given else None
            if user is None:
                return refuse(request)
            request[USER] = user
        session = request.cookies.get(SESSION_COOKIE, "")
        fresh = not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", session)
        request[SESSION] = secrets.token_urlsafe(32) if fresh else session
        response = await handler(request)
        if fresh and request[USER] is not None and not response.prepared:
            response.set_cookie(SESSION_COOKIE, request[SESSION], httponly=True, samesite="Strict", path="/",
                                secure=request.secure)
        return response

    return authenticate


def csrf_token(request: web.Request) -> str | None:
    """The token an admin's forms carry; None for anyone who may not change anything."""
    user = request.get(USER)
    if user is None or not user.admin:
        return None
    message = f"{user.name}\0{user.role}\0{request[SESSION]}".encode("utf-8")
    return hmac.new(request[KEY], message, hashlib.sha256).hexdigest()


async def admin_post(request: web.Request) -> tuple[User | None, str | None, dict]:
    """For a POST that changes something: (the admin, None, the form) or (None, why it is refused, {})."""
    user = request.get(USER)
    if user is None:
        return None, "Trang này chưa bật đăng nhập: đặt PORTALWATCH_WEB_PASSWORD hoặc PORTALWATCH_WEB_USERS để quản trị từ web.", {}
    if not user.admin:
        return None, f"Tài khoản “{user.name}” chỉ được xem, không được thay đổi.", {}
    try:
        form = await request.post()
    except ValueError:
        form = {}
    given = form.get(CSRF_FIELD, "")
    expected = csrf_token(request)
    if not isinstance(given, str) or not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        return None, "Phiên làm việc không hợp lệ hoặc đã hết hạn: tải lại trang rồi thử lại.", {}
    return user, None, dict(form)
