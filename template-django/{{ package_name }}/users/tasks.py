"""Mail sent off the request path: the request hands it to a small pool of threads and returns;
a thread delivers it, and tries again when the network or the mail server fails.

The pool lives in each server process, so a mail still waiting when the process stops is lost.
The arguments are plain strings, as a task queue would need them.
"""

import logging
import smtplib
from concurrent.futures import ThreadPoolExecutor
from time import sleep

from django.core.mail import send_mail

logger = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_RETRY_SECONDS = 1.0  # doubled before each further attempt

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")


def deliver(to: str, subject: str, body: str) -> bool:
    """Send one mail from DEFAULT_FROM_EMAIL; whether it went. A failure of the network or the
    server is tried again, after 1 s then 2 s; the last failure is logged, never raised."""
    attempt = 1
    while True:
        try:
            send_mail(subject, body, None, [to])
        except (smtplib.SMTPException, OSError):
            if attempt == ATTEMPTS:
                logger.exception("mail %r to %s failed %d times; giving up", subject, to, attempt)
                return False
            delay = FIRST_RETRY_SECONDS * 2 ** (attempt - 1)
            logger.warning("mail %r to %s failed; retrying in %g s", subject, to, delay)
            sleep(delay)
            attempt += 1
        except Exception:  # not worth another attempt
            logger.exception("mail %r to %s failed", subject, to)
            return False
        else:
            return True


def send_mail_later(to: str, subject: str, body: str) -> None:
    """Deliver the mail in the background; the caller does not wait for the mail server."""
    _pool.submit(deliver, to, subject, body)
