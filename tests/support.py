"""Generate projects from specs and drive them the way a user would.

Everything here goes through the operating contract of a generated project (its Makefile and
environment variables), so the same helpers serve every framework.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copier import run_copy

from python_specialist.mapping import TEMPLATE_ROOT, copier_data, load_spec_model, spec_to_answers, template_vcs_ref

SPECS = Path(__file__).parent / "specs"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def load_spec(name: str, **overrides: Any) -> dict[str, Any]:
    """A spec from tests/specs, with dotted-path overrides (``database__type="SQLite"``)."""
    spec: dict[str, Any] = json.loads((SPECS / f"{name}.json").read_text())
    for dotted, value in overrides.items():
        node = spec
        *parents, last = dotted.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return spec


SPEC_MODEL = load_spec_model(TEMPLATE_ROOT)

# What of this repository makes up the template (copier.yml reaches nothing else).
TEMPLATE_PARTS = (
    "copier.yml",
    "template-fastapi",
    "template-flask",
    "template-django",
    "partials",
    "extensions",
    "hooks",
)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}{result.stdout}"
    return result.stdout


def commit_all(repo: Path, message: str, tag: str | None = None) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "-m", message)
    if tag:
        git(repo, "tag", tag)


def with_answers(spec: dict[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with the fields of these copier ``answers`` set (``mapping`` gives their paths)."""
    spec = copy.deepcopy(spec)
    for option in SPEC_MODEL.OPTIONS:
        if option.question in answers:
            node = spec
            *parents, last = option.path.split(".")
            for key in parents:
                node = node.setdefault(key, {})
            node[last] = answers[option.question]
    return spec


def switched(spec: dict[str, Any], question: str, value: Any) -> dict[str, Any]:
    """The spec moved to ``value`` for ``question``, with every choice that no longer fits moved
    to one that does (the options registry's ``switch``)."""
    return with_answers(spec, SPEC_MODEL.switch(spec_to_answers(spec), question, value))


def as_flask(spec: dict[str, Any]) -> dict[str, Any]:
    return switched(spec, "framework", "Flask")


def as_django(spec: dict[str, Any]) -> dict[str, Any]:
    return switched(spec, "framework", "Django")


def generate(spec: Mapping[str, Any], dest: Path, skip_tasks: bool = False, **extra_answers: Any) -> Path:
    """Render the template for ``spec`` into ``dest`` (hooks included unless skipped)."""
    answers = {**copier_data(copy.deepcopy(dict(spec))), **extra_answers}
    run_copy(
        str(TEMPLATE_ROOT),
        dest,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref=template_vcs_ref(TEMPLATE_ROOT),
        quiet=True,
        skip_tasks=skip_tasks,
    )
    return dest


MYSQL_ADMIN = os.environ.get("TEST_MYSQL_ARGS", "--host=127.0.0.1 --port=3306 --user=root").split()
MYSQL_URL = os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306")


def create_database(kind: str, sqlite_path: Path) -> str:
    """A fresh, empty database of ``kind`` (a file at ``sqlite_path`` for SQLite); its plain URL."""
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    if kind == "PostgreSQL":
        _psql(f'CREATE DATABASE "{name}"')
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    if kind == "MySQL":
        _mysql(f"CREATE DATABASE `{name}` COLLATE utf8mb4_bin")
        return f"{MYSQL_URL}/{name}"
    return f"sqlite:///{sqlite_path}"


def drop_database(url: str) -> None:
    """Drop a database ``create_database`` made on a server (a SQLite file goes with its folder)."""
    name = url.rsplit("/", 1)[1]
    if url.startswith("postgresql"):
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif url.startswith("mysql"):
        _mysql(f"DROP DATABASE IF EXISTS `{name}`")


def query(url: str, sql: str) -> list[tuple[str, ...]]:
    """The rows of one statement on the database at ``url``, every value as text."""
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db, db:
            return [tuple(str(value) for value in row) for row in db.execute(sql)]
    if url.startswith("postgresql"):
        command = ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql]
    else:
        command = ["mariadb", *MYSQL_ADMIN, "--batch", "--skip-column-names", url.rsplit("/", 1)[1], "--execute", sql]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    separator = "|" if url.startswith("postgresql") else "\t"
    return [tuple(line.split(separator)) for line in output.splitlines()]


