"""Mail: the welcome mail of a registration and the password reset, read from a real SMTP server.

The live app sends its mail to the session's ``smtp_sink`` (``EMAIL_URL=smtp://127.0.0.1:PORT``,
``EMAIL_FROM=MAIL_FROM``, see conftest); the tests take what they need (the reset token) from
the mail as it arrived, the way a user would.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from email.utils import getaddresses, parseaddr
from pathlib import Path

import pytest
from conftest import only_on
from identity_provider import IdentityProvider
from smtp_sink import Message, SilentSmtp, SmtpSink
from support import Project

from .client import (
    MAIL_FROM,
    OAUTH_CLIENT_PAGES,
    PASSWORD,
    Api,
    describe,
    expect,
    expect_error,
    expect_validation_error,
    unique_email,
)
from .server import WORKER_READY, serve, task_library, work
from .spec import Contract

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("needs_auth")]

NEW_PASSWORD = "a brand new passphrase"
RESET_ACCEPTED = {"detail": "If the account exists, a password reset mail is on its way"}
INVALID_TOKEN = {"detail": "Invalid or expired password reset token"}
MAIL_TIMEOUT = 20.0
REQUEST_WAIT_LIMIT = 5.0  # a request that waits for the mail server would take its whole timeout


def project_name(api: Api) -> str:
    name: str = api.contract.spec["project_name"]
    return name


def reset_subject(api: Api) -> str:
    return f"Reset your {project_name(api)} password"


def header_addresses(mail: Message, header: str) -> list[str]:
    return [address.casefold() for _, address in getaddresses(mail.message.get_all(header, []))]


def token_of(api: Api, mail: Message) -> str:
    """The token of a reset mail: alone on the line after ``POST {prefix}/auth/password-reset/confirm:``
    and a blank line."""
    lines = mail.body.splitlines()
    marker = f"POST {api.prefix}/auth/password-reset/confirm:"
    assert marker in lines, f"no line {marker!r} in the reset mail:\n{mail.body}"
    after = lines[lines.index(marker) + 1 : lines.index(marker) + 3]
    assert len(after) == 2 and after[0] == "", f"a blank line and the token must follow {marker!r}:\n{mail.body}"
    token = after[1]
    assert token and not any(c.isspace() for c in token), f"the token must be alone on its line:\n{mail.body}"
    return token


def request_reset(api: Api, smtp_sink: SmtpSink, email: str) -> str:
    """Ask for a reset of ``email`` (an existing user's) and return the token its mail carries."""
    response = api.password_reset(email)
    assert expect(response, 202) == RESET_ACCEPTED, describe(response)
    mail = smtp_sink.wait_for(to=email, subject_contains="Reset your", timeout=MAIL_TIMEOUT)
    assert mail.subject == reset_subject(api)
    return token_of(api, mail)


def tampered(token: str) -> str:
    """``token`` with one character in its middle changed (not the last, which may be padding bits)."""
    i = len(token) // 2
    while not token[i].isalnum():
        i += 1
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


# -- the welcome mail ----------------------------------------------------------


@pytest.mark.usefixtures("needs_local")
@pytest.mark.parametrize("full_name", ["Ada Lovelace", None], ids=["full-name", "no-full-name"])
def test_register_sends_a_welcome_mail(api: Api, smtp_sink: SmtpSink, full_name: str | None) -> None:
    email = unique_email("welcome")
    extra = {"full_name": full_name} if full_name else {}
    user = expect(api.register(email, **extra), 201)
    mail = smtp_sink.wait_for(to=email, subject_contains="Welcome", timeout=MAIL_TIMEOUT)
    assert mail.subject == f"Welcome to {project_name(api)}"
    assert header_addresses(mail, "To") == [email.casefold()], f"To: {mail.to}"
    assert parseaddr(mail.from_)[1] == MAIL_FROM, f"From: {mail.from_} (EMAIL_FROM={MAIL_FROM})"
    greeting = f"Hello {full_name or user['email']},"
    assert mail.body.startswith(greeting), f"the body must start with {greeting!r}:\n{mail.body}"
    assert PASSWORD not in mail.body


@pytest.mark.usefixtures("needs_oauth")
def test_a_first_sign_in_sends_the_welcome_mail(api: Api, contract: Contract, smtp_sink: SmtpSink) -> None:
    if not contract.oauth_providers:
        pytest.skip("the spec's providers are only 'local'")
    email = unique_email("signed-in")
    user = api.sign_in(email)
    mail = smtp_sink.wait_for(to=email, subject_contains="Welcome", timeout=MAIL_TIMEOUT)
    assert mail.subject == f"Welcome to {project_name(api)}"
    assert mail.body.startswith("Hello ") and user.email in mail.body, mail.body
    api.sign_in(email)  # the same user again: no second welcome
    time.sleep(2.0)
    assert len(smtp_sink.find(to=email)) == 1, "one welcome mail, on the first sign-in only"


@pytest.mark.usefixtures("needs_local")
def test_a_refused_registration_sends_no_mail(api: Api, smtp_sink: SmtpSink) -> None:
    email = unique_email("refused")
    expect_validation_error(api.register(email, "short12"), "body", "password")
    smtp_sink.expect_none(to=email, within=2.0)


@pytest.mark.usefixtures("live_app")  # the database is migrated
def test_a_new_user_does_not_wait_for_the_mail_server(
    request: pytest.FixtureRequest,
    project: Project,
    contract: Contract,
    identity_provider: IdentityProvider | None,
    tmp_path: Path,
) -> None:
    """A second server whose mail server takes the connection and never answers: registering (or,
    without "local", a first sign-in) is as quick as ever, since the mail goes out off the
    request path."""
    # The mail path depends on these answers only: one project of each is enough.
    only_on(request, "framework", "database_async", "background_tasks_library", "background_tasks_broker")
    queued = task_library(project) in WORKER_READY
    # A queue of this test's own, so that the session's worker leaves its task to this one.
    env = {"EMAIL_URL": "", "TASK_QUEUE": f"{project.env['TASK_QUEUE']}-silent"} if queued else {}
    if identity_provider is not None:
        env |= identity_provider.environ(",".join(OAUTH_CLIENT_PAGES))
    with SilentSmtp() as silent, ExitStack() as stack:
        env["EMAIL_URL"] = silent.url
        stack.callback(project.drop_queue, env.get("TASK_QUEUE"))
        if queued:
            stack.enter_context(work(project, tmp_path / "worker.log", **env))
        base_url = stack.enter_context(serve(project, tmp_path / "server.log", **env))
        api = Api(base_url, contract, identity_provider)
        try:
            started = time.monotonic()
            if contract.local:
                expect(api.register(unique_email("silent")), 201)
            else:
                api.sign_in(unique_email("silent"))
            took = time.monotonic() - started
            assert silent.connected.wait(MAIL_TIMEOUT), "the app never connected to its mail server"
            assert took < REQUEST_WAIT_LIMIT, f"the new user took {took:.1f}s with a silent mail server"
            expect(api.me(), 401)  # and the app goes on serving
        finally:
            api.close()
            silent.release()  # the waiting mail client gives up, so the server stops at once


# -- the password reset --------------------------------------------------------


@pytest.mark.usefixtures("needs_local")
def test_reset_of_an_unknown_email_is_202_and_sends_nothing(api: Api, smtp_sink: SmtpSink) -> None:
    nobody = unique_email("nobody")
    response = api.password_reset(nobody)
    assert expect(response, 202) == RESET_ACCEPTED, describe(response)
    # The same answer for an account that exists; its mail arriving shows the app's mail flows.
    user = api.new_user("known")
    known = api.password_reset(user.email)
    assert expect(known, 202) == RESET_ACCEPTED, describe(known)
    smtp_sink.wait_for(to=user.email, subject_contains="Reset your", timeout=MAIL_TIMEOUT)
    smtp_sink.expect_none(to=nobody, within=2.0)


@pytest.mark.usefixtures("needs_local")
def test_reset_flow(api: Api, smtp_sink: SmtpSink) -> None:
    user = api.new_user("reset")
    second = api.login(user.email, user_id=user.id)  # a second session: its tokens go too
    token = request_reset(api, smtp_sink, user.email)

    response = api.password_reset_confirm(token, NEW_PASSWORD)
    assert response.status_code == 204, describe(response)
    assert response.content == b"", describe(response)

    for session in (user, second):
        if api.contract.token_pairs:
            expect_error(api.refresh(session.refresh_token), 401, "the refresh tokens from before the reset")
        else:
            expect_error(api.me(session.headers), 401, "the API tokens from before the reset")
    expect_error(api.token(user.email, PASSWORD), 401, "the old password")
    after = api.login(user.email, NEW_PASSWORD, user_id=user.id)
    expect(api.me(after.headers), 200, "logged in with the new password")
    if api.contract.token_pairs:
        expect(api.refresh(after.refresh_token), 200, "a refresh token from after the reset")

    # A token works once.
    again = api.password_reset_confirm(token, "yet another passphrase")
    assert expect_error(again, 400) == INVALID_TOKEN, describe(again)
    expect(api.token(user.email, NEW_PASSWORD), 200, "the password of the first reset")


@pytest.mark.usefixtures("needs_local")
@pytest.mark.parametrize("kind", ["garbage", "jwt-shaped", "tampered", "access-token", "refresh-token", "empty"])
def test_confirm_refuses_what_is_not_a_reset_token(api: Api, smtp_sink: SmtpSink, kind: str) -> None:
    if kind == "refresh-token":
        api.without_refresh("refresh")
    user = api.new_user("badreset")
    real = request_reset(api, smtp_sink, user.email) if kind == "tampered" else ""
    token = {
        "garbage": "not-a-reset-token",
        "jwt-shaped": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "tampered": tampered(real) if real else "",
        "access-token": user.access_token,
        "refresh-token": user.refresh_token,
        "empty": "",
    }[kind]
    response = api.password_reset_confirm(token, NEW_PASSWORD)
    if kind == "empty" and response.status_code == 422:
        expect_validation_error(response, "body")  # an empty string may be refused as invalid input
    else:
        assert expect_error(response, 400) == INVALID_TOKEN, describe(response)
    expect(api.token(user.email, PASSWORD), 200, "the password is unchanged")
    if real:  # the token it was made from still works: the change is what was refused
        assert api.password_reset_confirm(real, NEW_PASSWORD).status_code == 204


@pytest.mark.usefixtures("needs_local")
def test_confirm_with_a_short_password_is_422(api: Api, smtp_sink: SmtpSink) -> None:
    user = api.new_user("shortreset")
    token = request_reset(api, smtp_sink, user.email)
    expect_validation_error(api.password_reset_confirm(token, "short12"), "body", "new_password")
    expect(api.token(user.email, PASSWORD), 200, "the password is unchanged")
    # Refusing the input used nothing up: the token still resets the password.
    assert api.password_reset_confirm(token, NEW_PASSWORD).status_code == 204
    expect(api.token(user.email, NEW_PASSWORD), 200)
