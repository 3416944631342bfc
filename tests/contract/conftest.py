"""Fixtures of the contract suite: the generated project, started with ``make run``, over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import Project

from .client import Api, User
from .spec import Contract

STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"`make run` exited with {process.returncode} before serving:\n{log.read_text()[-6000:]}"
            )
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(
        f"GET {base_url}/health did not answer 200 within {STARTUP_TIMEOUT}s:\n{log.read_text()[-6000:]}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End `make run` and everything it started (its own process group)."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def live_app(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the project, migrated and served by `make run` on a free port."""
    project.make("migrate")
    port = free_port()
    log = tmp_path_factory.mktemp("live-app") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=project.path,
            env=project.environ(HOST="127.0.0.1", PORT=str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log)
        yield base_url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def contract(project: Project) -> Contract:
    return Contract.from_spec(project.spec)


@pytest.fixture(scope="session")
def api(live_app: str, contract: Contract) -> Iterator[Api]:
    client = Api(live_app, contract)
    yield client
    client.close()


@pytest.fixture(scope="session")
def needs_auth(contract: Contract) -> None:
    if not contract.auth:
        pytest.skip("the spec has authentication.method 'none'")


# Password hashing is slow on purpose, so the users that only own objects are shared per module;
# tests that change a user's state (tokens, throttling) register their own.
@pytest.fixture(scope="module")
def alice(api: Api) -> User | None:
    return api.new_user("alice") if api.contract.auth else None


@pytest.fixture(scope="module")
def bob(api: Api) -> User | None:
    return api.new_user("bob") if api.contract.auth else None
