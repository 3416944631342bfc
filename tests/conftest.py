from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from specfuzz import first_accepted, fuzz_seeds
from specgen import default_seeds, random_spec
from support import (
    SPEC_MODEL,
    TEMPLATE_PARTS,
    TOOLS,
    Project,
    as_django,
    as_flask,
    build_project,
    commit_all,
    drop_database,
    git,
    load_spec,
    with_answers,
)

from python_specialist.mapping import TEMPLATE_ROOT, spec_to_answers
from python_specialist.validation import spec_errors

RANDOM_SEEDS = default_seeds(4)

# poetry and pipenv (installed by the Makefile into .tools) for the post-generation hook, which
# writes each project's lock; a project's own commands get only its manager (support.manager_path).
os.environ["PATH"] = os.pathsep.join([str(TOOLS / "bin-poetry"), str(TOOLS / "bin-pipenv"), os.environ.get("PATH", "")])

# FastAPI with plain `def` handlers and a sync SQLAlchemy session.
SYNC = {"backend_architecture__async_support": False, "database__async": False}
ARQ = {"background_tasks__library": "ARQ", "background_tasks__broker": "Redis"}
TOKEN = {"authentication__method": "Token"}
# Sign-in with Google and GitHub beside email and password (the contract suite starts the
# identity provider they talk to: tests/identity_provider.py).
OAUTH2 = {"authentication__method": "OAuth2", "authentication__providers": ["local", "google", "github"]}


def sign_in_only(*providers: str) -> dict[str, Any]:
    """OAuth2 without "local": no passwords, every user comes from a provider."""
    return {"authentication__method": "OAuth2", "authentication__providers": list(providers)}


def celery(broker: str) -> dict[str, Any]:
    return {"background_tasks__library": "Celery", "background_tasks__broker": broker}


def manager(name: str) -> dict[str, Any]:
    return {"backend_architecture__dependency_manager": name}


# The generated projects every slow test shares: how to get each one's spec. Their dependency
# managers and task queues are spread so that they hold most pairs of option values, which keeps
# the option matrix below short.
PROJECTS: dict[str, Callable[[], dict[str, Any]]] = {
    "s01-sqlite": lambda: load_spec("s01-todo", database__type="SQLite", **OAUTH2),
    "s01-postgres": lambda: load_spec("s01-todo", database__type="PostgreSQL", **TOKEN, **manager("pipenv")),
    "blog-postgres": lambda: load_spec("blog-fastapi", database__type="PostgreSQL", **ARQ, **manager("pip")),
    "random-1": lambda: random_spec(RANDOM_SEEDS[0], "SQLite"),
    "fastapi-sync-sqlite": lambda: load_spec("s01-todo", database__type="SQLite", **SYNC, **manager("poetry")),
    "fastapi-sync-blog-postgres": lambda: load_spec(
        "blog-fastapi",
        database__type="PostgreSQL",
        **SYNC,
        **celery("RabbitMQ"),
        **sign_in_only("google"),
        **manager("poetry"),
    ),
    "fastapi-sync-mysql": lambda: load_spec("s01-todo", database__type="MySQL", **SYNC, **TOKEN, **manager("pip")),
    "flask-s01-sqlite": lambda: as_flask(
        load_spec("s01-todo", database__type="SQLite", **sign_in_only("github"), **manager("pip"))
    ),
    "flask-blog-postgres": lambda: as_flask(
        load_spec("blog-fastapi", database__type="PostgreSQL", **celery("Redis"), **TOKEN, **manager("pipenv"))
    ),
    "flask-random": lambda: as_flask(random_spec(RANDOM_SEEDS[2], "SQLite")),
    "django-s01-sqlite": lambda: as_django(
        load_spec("s01-todo", database__type="SQLite", **TOKEN, **manager("pipenv"))
    ),
    "django-blog-postgres": lambda: load_spec("blog", **celery("RabbitMQ"), **OAUTH2, **manager("pip")),
    "django-random": lambda: as_django(random_spec(RANDOM_SEEDS[3], "PostgreSQL")),
    # MySQL (MariaDB here) with every field type, in each framework.
    "mysql-all-types": lambda: load_spec("all-types", database__type="MySQL", **manager("poetry")),
    "flask-mysql-all-types": lambda: as_flask(load_spec("all-types", database__type="MySQL", **manager("pipenv"))),
    "django-mysql-all-types": lambda: as_django(
        load_spec(
            "all-types",
            database__type="MySQL",
            **celery("Redis"),
            **sign_in_only("google", "github"),
            **manager("poetry"),
        )
    ),
    # A hostile spec the rules accept (tests/specfuzz.py): generated, installed and checked in full.
    "fuzz-accepted": lambda: first_accepted(fuzz_seeds(200), lambda spec: spec_errors(spec, TEMPLATE_ROOT)),
}

