"""Task queues with real workers: `make worker` of the generated projects that have Celery or ARQ,
against this machine's Redis and RabbitMQ, with their mail going to SMTP servers the tests run.

The contract suite (tests/contract/test_mail.py) already sends the welcome and reset mails
through each of these workers. Here: the periodic purge, and a worker killed in the middle of a
task. Each test uses a queue of its own, so the worker the contract suite runs for the same
project takes none of its tasks.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import PROJECTS
from contract.server import WORKER_READY, serve, work
from identity_provider import IdentityProvider
from smtp_sink import SilentSmtp, SmtpSink
from support import Project, query

pytestmark = pytest.mark.slow

# The named projects with a task queue (the option matrix's rows run the contract suite's mail
# tests through their workers; these are slower, so they run on one project per library and broker).
QUEUED = [
    key
    for key, make in PROJECTS.items()
    if not key.startswith("matrix-") and make().get("background_tasks", {}).get("library") in WORKER_READY
]
PASSWORD = "correct horse battery"
CLIENT_PAGE = "http://client.example/callback"  # the OAUTH_REDIRECT_URIS of a project without "local"


@pytest.fixture
def own_queue(project: Project) -> Iterator[dict[str, str]]:
    """TASK_QUEUE for this test's server and workers; the queue is deleted afterwards."""
    name = f"{project.env['TASK_QUEUE']}-{uuid.uuid4().hex[:6]}"
    yield {"TASK_QUEUE": name}
    project.drop_queue(name)


def providers(project: Project) -> list[str]:
    found: list[str] = project.spec.get("authentication", {}).get("providers") or ["local"]
    return found


@contextmanager
def accounts_server(project: Project, log: Path, **env: str) -> Iterator[tuple[str, IdentityProvider | None]]:
    """The project served, with an identity provider of its own when users sign in with Google or
    GitHub only (no "local"): the base URL and that provider."""
    if "local" in providers(project):
        with serve(project, log, **env) as base_url:
            yield base_url, None
        return
    with IdentityProvider() as idp, serve(project, log, **env, **idp.environ(CLIENT_PAGE)) as base_url:
        yield base_url, idp


def register(base_url: str, project: Project, idp: IdentityProvider | None) -> tuple[int, str]:
    """A new account through the API, logged in once (registered, or signed in at ``idp``): its
    id and email."""
    prefix = project.spec.get("backend_architecture", {}).get("api_prefix", "/api/v1")
    email = f"worker-{uuid.uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=base_url, timeout=30) as client:
        if idp is None:
            created = client.post(f"{prefix}/auth/register", json={"email": email, "password": PASSWORD})
            assert created.status_code == 201, created.text
            login = client.post(f"{prefix}/auth/token", data={"username": email, "password": PASSWORD})
            assert login.status_code == 200, login.text
            return created.json()["id"], email
        provider = providers(project)[0]
        started = client.get(f"{prefix}/auth/{provider}/authorize", params={"redirect_uri": CLIENT_PAGE})
        assert started.status_code == 302, started.text
        callback = idp.follow(started.headers["location"], email=email)
        tokens = client.get(f"{prefix}/auth/{provider}/callback", params=callback.params)
        assert tokens.status_code == 200, tokens.text
        me = client.get(f"{prefix}/users/me", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"})
        assert me.status_code == 200, me.text
        return me.json()["id"], email


def token_method(project: Project) -> str:
    method: str = project.spec.get("authentication", {}).get("method", "JWT")
    return method


def stored_tokens(project: Project, user_id: int) -> int:
    """How many refresh tokens (JWT) or API tokens (Token) of the user the database holds."""
    django = project.spec["backend_architecture"]["framework"] == "Django"
    if token_method(project) == "Token":
        table = "api_tokens"
    else:
        table = "token_blacklist_outstandingtoken" if django else "refresh_tokens"
    sql = f"SELECT count(*) FROM {table} WHERE user_id = {int(user_id)}"  # noqa: S608 - no input
    ((count,),) = query(project.database_url, sql)
    return int(count)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"{what} within {timeout}s")


@pytest.mark.parametrize("project", QUEUED, indirect=True)
def test_the_scheduler_purges_expired_tokens(project: Project, own_queue: dict[str, str], tmp_path: Path) -> None:
    project.make("migrate")
    # Tokens that expire as they are issued.
    lifetime = {"API_TOKEN_DAYS" if token_method(project) == "Token" else "REFRESH_TOKEN_DAYS": "0"}
    with accounts_server(project, tmp_path / "server.log", **lifetime, **own_queue) as (base_url, idp):
        user_id, _ = register(base_url, project, idp)
    assert stored_tokens(project, user_id) == 1
    # Celery beat queues the purge every TOKEN_PURGE_SECONDS; ARQ runs its cron job at start too.
    with work(project, tmp_path / "worker.log", TOKEN_PURGE_SECONDS="1", **own_queue):
        wait_until(lambda: stored_tokens(project, user_id) == 0, 60, "the expired token is not purged")


@pytest.mark.parametrize("project", QUEUED, indirect=True)
def test_a_task_survives_a_worker_killed_in_the_middle_of_it(
    project: Project, own_queue: dict[str, str], tmp_path: Path
) -> None:
    project.make("migrate")
    # A short lease, so that Redis gives the task of the dead worker out again soon.
    env = {**own_queue, "TASK_LEASE_SECONDS": "2"}
    with SilentSmtp() as silent, SmtpSink() as sink:
        with work(project, tmp_path / "first-worker.log", EMAIL_URL=silent.url, **env) as first:
            with accounts_server(project, tmp_path / "server.log", **env) as (base_url, idp):
                _, email = register(base_url, project, idp)
            # The first worker is sending the welcome mail: its mail server never answers.
            assert silent.connected.wait(60), "the first worker never started on the task"
            os.killpg(first.pid, signal.SIGKILL)  # the worker and its processes, mid-task
            first.wait(timeout=10)
        silent.release()
        with work(project, tmp_path / "second-worker.log", EMAIL_URL=sink.url, **env):
            mail = sink.wait_for(to=email, subject_contains="Welcome", timeout=90)
    assert mail.is_to(email)
