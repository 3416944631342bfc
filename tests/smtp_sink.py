"""A real SMTP server on 127.0.0.1 that keeps every message it receives, for tests to wait for.

It speaks plain SMTP (aiosmtpd, in a thread of its own): no TLS and so no STARTTLS offered, no
AUTH needed, every sender and recipient accepted. A project pointed at it with
``EMAIL_URL=smtp://127.0.0.1:{port}`` delivers its mail here::

    with SmtpSink() as sink:
        ...  # make the project send a mail to ada@example.com
        mail = sink.wait_for(to="ada@example.com", subject_contains="Welcome")
        assert mail.body.startswith("Hello")
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Message:
    """A message as the sink received it."""

    sender: str  # the envelope's MAIL FROM
    recipients: tuple[str, ...]  # the envelope's RCPT TO
    message: EmailMessage  # parsed with the stdlib's email package (policy ``default``)

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def from_(self) -> str:
        return str(self.message.get("From", ""))

    @property
    def to(self) -> str:
        """The ``To`` header (the envelope's recipients are ``recipients``)."""
        return str(self.message.get("To", ""))

    @property
    def body(self) -> str:
        """The plain-text body ("" when the message has none), with ``\n`` line ends (SMTP's are CRLF)."""
        part = self.message.get_body(preferencelist=("plain",))
        return "" if part is None else str(part.get_content()).replace("\r\n", "\n")

    def is_to(self, address: str) -> bool:
        return address.casefold() in (r.casefold() for r in self.recipients)

    def __str__(self) -> str:
        return f"from {self.sender} to {', '.join(self.recipients)}: {self.subject!r}"


class _Handler:
    """aiosmtpd's handler: every DATA becomes a Message for the sink."""

    def __init__(self, deliver: Callable[[Message], None]) -> None:
        self.deliver = deliver

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.deliver(Message(str(envelope.mail_from or ""), tuple(envelope.rcpt_tos), parsed))
        return "250 OK"


class _Controller(Controller):
    """aiosmtpd's threaded controller on a port the system picks (port 0)."""

    def _trigger_server(self) -> None:
        # The listening socket is bound by now; the controller connects to self.port to check it.
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class SmtpSink:
    """The SMTP server and what it received; a context manager that starts and stops it."""

    def __init__(self, host: str = HOST) -> None:
        self._received: list[Message] = []
        self._arrived = threading.Condition()
        # SMTPUTF8 for addresses that are not ASCII; no tls_context: neither TLS nor STARTTLS.
        self._controller = _Controller(_Handler(self._deliver), hostname=host, port=0, enable_SMTPUTF8=True)
        self.host = host

    @property
    def port(self) -> int:
        port: int = self._controller.port
        return port

    @property
    def url(self) -> str:
        """The ``EMAIL_URL`` that sends mail here."""
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop(no_assert=True)

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _deliver(self, message: Message) -> None:
        with self._arrived:
            self._received.append(message)
            self._arrived.notify_all()

    @property
    def messages(self) -> list[Message]:
        """Every message received so far, oldest first."""
        with self._arrived:
            return list(self._received)

    def find(self, to: str | None = None, subject_contains: str | None = None) -> list[Message]:
        """The messages received so far to ``to`` (a recipient, any case) whose subject contains
        ``subject_contains``; either may be left out."""
        return [
            message
            for message in self.messages
            if (to is None or message.is_to(to)) and (subject_contains is None or subject_contains in message.subject)
        ]

    def wait_for(self, to: str | None = None, subject_contains: str | None = None, timeout: float = 20.0) -> Message:
        """The first message that ``find`` matches, waiting up to ``timeout`` seconds for it;
        AssertionError naming what did arrive when none does."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = self.find(to, subject_contains)
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
        raise AssertionError(
            f"no mail to {to or 'anyone'} with a subject containing {subject_contains!r} within {timeout}s; "
            f"received: {[str(m) for m in self.messages] or 'nothing'}"
        )

    def expect_none(self, to: str, subject_contains: str | None = None, within: float = 2.0) -> None:
        """Assert that no message to ``to`` (with that subject) arrives, waiting ``within`` seconds."""
        time.sleep(within)
        found = self.find(to, subject_contains)
        assert not found, f"expected no mail to {to}, got: {[str(m) for m in found]}"


class SilentSmtp:
    """A TCP server on 127.0.0.1 that takes connections and never says a word (no SMTP greeting),
    so a client waits for its own timeout: what a hung mail server looks like. A context manager;
    ``connected`` is set once a client has connected, ``release`` closes the connections held."""

    def __init__(self, host: str = HOST) -> None:
        self.host = host
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self.connected = threading.Event()
        self._held: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._held.append(connection)
            self.connected.set()

    def release(self) -> None:
        while self._held:
            self._held.pop().close()

    def __enter__(self) -> SilentSmtp:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stopping.set()
        self._thread.join()
        self._listener.close()
        self.release()
