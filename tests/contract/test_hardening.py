"""What an attacker's review asked of every backend: atomic refresh-token rotation, one body size
limit, JSON bodies only as JSON, the same security headers, docs that can be turned off, and a
production secret with some variety in it."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import only_on
from support import Project

from .client import Api, User, describe, expect, expect_error, unique_email, validation_errors
from .server import free_port, serve
from .spec import Contract

pytestmark = pytest.mark.slow

MAX_BODY_BYTES = 1024 * 1024  # the default of the MAX_BODY_BYTES setting
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
RACERS = 8  # concurrent refreshes with one token, per round
ROUNDS = 3


# --- 1. Refresh rotation is atomic ----------------------------------------------------------------


def _all_at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list[httpx.Response | BaseException] = [RuntimeError("did not run")] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except BaseException as exc:  # reported below, with the others
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"requests failed: {failures}"
    return [r for r in results if isinstance(r, httpx.Response)]


def _refresh_call(api: Api, token: str) -> Callable[[], httpx.Response]:
    def call() -> httpx.Response:
        with httpx.Client(base_url=api.base_url, timeout=30) as client:
            return client.post(f"{api.prefix}/auth/refresh", json={"refresh_token": token})

    return call


@pytest.mark.usefixtures("needs_jwt")
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_refreshes_with_one_token_let_exactly_one_through(api: Api, round_: int) -> None:
    """Of RACERS refreshes sent at once with one refresh token, exactly one gets a pair; the others
    are reuse, which revokes every refresh token of the user, the winner's new one included."""
    user = api.new_user(f"race{round_}")
    responses = _all_at_once([_refresh_call(api, user.refresh_token) for _ in range(RACERS)])
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1, "exactly one concurrent refresh may succeed:" + "".join(describe(r) for r in responses)
    for response in responses:
        if response is not winners[0]:
            expect_error(response, 401, "a losing concurrent refresh")
    pair = winners[0].json()
    # The losers presented a spent token: the reuse rule revoked the whole family.
    expect_error(api.refresh(pair["refresh_token"]), 401, "the winner's refresh token after a reuse")
    expect_error(api.refresh(user.refresh_token), 401, "the raced token")
    # The account itself is fine: logging in again gives a working pair.
    again = api.login(user.email, user_id=user.id)
    expect(api.refresh(again.refresh_token), 200)


# --- 2. One body size limit; deep nesting is a 422 ---------------------------------------------


def _post_alone(api: Api, path: str, content: Any, headers: dict[str, str]) -> httpx.Response:
    """POST on a connection of its own: a server that answers before reading a body it refuses
    may close the connection after, which must not fail the next test's request."""
    with httpx.Client(base_url=api.base_url, timeout=60) as client:
        return client.post(path, content=content, headers=headers)


def _oversized_register(api: Api) -> bytes:
    padding = "x" * (MAX_BODY_BYTES + 1024)
    return f'{{"email": "{unique_email("big")}", "password": "12345678", "full_name": "{padding}"}}'.encode()


@pytest.mark.usefixtures("needs_local")  # the register endpoint
def test_a_body_over_the_limit_is_413(api: Api) -> None:
    headers = {"Content-Type": "application/json"}
    response = _post_alone(api, f"{api.prefix}/auth/register", _oversized_register(api), headers)
    expect_error(response, 413, "a body over MAX_BODY_BYTES")


def test_a_ten_megabyte_body_is_413(api: Api, contract: Contract, alice: User | None) -> None:
    model = contract.models[0]
    big = b'{"x": "' + b"y" * (10 * MAX_BODY_BYTES) + b'"}'
    headers = {"Content-Type": "application/json", **api.auth(alice)}
    expect_error(_post_alone(api, model.path, big, headers), 413, f"POST {model.path}")


@pytest.mark.usefixtures("needs_local")  # the register endpoint
def test_a_streamed_body_over_the_limit_is_refused(api: Api) -> None:
    """Chunked, with no Content-Length to judge it by: never stored, never a 5xx."""
    body = _oversized_register(api)
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    headers = {"Content-Type": "application/json"}
    response = _post_alone(api, f"{api.prefix}/auth/register", chunks, headers)
    assert response.status_code in (413, 422), "expected 413 (or 422 unread)" + describe(response)
    if response.status_code == 413:
        expect_error(response, 413)
    else:
        validation_errors(response)


@pytest.mark.usefixtures("needs_local")  # the register endpoint
def test_a_body_within_the_limit_is_fine(api: Api) -> None:
    name = "n" * 255
    body = {"email": unique_email("fits"), "password": "12345678", "full_name": name}
    user = expect(api.http.post(f"{api.prefix}/auth/register", json=body), 201)
    assert user["full_name"] == name


