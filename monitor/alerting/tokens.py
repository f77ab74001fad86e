"""Signed, expiring tokens for links in e-mails (one-click unsubscribe, the manage page, the
sign-up confirmation) and for the web workspace's forms.

A token is ``<payload>.<mac>``, both URL-safe base64; the payload is ``purpose:channel_id:expires``
and the MAC an HMAC-SHA256 over it with the secret key, so a link can be trusted without storing
it, and a token made for one purpose never works for another. The web page that receives the link
calls ``verify``; nothing here touches the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

UNSUBSCRIBE = "unsubscribe"
# Unsubscribe links must keep working long after the e-mail arrived (RFC 8058 asks for "some time").
UNSUBSCRIBE_LIFETIME = 365 * 86400
# The manage page (/quan-ly): every alert and digest e-mail carries a fresh link.
MANAGE = "manage"
MANAGE_LIFETIME = 90 * 86400
# The double opt-in link of a web sign-up (its id is the sign-up's, not a channel's).
CONFIRM = "confirm"
CONFIRM_LIFETIME = 2 * 86400
# Hidden in the web's POST forms, so a form on another site cannot submit them (the id is the
# channel the page is about, 0 for the sign-up page).
FORM_SIGNUP = "form-signup"
FORM_MANAGE = "form-manage"
FORM_LIFETIME = 12 * 3600


class BadToken(ValueError):
    """The token is malformed, forged, expired or made for another purpose."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:20]


def sign(key: bytes, purpose: str, channel_id: int, lifetime: float = UNSUBSCRIBE_LIFETIME, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + lifetime)
    payload = f"{purpose}:{channel_id}:{expires}".encode("ascii")
    return f"{_b64(payload)}.{_b64(_mac(key, payload))}"


def verify(key: bytes, token: str, purpose: str, now: float | None = None) -> int:
    """The channel id the token was made for; ``BadToken`` otherwise."""
    try:
        payload_part, mac_part = token.split(".", 1)
        payload, mac = _unb64(payload_part), _unb64(mac_part)
    except ValueError:
        raise BadToken("malformed token") from None
    if not hmac.compare_digest(mac, _mac(key, payload)):
        raise BadToken("bad signature")
    try:
        made_for, channel_id, expires = payload.decode("ascii").split(":")
        channel, until = int(channel_id), int(expires)
    except ValueError:
        raise BadToken("malformed token") from None
    if made_for != purpose:
        raise BadToken(f"token made for {made_for!r}, not {purpose!r}")
    if until < (time.time() if now is None else now):
        raise BadToken("expired token")
    return channel
