"""Start a generated project the way its operating contract says: `make run` with HOST and PORT,
and `make worker` when it has a task queue."""

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


# What each task library's worker logs once it takes tasks.
WORKER_READY = {"Celery": " ready.", "ARQ": "Starting worker for"}


def task_library(project: Project) -> str:
    library: str = project.spec.get("background_tasks", {}).get("library", "none")
    return library


@contextmanager
def work(project: Project, log: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run `make worker` until the block ends; yields the process once the worker says it is ready."""
    marker = WORKER_READY[task_library(project)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "worker"],
            cwd=project.path,
            env=project.environ(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while marker not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make worker` is not ready (exit {process.poll()}):\n{log.read_text()[-6000:]}")
            time.sleep(0.25)
        yield process
    finally:
        _stop(process)
