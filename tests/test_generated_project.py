"""A generated project is real: its own tools pass on it, run the way its README says."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from support import SPEC_MODEL, Project, create_database, drop_database, generate, load_spec

pytestmark = pytest.mark.slow


def test_ruff_check(project: Project) -> None:
    project.tool("ruff", "check", ".")


def test_ruff_format(project: Project) -> None:
    project.tool("ruff", "format", "--check", ".")


def test_mypy_strict(project: Project) -> None:
    result = project.tool("mypy")
    assert "Success: no issues found" in result.stdout


def test_migrations_match_the_models(project: Project) -> None:
    project.make("check-migrations")


def test_alembic_downgrades_and_upgrades_again(project: Project) -> None:
    if not (project.path / "alembic.ini").exists():
        pytest.skip("not an Alembic project")
    project.make("migrate")
    project.tool("alembic", "downgrade", "base")
    project.tool("alembic", "upgrade", "head")
    check = project.tool("alembic", "check")
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_own_test_suite_passes_with_coverage(project: Project) -> None:
    result = project.make("test")
    total = re.search(r"Total coverage: ([\d.]+)%", result.stdout)
    assert total, result.stdout[-3000:]
    assert float(total.group(1)) >= 85
    assert " passed" in result.stdout


def test_hook_left_a_committed_repository_with_env_and_lock(project: Project) -> None:
    status = project.run("git", "status", "--porcelain", "--untracked-files=all")
    # Only what running the project made may be untracked (all of it ignored by .gitignore).
    assert status.stdout == "", status.stdout
    log = project.run("git", "log", "--oneline")
    assert len(log.stdout.splitlines()) == 1
    env = (project.path / ".env").read_text()
    secret = re.search(r"^SECRET_KEY=(.+)$", env, re.M)
    assert secret
    assert len(secret.group(1)) >= 32
    assert "change-me" not in secret.group(1)
    tracked = set(project.run("git", "ls-files").stdout.splitlines())
    assert set(project.manager.lock_files) <= tracked, "the lock is written and committed"
    assert ".env" in project.run("git", "check-ignore", ".env").stdout


def test_installs_with_its_own_dependency_manager_only(project: Project) -> None:
    """`make install` ran (build_project) with no other manager on PATH: only the project's own
    lock files exist, and the project's environment is .venv."""
    path = project.environ()["PATH"]
    for other in ("uv", "poetry", "pipenv"):
        assert (shutil.which(other, path=path) is not None) == (other == project.manager.name), other
    every_lock = {file for m in SPEC_MODEL.managers.MANAGERS.values() for file in m.lock_files}
    present = {file for file in every_lock if (project.path / file).exists()}
    assert present == set(project.manager.lock_files)
    assert (project.path / ".venv" / "bin" / "python").exists()
    # The lock is current: installing again from it changes nothing and needs no resolution.
    project.make("install")
    assert project.run("git", "status", "--porcelain").stdout == ""


def test_answers_file_keeps_the_spec_and_no_secret(project: Project) -> None:
    answers = yaml.safe_load((project.path / ".copier-answers.yml").read_text())
    assert answers["models"] == project.spec["database"]["models"]
    assert answers["database_type"] == project.spec["database"]["type"]
    assert "_commit" in answers
    assert "secret" not in (project.path / ".copier-answers.yml").read_text().lower()