@pytest.mark.parametrize("where", ["top", "field"])
@pytest.mark.parametrize("endpoint", ["register", "token", "refresh"])
def test_json_nested_ten_thousand_deep_is_422(api: Api, endpoint: str, where: str) -> None:
    api.without_refresh(endpoint)
    api.without_local(endpoint)
    deep = "[" * 10_000 + "]" * 10_000
    content = deep if where == "top" else f'{{"email": {deep}, "password": {deep}, "refresh_token": {deep}}}'
    response = api.http.post(
        f"{api.prefix}/auth/{endpoint}", content=content, headers={"Content-Type": "application/json"}
    )
    errors = validation_errors(response, f"POST /auth/{endpoint} with JSON nested 10,000 deep")
    assert all(e["loc"][0] == "body" for e in errors), describe(response)


def test_json_nested_ten_thousand_deep_in_a_resource_is_422(api: Api, contract: Contract, alice: User | None) -> None:
    model = contract.models[0]
    content = "[" * 10_000 + "]" * 10_000
    headers = {"Content-Type": "application/json", **api.auth(alice)}
    validation_errors(api.http.post(model.path, content=content, headers=headers), f"POST {model.path}")


# --- 3. JSON bodies come as JSON ----------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["register", "token", "refresh"])
def test_a_json_body_sent_as_text_plain_is_415(api: Api, endpoint: str) -> None:
    api.without_refresh(endpoint)
    api.without_local(endpoint)
    body = {"email": unique_email("plain"), "username": "x@example.com", "password": "12345678", "refresh_token": "x"}
    response = api.http.post(
        f"{api.prefix}/auth/{endpoint}",
        content=json.dumps(body).encode(),
        headers={"Content-Type": "text/plain"},
    )
    expect_error(response, 415, f"POST /auth/{endpoint} as text/plain")


def test_a_resource_body_sent_as_text_plain_is_415(api: Api, contract: Contract, alice: User | None) -> None:
    model = contract.models[0]
    headers = {"Content-Type": "text/plain", **api.auth(alice)}
    response = api.http.post(model.path, content=b"{}", headers=headers)
    expect_error(response, 415, f"POST {model.path} as text/plain")


# --- 4. Security headers ------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(api: Api, contract: Contract) -> None:
    model = contract.models[0]
    responses = [
        api.http.get("/health"),
        api.http.get("/no-such-path"),  # 404
        api.http.delete("/health"),  # 405
        api.http.get(model.path, params={"limit": "0"}),  # 401 or 422
        api.http.get(f"{api.prefix}/users/me") if contract.auth else api.http.get("/health/ready"),
        api.http.post(f"{api.prefix}/auth/register", json={}) if contract.auth else api.http.get("/health"),
        api.http.get("/openapi.json"),
        api.http.get("/docs"),
    ]
    for response in responses:
        found = {name: response.headers.get(name) for name in SECURITY_HEADERS}
        assert found == SECURITY_HEADERS, "security headers" + describe(response)


def test_a_422_carries_the_security_headers(api: Api, contract: Contract, alice: User | None) -> None:
    model = contract.models[0]
    response = api.request("GET", model.path, alice, params={"limit": "0"})
    validation_errors(response)
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS, describe(response)


# --- 5. DOCS_ENABLED ----------------------------------------------------------------------------


def test_docs_can_be_turned_off(project: Project, tmp_path: Path) -> None:
    with serve(project, tmp_path / "server.log", DOCS_ENABLED="false") as base_url:
        for path in ("/docs", "/openapi.json"):
            expect_error(httpx.get(f"{base_url}{path}", timeout=30), 404, f"GET {path} with DOCS_ENABLED=false")
        assert expect(httpx.get(f"{base_url}/health", timeout=30), 200) == {"status": "ok"}


# --- 6. A production secret needs variety --------------------------------------------------------


def _run_until_exit(project: Project, log: Path, timeout: float = 90, **env: str) -> int | None:
    """`make run` with ``env``: its exit status, or None when it was still running (then stopped)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=project.path,
            env=project.environ(HOST="127.0.0.1", PORT=str(free_port()), **env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.25)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        return None
    return process.returncode


@pytest.mark.parametrize("secret", ["a" * 64, "ab" * 32, "0123" * 16], ids=["one-char", "two-chars", "four-chars"])
def test_production_refuses_a_long_but_low_variety_secret(
    request: pytest.FixtureRequest, project: Project, tmp_path: Path, secret: str
) -> None:
    only_on(request, "framework")  # the settings' check is the framework's
    log = tmp_path / "server.log"
    status = _run_until_exit(project, log, ENVIRONMENT="production", SECRET_KEY=secret)
    output = log.read_text(errors="replace")
    assert status is not None and status != 0, f"`make run` served with SECRET_KEY={secret!r}:\n{output[-3000:]}"
    assert "SECRET_KEY" in output, output[-3000:]


def test_production_starts_with_a_random_secret(project: Project, tmp_path: Path) -> None:
    """The control of the test above: the same environment with a real secret serves."""
    with serve(project, tmp_path / "server.log", ENVIRONMENT="production", SECRET_KEY=secrets.token_urlsafe(48)) as url:
        assert httpx.get(f"{url}/health", timeout=30).status_code == 200
