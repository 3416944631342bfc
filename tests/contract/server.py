"""Start a generated project the way its operating contract says: `make run` with HOST and PORT."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from support import Project

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
            pytest.fail(f"`make run` exited with {process.returncode} before serving:\n{log.read_text()[-6000:]}")
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(f"GET {base_url}/health did not answer 200 within {STARTUP_TIMEOUT}s:\n{log.read_text()[-6000:]}")


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


@contextmanager
def serve(project: Project, log: Path, **env: str) -> Iterator[str]:
    """Run `make run` on a free port until the block ends; yields the base URL once /health is 200."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=project.path,
            # The suite fails many logins from this one address on purpose; the per-address limit
            # is the projects' own tests' to check (test_auth), the per-account one the suite's.
            env=project.environ(HOST="127.0.0.1", PORT=str(port), **{"LOGIN_ADDRESS_MAX_FAILURES": "1000000", **env}),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that _stop ends the server too
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log)
        yield base_url
    finally:
        _stop(process)
