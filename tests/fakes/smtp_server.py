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
import ssl
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


def tls_pair(folder) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) for a certificate valid for 127.0.0.1."""
    from pathlib import Path

    from tests.maintain.tls import self_signed

    cert_path, key_path = self_signed(Path(folder))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client


class SmtpServer:
    """``tls``: None, "starttls" (offered, and required before AUTH) or "implicit" (smtps);
    ``credentials``: (user, password) the server insists on."""

    def __init__(self, keep_bodies: bool = True, tls: str | None = None, context: ssl.SSLContext | None = None,
                 credentials: tuple[str, str] | None = None) -> None:
        self.handler = _Handler(keep_bodies)
        self.port = free_port()
        self.tls, self.credentials, self.logins = tls, credentials, []
        # While True every login is refused (535), right credentials or not: a revoked app password.
        self.refuse_logins = False
        kwargs: dict = {}
        if tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif tls == "implicit":
            kwargs.update(ssl_context=context)
        if credentials:
            # aiosmtpd does not count implicit TLS as TLS for AUTH; the connection is encrypted anyway.
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=tls == "starttls",
                          auth_exclude_mechanism=["LOGIN"])  # aiosmtpd stalls on smtplib's AUTH LOGIN after a refusal
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login[0])
        if login == self.credentials and not self.refuse_logins:
            return AuthResult(success=True)
        # handled=False: aiosmtpd answers the refusal itself; its default (handled) sends nothing and
        # leaves the client waiting for an answer.
        return AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")

    @property
    def url(self) -> str:
        user = f"{self.credentials[0]}:{self.credentials[1]}@" if self.credentials else ""
        scheme = "smtps" if self.tls == "implicit" else "smtp"
        return f"{scheme}://{user}127.0.0.1:{self.port}" + ("?starttls=1" if self.tls == "starttls" else "")

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
