"""What the CLI reports about a generated project, measured from the project itself.

Nothing here is estimated: artefacts come from the generated tree, endpoints from the routes of
the real app, type-hint coverage from the AST of the package, test coverage from pytest-cov.
A measurement that cannot be taken raises :class:`MeasureError` instead of guessing.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARTEFACT_CATEGORIES = (
    "main", "routers", "models", "schemas", "services", "database", "migrations", "tests", "config",
)  # fmt: skip
# Authentication code outside routers/, schemas/ and services/ (relative to src/<package>/): the
# ``auth`` category of the API skill's report; the agent's report files it under no category.
AUTH_FILES = ("core/security.py", "core/throttle.py", "dependencies.py")
# Django: the project's entry points, and the category of each module of an app of <package>/.
DJANGO_MAIN_FILES = ("manage.py", "config/urls.py", "config/wsgi.py", "config/asgi.py")
DJANGO_MODULES = {
    "models.py": "models", "serializers.py": "schemas", "views.py": "routers", "urls.py": "routers",
    "custom.py": "routers", "admin.py": "routers",
}  # fmt: skip
DJANGO_AUTH_MODULES = ("tokens.py", "throttling.py")
CONFIG_FILES = {
    "pyproject.toml", "uv.lock", ".env.example", "Makefile", "Dockerfile", ".dockerignore",
    "compose.yaml",
}  # fmt: skip
# Trees a run of the project's tools leaves behind: not artefacts of the generation.
IGNORED_DIRS = {
    ".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".python-specialist",
    "htmlcov", "build", "dist",
}  # fmt: skip
IGNORED_SUFFIXES = (".pyc", ".pyo", ".egg-info")
OUTPUT_TAIL_LINES = 30
# The app's own OpenAPI document, fetched in-process (no server), printed as JSON. One probe per
# framework; the layout of the generated project tells which (see :func:`framework_of_project`).
OPENAPI_PROBES = {
    "FastAPI": """
import json
from {package}.main import app

print(json.dumps(app.openapi()))
""",
    "Flask": """
import json
from {package}.app import create_app

response = create_app().test_client().get("/openapi.json")
assert response.status_code == 200, response.status_code
print(json.dumps(response.get_json()))
""",
    "Django": """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/openapi.json")
assert response.status_code == 200, response.status_code
print(json.dumps(json.loads(response.content)))
""",
}
# FastAPI keeps its historical count: the (path, method) operations of its APIRoutes, the docs pages
# of ``include_in_schema=False`` routers included (s01: 14; its OpenAPI document has 12). FastAPI
# >= 0.165 keeps an included router as one ``_IncludedRouter`` entry that holds ``original_router``.
FASTAPI_ROUTE_PROBE = """
from fastapi.routing import APIRoute
from {package}.main import app


def count(routes):
    total = 0
    for route in routes:
        if isinstance(route, APIRoute):
            total += len(route.methods)
        elif hasattr(route, "original_router"):
            total += count(route.original_router.routes)
    return total


print(count(app.routes))
"""
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Counts the tables of the models: the SQLAlchemy metadata (as Alembic sees it), or Django's models
# of the project's own apps with their many-to-many through tables.
TABLE_PROBES = {
    "SQLAlchemy": """
from {package}.models import Base

print(len(Base.metadata.tables))
""",
    "Django": """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from django.apps import apps

tables = set()
for model in apps.get_models(include_auto_created=True):
    if model.__module__.startswith("{package}.") and not model._meta.proxy:
        tables.add(model._meta.db_table)