# The option matrix: rows of the options registry that, with the projects above, put every pair
# of offered values that can go together into at least one generated project. Each row is
# rendered on the next of these shapes.
MATRIX_SEED = RANDOM_SEEDS[0]
MATRIX_SHAPES: list[Callable[[], dict[str, Any]]] = [
    lambda: load_spec("s01-todo"),
    lambda: load_spec("blog-fastapi"),
    lambda: load_spec("all-types"),
]


def _answers(spec: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = SPEC_MODEL.complete(spec_to_answers(spec))
    return answers


def _matrix_project(shape: Callable[[], dict[str, Any]], row: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: with_answers(shape(), row)


# MATRIX=full (make test-all): every combination of offered values, not only a covering set.
MATRIX_ROWS: list[dict[str, Any]] = (
    SPEC_MODEL.combinations()
    if os.environ.get("MATRIX") == "full"
    else SPEC_MODEL.pairwise([_answers(make()) for make in PROJECTS.values()], MATRIX_SEED)
)
for _i, _row in enumerate(MATRIX_ROWS):
    PROJECTS[f"matrix-{_i + 1}"] = _matrix_project(MATRIX_SHAPES[_i % len(MATRIX_SHAPES)], _row)


@cache
def first_projects(*questions: str) -> frozenset[str]:
    """The first shared project (by key) of each combination of answers to ``questions``: for a
    slow test whose outcome depends on those answers only."""
    first: dict[tuple[Any, ...], str] = {}
    for key in sorted(PROJECTS):
        answers = _answers(PROJECTS[key]())
        first.setdefault(tuple(answers.get(question) for question in questions), key)
    return frozenset(first.values())


def only_on(request: pytest.FixtureRequest, *questions: str) -> None:
    """Skip this test of a shared project unless it is the first of its answers to ``questions``."""
    key = getattr(getattr(request.node, "callspec", None), "params", {}).get("project")
    if key is not None and key not in first_projects(*questions):
        pytest.skip(f"run on one project per {', '.join(questions)}")


def pytest_report_header() -> str:
    rows = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in MATRIX_ROWS) or "none needed"
    return (
        f"random specs: SPEC_SEED={','.join(map(str, RANDOM_SEEDS))} (set it to replay them)\n"
        f"option matrix: {len(PROJECTS)} projects, {len(MATRIX_ROWS)} added for pairwise coverage ({rows})"
    )


@pytest.fixture(scope="session")
def project_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Project]]:
    """Builds each project of PROJECTS once per session (per xdist worker)."""
    built: dict[str, Project] = {}
    failed: dict[str, str] = {}  # a project that could not be built is not tried again per test
    root = tmp_path_factory.mktemp("projects")

    def get(key: str) -> Project:
        if key in failed:
            pytest.fail(f"building {key} failed earlier in this session:\n{failed[key]}", pytrace=False)
        if key not in built:
            try:
                built[key] = build_project(PROJECTS[key](), Path(root) / key)
            except (AssertionError, OSError, subprocess.SubprocessError) as exc:
                failed[key] = str(exc)[-4000:]
                raise
        return built[key]

    yield get
    for project in built.values():
        drop_database(project.database_url)
        project.drop_queue()


@pytest.fixture(scope="session", params=sorted(PROJECTS))
def project(request: pytest.FixtureRequest, project_factory: Callable[[str], Project]) -> Project:
    """Each generated, installed project in turn."""
    return project_factory(request.param)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist (`--dist loadgroup`) every test of one generated project runs on one worker,
    so each project is built once."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "project" in callspec.params:
            item.add_marker(pytest.mark.xdist_group(callspec.params["project"]))


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A git identity and config of our own (a fresh CI machine has none; a developer's may
    sign commits), and this run's tools (uv, ruff) first on PATH for the post-generation hook."""
    home = tmp_path_factory.mktemp("git-home")
    (home / "gitconfig").write_text("")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for who in ("AUTHOR", "COMMITTER"):
            mp.setenv(f"GIT_{who}_NAME", "Update Test")
            mp.setenv(f"GIT_{who}_EMAIL", "update-test@localhost")
        mp.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        yield


@pytest.fixture(scope="module")
def template_v1(tmp_path_factory: pytest.TempPathFactory, environment: None) -> Path:
    """A git repository holding this template as it is in the working tree, tagged v1.0.0."""
    repo = tmp_path_factory.mktemp("template-origin")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in TEMPLATE_PARTS:
        source = TEMPLATE_ROOT / part
        if source.is_dir():
            shutil.copytree(source, repo / part, ignore=ignore)
        else:
            shutil.copy2(source, repo / part)
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "Template 1.0.0", tag="v1.0.0")
    return repo