def test_dockerfile_passes_hadolint(project: Project) -> None:
    result = subprocess.run(["hadolint", str(project.path / "Dockerfile")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_parses(project: Project) -> None:
    compose = yaml.safe_load((project.path / "compose.yaml").read_text())
    assert "app" in compose["services"]
    assert ("db" in compose["services"]) == (project.spec["database"]["type"] != "SQLite")


@pytest.mark.parametrize(
    ("spec_name", "answers"),
    [
        ("s01-todo", {}),
        ("s01-todo", {"database_type": "SQLite", "background_tasks_library": "FastAPI BackgroundTasks"}),
        ("all-types", {}),
        ("all-types", {"framework": "Flask", "async_support": False, "database_async": False}),
        ("blog-fastapi", {"framework": "Flask", "async_support": False, "database_async": False}),
        ("s01-todo", {"async_support": False, "database_async": False}),
        ("all-types", {"async_support": False, "database_async": False}),
        ("blog-fastapi", {"async_support": False, "database_async": False}),
        ("all-types", {"database_type": "MySQL"}),
        ("all-types", {"database_type": "MySQL", "async_support": False, "database_async": False}),
        (
            "all-types",
            {
                "database_type": "MySQL",
                "framework": "Django",
                "database_orm": "Django ORM",
                "async_support": False,
                "database_async": False,
            },
        ),
    ],
    ids=[
        "s01",
        "s01-sqlite-tasks",
        "all-types",
        "flask-all-types",
        "flask-blog",
        "sync-s01",
        "sync-all-types",
        "sync-blog",
        "mysql-all-types",
        "sync-mysql-all-types",
        "django-mysql-all-types",
    ],
)
def test_rendered_code_needs_no_formatting(tmp_path: Path, spec_name: str, answers: dict[str, str]) -> None:
    """The template itself renders ruff-clean code: `copier update` then diffs clean files."""
    destination = generate(load_spec(spec_name), tmp_path / "raw", skip_tasks=True, **answers)
    for command in (["ruff", "format", "--check", "."], ["ruff", "check", "--no-cache", "."]):
        result = subprocess.run(command, cwd=destination, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


# A datetime field, the project's own column type on the SQLAlchemy side (UTCDateTime, the type
# Alembic used to write without its import), inserted at the top of the first model.
SQLALCHEMY_FIELD = (
    "import datetime as hand_datetime\n\nfrom .base import UTCDateTime as HandUTCDateTime\n",
    "    reviewed_at: Mapped[hand_datetime.datetime | None] = mapped_column(HandUTCDateTime())\n",
)
DJANGO_FIELD = "    reviewed_at = models.DateTimeField(blank=True, null=True)\n"


def _add_a_field(models: Path, django: bool) -> None:
    text = models.read_text()
    if django:
        text = re.sub(r"(\nclass \w+\(\w+\):\n)", lambda m: m.group(1) + DJANGO_FIELD, text, count=1)
    else:
        imports, field = SQLALCHEMY_FIELD
        text = text.replace('"""\n', '"""\n\n' + imports, 1)
        text = re.sub(r'(\n    __tablename__ = "\w+"\n)', lambda m: m.group(1) + field, text, count=1)
    assert "reviewed_at" in text, text
    models.write_text(text)


@pytest.mark.parametrize(
    "project", ["s01-sqlite", "blog-postgres", "flask-s01-sqlite", "django-s01-sqlite"], indirect=True
)
def test_a_hand_written_migration_runs_and_passes_ruff(project: Project, tmp_path: Path) -> None:
    """A person adds a field to a model and has the tools write its migration (README,
    "Migrations"): the new file passes the project's ruff and mypy, applies, and leaves the models
    and the migrations in agreement. The project is put back as it was, on failure too."""
    django = (project.path / "manage.py").is_file()
    if django:
        models = next(project.path.glob("*/resources/models.py"))
        versions = models.parent / "migrations"
        write = ["python", "manage.py", "makemigrations"]
    else:
        models = next(project.path.glob("src/*/models/resources.py"))
        versions = project.path / "migrations" / "versions"
        write = ["alembic", "revision", "--autogenerate", "-m", "add reviewed at"]
        if project.answers["framework"] == "Flask":  # its README's command, the same Alembic
            app = f"{models.parents[1].name}.app"
            write = ["flask", "--app", app, "db", "revision", "-m", "add reviewed at"]
    database = create_database(project.spec.get("database", {}).get("type", "SQLite"), tmp_path / "hand.db")
    env = {"DATABASE_URL": database}
    original = models.read_text()
    before = set(versions.glob("*.py"))
    try:
        _add_a_field(models, django)
        if not django:
            project.make("migrate", env=env)  # autogenerate compares with a database at head
        project.tool(*write, env=env)
        (written,) = set(versions.glob("*.py")) - before
        assert "reviewed_at" in written.read_text()
        project.tool("ruff", "check", "--no-cache", str(written))
        project.tool("ruff", "format", "--check", str(written))
        project.tool("mypy", str(written))
        project.make("check-migrations", env=env)  # applies it, then finds nothing left to write
    finally:
        models.write_text(original)
        for path in set(versions.glob("*.py")) - before:
            path.unlink()
        drop_database(database)
