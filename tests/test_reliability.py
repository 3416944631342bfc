"""A generated backend when its database fails: connections cut under load, then the database
refusing connections, then back. The contract allows 503 with Retry-After while the database is
unavailable; never a 500, never a connection reset, and service again once it is back.

One PostgreSQL project per framework (PostgreSQL lets a test cut one database's connections and
refuse new ones without touching the server's other databases).
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from contract.server import serve
from support import POSTGRES_ADMIN_URL, Project

pytestmark = pytest.mark.slow

LOAD_SECONDS = 6.0
CUT_EVERY_SECONDS = 1.0
CLIENTS = 4
RECOVERY_LIMIT_SECONDS = 15.0


def _psql(sql: str) -> None:
    subprocess.run(["psql", POSTGRES_ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], check=True, capture_output=True)


def _cut_connections(name: str) -> None:
    _psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")  # noqa: S608


def _logged_in(client: httpx.Client, api: str) -> dict[str, str]:
    email, password = f"reliable-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery"
    assert client.post(f"{api}/auth/register", json={"email": email, "password": password}).status_code == 201
    token = client.post(f"{api}/auth/token", data={"username": email, "password": password})
    assert token.status_code == 200, token.text
    body = token.json()
    if "access_token" in body:  # JWT; the Token method gives an API token
        return {"Authorization": f"Bearer {body['access_token']}"}
    return {"Authorization": f"Token {body['token']}"}


def _load(base_url: str, path: str, headers: dict[str, str], until: float, outcomes: Counter[str]) -> None:
    """Requests one after another until ``until``; each outcome counted by status or failure."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        while time.monotonic() < until:
            try:
                response = client.get(path, headers=headers)
            except httpx.TransportError as error:
                outcomes[f"transport error: {type(error).__name__}"] += 1
                continue
            if response.status_code == 503 and "Retry-After" not in response.headers:
                outcomes["503 without Retry-After"] += 1
            else:
                outcomes[str(response.status_code)] += 1


@pytest.mark.parametrize("key", ["s01-postgres", "flask-blog-postgres", "django-blog-postgres"])
def test_cut_connections_and_a_database_gone_give_503s_then_service_again(
    key: str, project_factory: Callable[[str], Project], tmp_path: Path
) -> None:
    project = project_factory(key)
    name = project.database_url.rsplit("/", 1)[1]
    api = project.answers.get("api_prefix", "/api/v1")
    project.make("migrate")
    with serve(project, tmp_path / "server.log") as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        headers = _logged_in(client, api)

        # Connections cut every second while clients keep asking.
        outcomes: Counter[str] = Counter()
        until = time.monotonic() + LOAD_SECONDS
        threads = [
            threading.Thread(target=_load, args=(base_url, f"{api}/users/me", headers, until, outcomes))
            for _ in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        while time.monotonic() < until:
            time.sleep(CUT_EVERY_SECONDS)
            _cut_connections(name)
        for thread in threads:
            thread.join()
        unexpected = {outcome: n for outcome, n in outcomes.items() if outcome not in ("200", "503")}
        assert outcomes["200"] > 0 and not unexpected, f"while connections were cut: {dict(outcomes)}"

        # The database refuses connections: a 503 that says when to come back.
        _psql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            _cut_connections(name)
            gone = client.get(f"{api}/users/me", headers=headers)
            assert gone.status_code == 503, gone.text
            assert int(gone.headers["Retry-After"]) > 0
            assert client.get("/health/ready").status_code == 503
        finally:
            _psql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        # Back: served again without a restart.
        started, deadline = time.monotonic(), time.monotonic() + RECOVERY_LIMIT_SECONDS
        while client.get(f"{api}/users/me", headers=headers).status_code != 200:
            assert time.monotonic() < deadline, "no service within the recovery limit"
            time.sleep(0.2)
        print(f"{key}: {dict(outcomes)} while cut; recovered in {time.monotonic() - started:.1f} s")
