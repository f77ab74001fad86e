"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the e-mail channel's tests and bench.

It keeps every accepted message (parsed with the ``email`` package) and can be told to answer a
given stage with an error: ``fail_next("rcpt", "451 4.7.1 Try again later", 2)`` answers the next
two RCPT commands so, ``refuse("gone@x.vn", "550 5.1.1 No such user")`` refuses one address for
good. It runs in aiosmtpd's own thread, so sync tests, ``asyncio.run`` tests and benches share it.
"""

from __future__ import annotations

import collections
import email
import email.policy
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.daemon import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage


class _Handler:
    def __init__(self, keep_bodies: bool = True) -> None:
        self.keep_bodies = keep_bodies
        self.received: list[Received] = []
        self.faults: dict[str, collections.deque[str]] = collections.defaultdict(collections.deque)
        self.refused: dict[str, str] = {}
        self.lock = threading.Lock()

    def _fault(self, stage: str) -> str | None:
        with self.lock:
            queue = self.faults[stage]
            return queue.popleft() if queue else None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        answer = self._fault("mail")
        if answer:
            return answer
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self._fault("rcpt") or self.refused.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self._fault("data")
        if answer:
            return answer
        raw = envelope.original_content or envelope.content
        if not self.keep_bodies:  # benches: headers only, so the server's memory stays flat too
            raw = raw.split(b"\r\n\r\n", 1)[0]
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), raw, message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, keep_bodies: bool = True) -> None:
        self.handler = _Handler(keep_bodies)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    def fail_next(self, stage: str, answer: str, count: int = 1) -> None:
        with self.handler.lock:
            self.handler.faults[stage].extend([answer] * count)

    def refuse(self, address: str, answer: str = "550 5.1.1 No such user here") -> None:
        self.handler.refused[address.lower()] = answer

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