def _psql(sql: str) -> None:
    subprocess.run(["psql", POSTGRES_ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def _mysql(sql: str) -> None:
    subprocess.run(["mariadb", *MYSQL_ADMIN, "--execute", sql], check=True)


TOOLS = Path(__file__).resolve().parent.parent / ".tools"  # poetry and pipenv (Makefile)
MANAGER_TOOLS = ("uv", "poetry", "pipenv")


def manager_path(manager: str, path: str) -> str:
    """PATH for a project of ``manager``: that manager's tool first, and no other manager's (a
    pip project must install with pip alone, a poetry project with poetry alone)."""
    own = [str(Path(sys.executable).parent)] if manager == "uv" else [str(TOOLS / f"bin-{manager}")]
    others = [
        entry
        for entry in path.split(os.pathsep)
        if entry and not any((Path(entry) / tool).exists() for tool in MANAGER_TOOLS)
    ]
    return os.pathsep.join([*own, *others]) if manager != "pip" else os.pathsep.join(others)


@dataclass
class Project:
    """A generated project, installed with its own dependency manager."""

    path: Path
    spec: dict[str, Any]
    database_url: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def answers(self) -> dict[str, Any]:
        return spec_to_answers(self.spec)

    @property
    def manager(self) -> Any:
        """The project's dependency manager (``managers.Manager``)."""
        return SPEC_MODEL.managers.MANAGERS[self.answers.get("dependency_manager", "uv")]

    def tool(self, *cmd: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """Run a tool of the project's environment, the way its README says."""
        return (
            self.run(*self.manager.prefix.split(), *cmd, **kwargs)
            if self.manager.run
            else self.run(f".venv/bin/{cmd[0]}", *cmd[1:], **kwargs)
        )

    def environ(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT", "PIPENV_"))}
        env.pop("PYTHONPATH", None)
        env.update(
            DATABASE_URL=self.database_url,
            ENVIRONMENT="development",
            SECRET_KEY="test-secret-key-for-the-template-suite-0123456789",
        )
        env["PATH"] = manager_path(self.manager.name, env.get("PATH", ""))
        if self.manager.name == "pipenv":
            env["PIPENV_DONT_LOAD_ENV"] = "1"  # as the Makefile says: real variables win over .env
        env.update(self.env)
        env.update(extra)
        return env

    def run(
        self, *cmd: str, check: bool = True, timeout: float = 600, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in the project; on failure the assertion message carries its output."""
        result = subprocess.run(
            cmd,
            cwd=self.path,
            env=self.environ(**(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} exited {result.returncode} in {self.path}\n"
                f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}"
            )
        return result

    def make(self, target: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return self.run("make", target, env=env)

    def drop_queue(self, queue: str | None = None) -> None:
        """Delete a queue of the project (its own ``TASK_QUEUE`` by default) from the broker,
        with the project's own client library."""
        tasks = self.spec.get("background_tasks", {})
        if "TASK_QUEUE" not in self.env:
            return
        url = SPEC_MODEL.brokers.BROKERS[tasks["broker"]].local_url()
        script = DROP_QUEUE[tasks["library"]]
        env = {"BROKER_URL": url, "TASK_QUEUE": queue or self.env["TASK_QUEUE"]}
        self.tool("python", "-c", script, check=False, env=env)


DROP_QUEUE = {
    "Celery": (
        "import os; from kombu import Connection\n"
        "with Connection(os.environ['BROKER_URL']) as broker:\n"
        "    broker.default_channel.queue_delete(os.environ['TASK_QUEUE'])"
    ),
    "ARQ": "import os, redis; redis.Redis.from_url(os.environ['BROKER_URL']).delete(os.environ['TASK_QUEUE'])",
}


def build_project(spec: dict[str, Any], dest: Path) -> Project:
    """Generate, install (``make install``) and point the project at a fresh database."""
    if dest.exists():
        shutil.rmtree(dest)
    generate(spec, dest)
    url = create_database(spec.get("database", {}).get("type", "SQLite"), dest / "app.db")
    project = Project(path=dest, spec=spec, database_url=url)
    if spec.get("background_tasks", {}).get("library") in ("Celery", "ARQ"):
        # Its own queue on the shared broker: projects tested side by side take only their tasks.
        project.env["TASK_QUEUE"] = f"tpl-{dest.name}-{uuid.uuid4().hex[:8]}"
    project.make("install")
    return project