print(len(tables))
""",
}


class MeasureError(RuntimeError):
    """A measurement could not be taken."""


# ---------------------------------------------------------------------------
# Artefacts
# ---------------------------------------------------------------------------


def artefacts(project: Path, package: str, categories: Sequence[str] = ARTEFACT_CATEGORIES) -> dict[str, list[str]]:
    """The generated files of ``categories``, as sorted POSIX paths relative to ``project``.

    The categories are those of :func:`artefact_category`, plus ``auth`` (:data:`AUTH_FILES`).
    """
    result: dict[str, list[str]] = {category: [] for category in categories}
    for path in generated_files(project):
        category = artefact_category(path, package) or auth_category(path, package)
        if category in result:
            result[category].append(path)
    return {category: sorted(paths) for category, paths in result.items()}


def generated_files(project: Path) -> list[str]:
    files = []
    for root, dirs, names in os.walk(project):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS and not d.endswith(IGNORED_SUFFIXES)]
        for name in names:
            if not name.endswith(IGNORED_SUFFIXES):
                files.append(Path(root, name).relative_to(project).as_posix())
    return files


def artefact_category(path: str, package: str) -> str | None:
    """The category of one generated file (``alembic.ini`` is a migration artefact).

    FastAPI and Flask keep the package in ``src/<package>/`` (Flask: ``app.py`` is the ``main``,
    ``api/`` the ``routers``); Django keeps it in ``<package>/``, see :func:`django_category`.
    """
    source = f"src/{package}/"
    if path == "alembic.ini" or path.startswith("migrations/"):
        return "migrations"
    if path.startswith("tests/"):
        return "tests"
    if path in CONFIG_FILES or path == f"{source}core/config.py":
        return "config"
    if path.startswith(source):
        inner = path.removeprefix(source)
        if inner in ("main.py", "app.py", "database.py"):
            return "database" if inner == "database.py" else "main"
        top = inner.split("/", 1)[0]
        if top in ("routers", "models", "schemas", "services") and "/" in inner:
            return top
        if top == "api" and "/" in inner:
            return "routers"
        return None
    return django_category(path, package)


def django_category(path: str, package: str) -> str | None:
    """The category of a file of a Django layout: ``config/`` and the apps of ``<package>/``."""
    if path in DJANGO_MAIN_FILES:
        return "main"
    if path.startswith("config/"):
        return "config"
    if not path.startswith(f"{package}/"):
        return None
    parts = path.split("/")
    if "migrations" in parts[:-1]:
        return "migrations"
    return DJANGO_MODULES.get(parts[-1])


def auth_category(path: str, package: str) -> str | None:
    inner = path.removeprefix(f"src/{package}/")
    if inner in AUTH_FILES or (path.startswith(f"{package}/") and path.split("/")[-1] in DJANGO_AUTH_MODULES):
        return "auth"
    return None


# ---------------------------------------------------------------------------
# Type hints
# ---------------------------------------------------------------------------


@dataclass
class HintCount:
    annotated: int = 0
    total: int = 0

    def add(self, annotated: bool) -> None:
        self.total += 1
        self.annotated += annotated

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100 * self.annotated / self.total, 2)


def type_hint_coverage(package_dir: Path) -> float:
    """Annotated parameters (``self``/``cls`` excluded) and returns over all of them, in percent."""
    files = sorted(package_dir.rglob("*.py"))
    if not files:
        raise MeasureError(f"no Python files under {package_dir}")
    return hint_coverage(files)


def hint_coverage(files: Iterable[Path]) -> float:
    """:func:`type_hint_coverage` of the given Python files."""
    files = list(files)
    if not files:
        raise MeasureError("no Python files to measure type hints on")
    count = HintCount()
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                _count_function(node, count)
    return count.percent


def _count_function(node: ast.FunctionDef | ast.AsyncFunctionDef, count: HintCount) -> None:
    args = node.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    for param in params:
        if param is not None and param.arg not in ("self", "cls"):
            count.add(param.annotation is not None)
    count.add(node.returns is not None)


# ---------------------------------------------------------------------------
# Running the project's own tools
# ---------------------------------------------------------------------------


@dataclass
class CommandResult:
    name: str
    argv: list[str]
    exit_code: int
    duration_seconds: float
    stdout: str
    stderr: str

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def display(self) -> str:
        """The command as a person would type it (``uv`` rather than its absolute path)."""
        return shlex.join(["uv", *self.argv[1:]] if Path(self.argv[0]).name == "uv" else self.argv)

    def tail(self) -> str:
        output = f"{self.stdout}\n{self.stderr}".strip()
        return "\n".join(output.splitlines()[-OUTPUT_TAIL_LINES:])

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "command": self.display(),
            "exit_code": self.exit_code,
            "passed": self.passed,
            "duration_seconds": round(self.duration_seconds, 2),
            "output_tail": "" if self.passed else self.tail(),
        }


def uv_binary() -> str:
    """The ``uv`` executable: on PATH, or the one the ``uv`` Python package ships."""
    found = shutil.which("uv")
    if found:
        return found
    try:
        module = importlib.import_module("uv")
        return str(module.find_uv_bin())
    except (ImportError, FileNotFoundError) as exc:
        raise MeasureError("uv is not installed; it runs the generated project") from exc


def uv_run(project: Path) -> list[str]:
    """``uv run``, ``--frozen`` when the project has a lock file."""
    argv = [uv_binary(), "run"]
    return [*argv, "--frozen"] if (project / "uv.lock").is_file() else argv


def project_env() -> dict[str, str]:
    """Our environment without our own virtualenv, so the project runs its own tools, not ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    ours = {Path(sys.prefix, "bin"), *(Path(v, "bin") for v in [os.environ.get("VIRTUAL_ENV")] if v)}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p) not in ours]
    env["PATH"] = os.pathsep.join(path)
    env.setdefault("UV_NO_PROGRESS", "1")
    return env


