"""The mail the app sent to `memory://` (the tests' EMAIL_URL)."""

import time
from email.message import EmailMessage

import pytest

from {{ package_name }}.core.email import OUTBOX


def mail_to(email: str, subject_part: str, timeout: float = 5.0) -> EmailMessage:
    """The first mail to `email` whose subject holds `subject_part`, once it has been sent (it
    leaves the request path, so it may come a little after the response)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(OUTBOX):
            if message["To"] == email and subject_part in message["Subject"]:
                return message
        time.sleep(0.02)
    pytest.fail(f"no mail {subject_part!r} to {email} within {timeout}s")
