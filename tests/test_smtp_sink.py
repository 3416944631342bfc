"""The SMTP sink of the contract suite (tests/smtp_sink.py), driven with smtplib."""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from smtp_sink import SilentSmtp, SmtpSink


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        yield running


def mail(to: str, subject: str, body: str, sender: str = "noreply@localhost") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(body)
    return message


def send(sink: SmtpSink, *messages: EmailMessage) -> None:
    with smtplib.SMTP(sink.host, sink.port, timeout=10) as client:
        client.ehlo()
        for message in messages:
            client.send_message(message)


def test_plain_smtp_without_tls_or_auth(sink: SmtpSink) -> None:
    assert sink.host == "127.0.0.1" and sink.port > 0
    assert sink.url == f"smtp://127.0.0.1:{sink.port}"
    with smtplib.SMTP(sink.host, sink.port, timeout=10) as client:
        code, _ = client.ehlo()
        assert code == 250
        assert not client.has_extn("starttls"), "a client that STARTTLSes when offered must not here"
        assert not client.has_extn("auth")


def test_wait_for_gives_the_parsed_message(sink: SmtpSink) -> None:
    body = "Hello Ada,\n\nPOST /api/v1/auth/password-reset/confirm:\n\ntoken-123\n\nçà et là\n"
    send(sink, mail("other@example.com", "Something else", "x"), mail("Ada@Example.com", "Welcome to Todo API", body))
    received = sink.wait_for(to="ada@example.com", subject_contains="Welcome", timeout=5)
    assert received.recipients == ("Ada@Example.com",)
    assert received.sender == "noreply@localhost" and received.from_ == "noreply@localhost"
    assert received.to == "Ada@Example.com"
    assert received.subject == "Welcome to Todo API"
    assert received.body == body
    assert len(sink.messages) == 2
    assert [m.subject for m in sink.find(to="other@example.com")] == ["Something else"]


def test_wait_for_waits_for_a_message_sent_later(sink: SmtpSink) -> None:
    later = threading.Timer(0.5, send, (sink, mail("late@example.com", "Late", "body")))
    later.start()
    try:
        assert sink.wait_for(to="late@example.com", timeout=10).subject == "Late"
    finally:
        later.join()


def test_wait_for_names_what_arrived_when_nothing_matches(sink: SmtpSink) -> None:
    send(sink, mail("someone@example.com", "Welcome", "x"))
    with pytest.raises(AssertionError, match=r"someone@example\.com"):
        sink.wait_for(to="nobody@example.com", timeout=0.3)
    sink.expect_none(to="nobody@example.com", within=0.1)
    with pytest.raises(AssertionError, match="expected no mail"):
        sink.expect_none(to="someone@example.com", within=0)


def test_stop_frees_the_port() -> None:
    with SmtpSink() as sink:
        port = sink.port
    with pytest.raises(OSError):
        smtplib.SMTP("127.0.0.1", port, timeout=2)


def test_silent_smtp_never_greets() -> None:
    with SilentSmtp() as silent:
        assert silent.url == f"smtp://127.0.0.1:{silent.port}"
        with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
            smtplib.SMTP(silent.host, silent.port, timeout=0.5)
        assert silent.connected.is_set()
    with pytest.raises(OSError):
        smtplib.SMTP("127.0.0.1", silent.port, timeout=2)