def run(name: str, argv: list[str], project: Path, timeout: float = 1800) -> CommandResult:
    start = time.monotonic()
    try:
        done = subprocess.run(
            argv, cwd=project, env=project_env(), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        stderr = f"{_text(exc.stderr)}\ntimed out after {timeout:.0f} s"
        return CommandResult(name, argv, -1, time.monotonic() - start, _text(exc.stdout), stderr)
    except OSError as exc:
        return CommandResult(name, argv, 127, time.monotonic() - start, "", str(exc))
    elapsed = time.monotonic() - start
    return CommandResult(name, argv, done.returncode, elapsed, done.stdout, done.stderr)


def _text(data: str | bytes | None) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else data or ""


def framework_of_project(project: Path, package: str) -> str:
    """FastAPI, Flask or Django, told by the layout of the generated project."""
    source = project / "src" / package
    if (source / "main.py").is_file():
        return "FastAPI"
    if (source / "app.py").is_file():
        return "Flask"
    if (project / "manage.py").is_file() and (project / package).is_dir():
        return "Django"
    raise MeasureError(f"no FastAPI, Flask or Django app of package {package!r} in {project}")


def package_dir(project: Path, package: str) -> Path:
    """``src/<package>`` when it exists (FastAPI, Flask), else ``<package>`` (Django)."""
    source = project / "src" / package
    return source if source.is_dir() else project / package


def count_endpoints(project: Path, package: str) -> int:
    """The number of (path, method) operations of the real app's own OpenAPI document (FastAPI:
    of its API routes, see :data:`FASTAPI_ROUTE_PROBE`)."""
    framework = framework_of_project(project, package)
    if framework == "FastAPI":
        return _count_in_project(project, "the app's endpoints", FASTAPI_ROUTE_PROBE.format(package=package))
    probe = OPENAPI_PROBES[framework].format(package=package)
    document = _json_in_project(project, "the app's endpoints", probe)
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict):
        raise MeasureError("counting the app's endpoints failed: the OpenAPI document has no paths")
    return sum(
        1 for item in paths.values() if isinstance(item, dict) for method in item if method.lower() in HTTP_METHODS
    )


def count_tables(project: Path, package: str) -> int:
    """The number of tables of the real models (SQLAlchemy metadata, or Django's models)."""
    orm = "Django" if framework_of_project(project, package) == "Django" else "SQLAlchemy"
    return _count_in_project(project, "the models' tables", TABLE_PROBES[orm].format(package=package))


def _json_in_project(project: Path, what: str, code: str) -> Any:
    """The JSON document ``code`` prints last, run by the project's own interpreter."""
    result = run(what, [*uv_run(project), "python", "-c", code], project)
    last = result.stdout.strip().splitlines()[-1:] if result.passed else []
    try:
        return json.loads(last[0])
    except (IndexError, ValueError) as exc:
        raise MeasureError(f"counting {what} failed: {result.display()}\n{result.tail()}") from exc


def _count_in_project(project: Path, what: str, code: str) -> int:
    """The number ``code`` prints last, run by the project's own interpreter."""
    result = run(what, [*uv_run(project), "python", "-c", code], project)
    last = result.stdout.strip().splitlines()[-1:] if result.passed else []
    if not last or not last[0].strip().isdigit():
        raise MeasureError(f"counting {what} failed: {result.display()}\n{result.tail()}")
    return int(last[0].strip())


def count_migrations(project: Path, package: str | None = None) -> int:
    """The number of migration scripts: the ``.py`` files of ``migrations/versions`` (Alembic), or
    the numbered ``0*.py`` files of the ``migrations`` directories under ``<package>/`` (Django)."""
    versions = project / "migrations" / "versions"
    if versions.is_dir():
        return sum(1 for path in versions.glob("*.py") if path.is_file())
    django = sorted(project.glob(f"{package}/**/migrations")) if package else []
    if django:
        return sum(1 for folder in django for path in folder.glob("0*.py") if path.is_file())
    raise MeasureError(f"no migrations directory: {versions}")


# ---------------------------------------------------------------------------
# Verification (--verify)
# ---------------------------------------------------------------------------


@dataclass
class Verification:
    commands: list[CommandResult]
    test_coverage: float | None

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.commands)

    def as_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "commands": [c.as_json() for c in self.commands]}


def verify(project: Path, report_dir: Path, log: Callable[[str], None] = lambda _: None) -> Verification:
    """Run the project's tests (with coverage), linter, formatter check and type checker."""
    report_dir.mkdir(parents=True, exist_ok=True)
    coverage_json = report_dir / "coverage.json"
    coverage_json.unlink(missing_ok=True)
    prefix = uv_run(project)
    steps = [
        ("tests", [*prefix, "pytest", "--cov", f"--cov-report=json:{_relative(coverage_json, project)}"]),
        ("lint", [*prefix, "ruff", "check", "."]),
        ("format", [*prefix, "ruff", "format", "--check", "."]),
        ("types", [*prefix, "mypy"]),
    ]
    results = []
    for name, argv in steps:
        result = run(name, argv, project)
        log(f"verify: {result.display()}")
        log(f"verify: {name} {'passed' if result.passed else 'FAILED'} ({result.duration_seconds:.1f} s)")
        results.append(result)
    return Verification(results, _percent_covered(coverage_json))


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)


def _percent_covered(report: Path) -> float | None:
    try:
        totals = json.loads(report.read_text(encoding="utf-8"))["totals"]
        return round(float(totals["percent_covered"]), 2)
    except (OSError, ValueError, KeyError, TypeError):
        return None
