"""Outgoing mail, through the server that EMAIL_URL names.

- `console://` writes each message to standard output (development);
- `smtp://user:password@host:587` speaks SMTP, upgraded with STARTTLS when the server offers it
  (user and password are optional; the port defaults to 25);
- `smtps://user:password@host:465` speaks SMTP over TLS from the first byte;
- `memory://` keeps the messages in `OUTBOX`, in this process (tests).
"""

import smtplib
import ssl
import sys
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

SCHEMES = ("console", "smtp", "smtps", "memory")
TIMEOUT_SECONDS = 10.0
OUTBOX: list[EmailMessage] = []  # what `memory://` has sent


def check_email_url(url: str) -> str:
    """The URL, when its scheme is one this module speaks; a ValueError that says why otherwise."""
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        msg = f"EMAIL_URL must start with {', '.join(s + '://' for s in SCHEMES)} (it is {url!r})"
        raise ValueError(msg)
    if scheme in ("smtp", "smtps") and not urlsplit(url).hostname:
        msg = f"EMAIL_URL {scheme}:// needs a host, as in {scheme}://user:password@host:port"
        raise ValueError(msg)
    return url


class Mailer:
    """Sends plain-text mail from EMAIL_FROM. One call, one attempt: the caller retries."""

    def __init__(self, url: str, sender: str) -> None:
        self._url = urlsplit(check_email_url(url))
        self.sender = sender

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        if self._url.scheme == "memory":
            OUTBOX.append(message)
        elif self._url.scheme == "console":
            sys.stdout.write(f"{message}\n{'-' * 79}\n")
            sys.stdout.flush()
        else:
            self._send_smtp(message)

    def _send_smtp(self, message: EmailMessage) -> None:
        host = self._url.hostname or ""
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self._url.scheme == "smtps":
            port = self._url.port or 465
            client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(host, self._url.port or 25, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if self._url.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            if self._url.username:
                client.login(unquote(self._url.username), unquote(self._url.password or ""))
            client.send_message(message)


def is_transient(exc: BaseException) -> bool:
    """A failure worth another try: the network, or an SMTP 4xx answer ("try again later").
    A 5xx answer or refused recipients will fail the same way every time."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(exc, OSError)  # smtplib's other errors are OSErrors too
