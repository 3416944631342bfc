"""Fixtures of the contract suite: the generated project, started with ``make run``, over HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from identity_provider import IdentityProvider
from smtp_sink import SmtpSink
from support import Project, build_project, drop_database

from .client import MAIL_FROM, OAUTH_CLIENT_PAGES, SIGN_IN_REDIS, Api, User
from .server import WORKER_READY, serve, task_library, work
from .spec import Contract

# CONTRACT_SPEC=path/to/spec.json runs the suite against that spec instead of tests/conftest.py's
# PROJECTS (its database.type decides SQLite, PostgreSQL or MySQL), e.g. to try a new model or field type.
CONTRACT_SPEC = os.environ.get("CONTRACT_SPEC", "")
if CONTRACT_SPEC:

    @pytest.fixture(scope="session")
    def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
        spec = json.loads(Path(CONTRACT_SPEC).read_text())
        built = build_project(spec, tmp_path_factory.mktemp("contract-spec") / "project")
        yield built
        drop_database(built.database_url)
        built.drop_queue()


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    """The SMTP server (plain, no TLS, no auth) the live app sends its mail to, for this session."""
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="session")
def identity_provider(contract: Contract) -> Iterator[IdentityProvider | None]:
    """The fake Google and GitHub (tests/identity_provider.py) the live app logs users in with,
    started only for a project whose authentication.method is OAuth2 (None otherwise)."""
    if contract.method != "OAuth2":
        yield None
        return
    with IdentityProvider() as idp:
        yield idp


@pytest.fixture(scope="session")
def live_app(
    project: Project,
    smtp_sink: SmtpSink,
    identity_provider: IdentityProvider | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The base URL of the project, migrated and served by `make run` on a free port, sending its
    mail to ``smtp_sink`` (through `make worker`, when the project has a task queue), and with
    OAuth2 pointed at ``identity_provider``, which allows the client pages ``OAUTH_CLIENT_PAGES``,
    its sign-ins under way kept in Redis."""
    project.make("migrate")
    logs = tmp_path_factory.mktemp("live-app")
    mail = {"EMAIL_URL": smtp_sink.url, "EMAIL_FROM": MAIL_FROM}
    oauth: dict[str, str] = {}
    if identity_provider is not None:
        # The sign-ins under way wait in Redis here (the projects' own tests keep them in memory).
        oauth = identity_provider.environ(",".join(OAUTH_CLIENT_PAGES)) | {"REDIS_URL": SIGN_IN_REDIS}
    with ExitStack() as stack:
        if task_library(project) in WORKER_READY:  # the mail goes out from the worker (with the same settings)
            stack.enter_context(work(project, logs / "worker.log", **mail, **oauth))
        yield stack.enter_context(serve(project, logs / "server.log", **mail, **oauth))


@pytest.fixture(scope="session")
def contract(project: Project) -> Contract:
    return Contract.from_spec(project.spec)


@pytest.fixture(scope="session")
def api(live_app: str, contract: Contract, identity_provider: IdentityProvider | None) -> Iterator[Api]:
    client = Api(live_app, contract, identity_provider)
    yield client
    client.close()


@pytest.fixture(scope="session")
def needs_auth(contract: Contract) -> None:
    if not contract.auth:
        pytest.skip("the spec has authentication.method 'none'")


@pytest.fixture(scope="session")
def needs_local(contract: Contract) -> None:
    if not contract.local:
        pytest.skip(f"the spec's authentication.providers {list(contract.providers)} have no 'local'")


@pytest.fixture(scope="session")
def needs_jwt(contract: Contract) -> None:
    if not contract.token_pairs:
        pytest.skip(f"the spec has authentication.method {contract.method!r}: no token pairs")


@pytest.fixture(scope="session")
def needs_oauth(contract: Contract) -> None:
    if contract.method != "OAuth2":
        pytest.skip(f"the spec has authentication.method {contract.method!r}: no OAuth2 providers")


@pytest.fixture(scope="session")
def needs_token(contract: Contract) -> None:
    if contract.method != "Token":
        pytest.skip(f"the spec has authentication.method {contract.method!r}: no API tokens")


# Password hashing is slow on purpose, so the users that only own objects are shared per module;
# tests that change a user's state (tokens, throttling) register their own.
@pytest.fixture(scope="module")
def alice(api: Api) -> User | None:
    return api.new_user("alice") if api.contract.auth else None


@pytest.fixture(scope="module")
def bob(api: Api) -> User | None:
    return api.new_user("bob") if api.contract.auth else None
