"""What the sender should do about each error python-telegram-bot raises on a send.

Kept apart from the sender loop so the policy is one readable table, tested against the
exceptions PTB really raises for real HTTP answers. The rule of thumb: an alert is given up only
when retrying cannot succeed (the request itself is wrong); a chat is deactivated only when
Telegram says the recipient is gone; anything transient is retried so no alert is lost.
"""

from __future__ import annotations

import datetime as dt
import enum
import warnings
from dataclasses import dataclass

from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning


class Action(enum.StrEnum):
    RETRY_AFTER = "retry_after"  # wait ``seconds`` (pause the pacer), then resend
    DEACTIVATE = "deactivate"  # the chat is gone: stop sending to it, drop its pending alerts
    MIGRATE = "migrate"  # the group became a supergroup: update the chat id, resend there
    BACKOFF = "backoff"  # transient: resend later with growing delays
    GIVE_UP = "give_up"  # this message can never be sent as it is: record ``reason``
    HALT = "halt"  # the transport itself is unusable (bad token, SMTP login refused): pause the kind, keep every alert, probe with backoff


@dataclass(frozen=True)
class SendAction:
    action: Action
    reason: str = ""
    seconds: float | None = None
    new_chat_id: int | None = None


# BadRequest descriptions that mean the recipient no longer exists or no longer hears the bot.
_GONE = (
    "chat not found",
    "user not found",
    "peer_id_invalid",
    "user is deactivated",
    "bot was kicked",
    "bot is not a member",
    "not enough rights",
    "have no rights",
    "need administrator rights",
    "chat_write_forbidden",
    "group chat was deactivated",
)


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` is an int or a timedelta depending on PTB_TIMEDELTA; read it without the warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def classify(exc: BaseException) -> SendAction:
    # Order matters: BadRequest and TimedOut are subclasses of NetworkError.
    if isinstance(exc, RetryAfter):
        return SendAction(Action.RETRY_AFTER, str(exc), seconds=retry_after_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return SendAction(Action.MIGRATE, str(exc), new_chat_id=exc.new_chat_id)
    if isinstance(exc, Forbidden):
        return SendAction(Action.DEACTIVATE, exc.message)
    if isinstance(exc, InvalidToken):
        return SendAction(Action.HALT, exc.message)
    if isinstance(exc, BadRequest):
        lowered = exc.message.lower()
        if any(marker in lowered for marker in _GONE):
            return SendAction(Action.DEACTIVATE, exc.message)
        return SendAction(Action.GIVE_UP, exc.message)
    if isinstance(exc, TelegramError):  # TimedOut, NetworkError (incl. 5xx answers), Conflict
        return SendAction(Action.BACKOFF, exc.message)
    if isinstance(exc, OSError | TimeoutError):  # a sender's own wait_for or socket trouble
        return SendAction(Action.BACKOFF, f"{type(exc).__name__}: {exc}")
    # Anything else is a bug on our side; retrying would repeat it forever.
    return SendAction(Action.GIVE_UP, f"unexpected {type(exc).__name__}: {exc}")
