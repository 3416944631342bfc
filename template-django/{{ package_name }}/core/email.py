"""Outgoing mail: EMAIL_URL read into Django's email settings, and the SMTP backend they name.

EMAIL_URL is one of

* `console://`: every mail is printed to the server's output (the default; development);
* `smtp://user:password@host:port` (user and password optional, port 25 by default): upgraded
  with STARTTLS when the server offers it;
* `smtps://user:password@host:port` (port 465 by default): TLS from the first byte;
* `memory://`: kept in `django.core.mail.outbox` (tests).

User and password are URL-decoded (`%40` for `@`).
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends import smtp
from django.core.mail.utils import DNS_NAME

SMTP_BACKEND = f"{__name__}.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
MEMORY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class EmailSettings:
    """What EMAIL_URL says, as Django's EMAIL_* settings."""

    backend: str
    host: str = "localhost"
    port: int = 25
    username: str = ""
    password: str = ""
    use_ssl: bool = False


def parse_email_url(url: str) -> EmailSettings:
    """The settings of an EMAIL_URL; ImproperlyConfigured when it names no backend here."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return EmailSettings(CONSOLE_BACKEND)
    if parts.scheme == "memory":
        return EmailSettings(MEMORY_BACKEND)
    if parts.scheme not in DEFAULT_PORTS:
        msg = (
            f"EMAIL_URL: unknown scheme {parts.scheme!r}; "
            "use console://, smtp://, smtps:// or memory://"
        )
        raise ImproperlyConfigured(msg)
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:  # not a number, or out of range
        msg = "EMAIL_URL: the port must be a number from 1 to 65535"
        raise ImproperlyConfigured(msg) from exc
    if not parts.hostname:
        msg = f"EMAIL_URL: {parts.scheme}:// needs a host, as in {parts.scheme}://smtp.example.com"
        raise ImproperlyConfigured(msg)
    return EmailSettings(
        SMTP_BACKEND,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_ssl=parts.scheme == "smtps",
    )


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, upgraded with STARTTLS only when the server offers it (Django's
    EMAIL_USE_TLS insists on it, and fails with servers that do not offer it). The credentials
    are sent after the upgrade; a server without STARTTLS gets them, and the mail, in plain text:
    use smtps:// where the network is not trusted. With `use_ssl` (smtps://), Django's own."""

    def open(self) -> bool | None:
        if self.connection is not None or self.use_ssl:
            return super().open()
        params: dict[str, Any] = {"local_hostname": DNS_NAME.get_fqdn()}
        if self.timeout is not None:
            params["timeout"] = self.timeout
        try:
            connection = self.connection_class(self.host, self.port, **params)
        except OSError:
            if not self.fail_silently:
                raise
            return None
        try:
            connection.ehlo()
            if connection.has_extn("starttls"):
                connection.starttls(context=self.ssl_context)
                connection.ehlo()
            if self.username and self.password:
                connection.login(self.username, self.password)
        except OSError:  # smtplib's errors included
            connection.close()
            if not self.fail_silently:
                raise
            return None
        self.connection = connection
        return True


def check_mail_is_sent(**kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: in production, EMAIL_URL should name a server that delivers mail."""
    if settings.EMAIL_BACKEND in (CONSOLE_BACKEND, MEMORY_BACKEND):
        message = "EMAIL_URL sends no mail: password reset mails are printed or dropped"
        hint = "Set EMAIL_URL to smtp://... or smtps://... (see production.env.example)."
        return [checks.Warning(message, hint=hint, id="core.W001")]
    return []
