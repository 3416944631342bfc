"""``python-specialist generate``: refused specs write nothing; accepted ones report what was generated."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from python_specialist import measure
from python_specialist.mapping import TEMPLATE_ROOT
from python_specialist.validation import json_path

SPECS = Path(__file__).parent / "specs"
OUTPUT_SCHEMA = TEMPLATE_ROOT / "schemas" / "agents" / "@python-specialist.output.schema.json"
DELETE = object()


def s01() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((SPECS / "s01-todo.json").read_text(encoding="utf-8"))
    return spec


def changed(spec: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of ``spec`` with changes at paths like ``database.models[1].fields[0].name``."""
    spec = copy.deepcopy(spec)
    for dotted, value in changes.items():
        keys: list[str | int] = []
        for part in dotted.replace("]", "").split("."):
            name, *indices = part.split("[")
            keys += [name, *(int(i) for i in indices)]
        node: Any = spec
        for key in keys[:-1]:
            node = node[key]
        if value is DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return spec


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "python_specialist", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=1800,
        check=False,
    )


def write_spec(tmp_path: Path, spec: Any, name: str = "spec.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


TODO = s01()["database"]["models"][1]
BROKEN = {
    "wrong type": (changed(s01(), project_name=3), "project_name: 3 is not of type 'string'"),
    "missing project_name": (changed(s01(), project_name=DELETE), "project_name: is required"),
    "unknown key": (changed(s01(), colour="blue"), "colour: is not an allowed field here"),
    "unknown framework": (
        changed(s01(), **{"backend_architecture.framework": "Djangoo"}),
        "backend_architecture.framework: 'Djangoo' is not one of ['FastAPI', 'Django', 'Flask']",
    ),
    "async Django": (
        changed(
            s01(),
            **{
                "backend_architecture.framework": "Django",
                "database.orm": "Django ORM",
                "background_tasks.library": "none",
                "database.async": False,
            },
        ),
        "backend_architecture.async_support: true is not supported yet with backend_architecture.framework 'Django'",
    ),
    "async Flask": (
        changed(
            s01(),
            **{"backend_architecture.framework": "Flask", "background_tasks.library": "none", "database.async": False},
        ),
        "backend_architecture.async_support: true is not supported yet with backend_architecture.framework 'Flask'",
    ),
    "auth method not supported yet": (
        changed(s01(), **{"authentication.method": "none"}),
        "authentication.method: 'none' is not supported yet (supported: JWT, OAuth2, Token)",
    ),
    "a social provider without OAuth2": (
        changed(s01(), **{"authentication.providers": ["local", "google"]}),
        "authentication.providers: 'google' works only with authentication.method 'OAuth2' (it is 'JWT')",
    ),
    "text index on MySQL": (
        changed(s01(), **{"database.type": "MySQL", "database.models[1].fields[1].unique": True}),
        "database.models[1].fields[1]: a text column cannot be indexed on MySQL; drop unique and index",
    ),
    "long unique string on MySQL": (
        changed(
            s01(),
            **{
                "database.type": "MySQL",
                "database.models[1].fields[0].max_length": 1000,
                "database.models[1].fields[0].unique": True,
            },
        ),
        "database.models[1].fields[0]: an index on MySQL holds at most 768 characters and this string has 1000;",
    ),
    "row too large on MySQL": (
        changed(
            s01(),
            **{
                "database.type": "MySQL",
                "database.models[1].fields[0].max_length": 16383,
                "database.models[1].fields[1].type": "string",
                "database.models[1].fields[1].max_length": 16383,
            },
        ),
        "database.models[1].fields: MySQL rows hold 65535 bytes and these columns take",
    ),
    "sync handlers on an async database": (
        changed(s01(), **{"backend_architecture.async_support": False}),
        "database.async: true works only with backend_architecture.async_support true (it is false)",
    ),
    "async handlers on a sync database": (
        changed(s01(), **{"database.async": False}),
        "database.async: false works only with backend_architecture.async_support false (it is true)",
    ),
    "no way to sign in": (
        changed(s01(), **{"authentication.method": "OAuth2", "authentication.providers": []}),
        'authentication.providers: name at least one way to sign in ("local", "google", "github")',
    ),
    "bad api prefix": (
        changed(s01(), **{"backend_architecture.api_prefix": "api/v1"}),
        "backend_architecture.api_prefix: 'api/v1' does not match",
    ),
    "bad field type": (
        changed(s01(), **{"database.models[1].fields[0].type": "strng"}),
        "database.models[1].fields[0].type: 'strng' is not one of ['string',",
    ),
    "key of another field type": (
        changed(s01(), **{"database.models[1].fields[0].max_digits": 4}),
        "database.models[1].fields[0].max_digits: is not an allowed field here",
    ),
    "enum without choices": (
        changed(s01(), **{"database.models[1].fields[4].choices": DELETE}),
        "database.models[1].fields[4].choices: is required",
    ),
    "lower-case model name": (
        changed(s01(), **{"database.models[1].name": "todo"}),
        "database.models[1].name: 'todo' does not match",
    ),
    "duplicate model names": (
        changed(s01(), **{"database.models": ["User", TODO, TODO]}),
        "database.models[2].name: duplicate model name 'Todo' (also database.models[1])",
    ),
    "reserved field name": (
        changed(s01(), **{"database.models[1].fields[0].name": "id"}),
        "database.models[1].fields[0].name: 'id' is reserved",
    ),
    "enum default outside choices": (
        changed(s01(), **{"database.models[1].fields[4].default": "urgent"}),
        "database.models[1].fields[4].default: 'urgent' is not one of the choices ['low', 'medium', 'high']",
    ),
    "bad request_model": (
        changed(s01(), **{"api_endpoints[1].request_model": "TodoCreat"}),
        "api_endpoints[1].request_model: 'TodoCreat' is not defined by any model",
    ),
    "public endpoint of an owned model": (
        changed(s01(), **{"api_endpoints[0].auth_required": False}),
        "api_endpoints[0].auth_required: Todo is owned by users",
    ),
    "custom endpoint outside the prefix": (
        changed(s01(), **{"api_endpoints[0]": {"path": "/elsewhere", "method": "GET"}}),
        "api_endpoints[0].path: '/elsewhere' must start with the api_prefix '/api/v1'",
    ),
    "GET endpoint with a body": (
        changed(
            s01(),
            **{"api_endpoints[0]": {"path": "/api/v1/stats", "method": "GET", "request_model": "TodoCreate"}},
        ),
        "api_endpoints[0].request_model: a GET request has no body",
    ),
    "response model as a request model": (
        changed(s01(), **{"api_endpoints[1].request_model": "TodoResponse"}),
        "api_endpoints[1].request_model: 'TodoResponse' is not defined by any model",
    ),
    "unknown relationship target": (
        changed(
            s01(),
            **{"database.models[1].relationships": [{"name": "x", "kind": "many_to_one", "target": "Ghost"}]},
        ),
        "database.models[1].relationships[0].target: 'Ghost' is not a model of the spec",
    ),
    "many_to_one cycle": (
        changed(
            s01(),
            **{
                "database.models": [
                    "User",
                    {
                        "name": "Todo",
                        "fields": [{"name": "title", "type": "string"}],
                        "relationships": [{"name": "tag", "kind": "many_to_one", "target": "Tag"}],
                    },
                    {
                        "name": "Tag",
                        "fields": [{"name": "label", "type": "string"}],
                        "relationships": [{"name": "todo", "kind": "many_to_one", "target": "Todo"}],
                    },
                ],
                "api_endpoints": [],
            },
        ),
        "database.models: the many_to_one relationships",
    ),
    "set_null on a required relationship": (
        changed(
            s01(),
            **{
                "database.models[1].relationships": [
                    {"name": "assignee", "kind": "many_to_one", "target": "User", "on_delete": "set_null"}
                ]
            },
        ),
        "database.models[1].relationships[0].on_delete: 'set_null' needs",
    ),
    "ARQ without Redis": (
        changed(s01(), background_tasks={"library": "ARQ", "broker": "RabbitMQ"}),
        "background_tasks.library: 'ARQ' works only with background_tasks.broker 'Redis' (it is 'RabbitMQ')",
    ),
    "BackgroundTasks outside FastAPI": (
        changed(s01(), **{"backend_architecture.framework": "Flask"}),
        "background_tasks.library: 'FastAPI BackgroundTasks' works only with backend_architecture.framework 'FastAPI'",
    ),
    "Django ORM outside Django": (
        changed(s01(), **{"database.orm": "Django ORM"}),
        "database.orm: 'Django ORM' works only with backend_architecture.framework 'Django'",
    ),
    "SQLAlchemy with Django": (
        changed(s01(), **{"backend_architecture.framework": "Django", "background_tasks.library": "none"}),
        "database.orm: 'SQLAlchemy' works only with backend_architecture.framework 'FastAPI' or 'Flask'",
    ),
    "broker without a task queue": (
        changed(s01(), background_tasks={"library": "FastAPI BackgroundTasks", "broker": "Redis"}),
        "background_tasks.broker: 'Redis' works only with background_tasks.library 'Celery' or 'ARQ'",
    ),
    "package name without a letter first": (
        changed(s01(), project_name="2 Do"),
        "project_name: needs a letter first",
    ),
    "package name shadowing a library": (
        changed(s01(), project_name="Alembic"),
        "project_name: the package name 'alembic' would shadow",
    ),
    "not an object": ([1, 2], "(spec): [1, 2] is not of type 'object'"),
}


@pytest.mark.parametrize(("spec", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_spec_is_refused_and_writes_nothing(tmp_path: Path, spec: Any, message: str) -> None:
    dest = tmp_path / "out"
    result = cli("generate", write_spec(tmp_path, spec), dest)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "nothing written" in result.stderr
    assert result.stdout == ""
    assert not dest.exists()


def test_every_problem_is_reported_one_per_line(tmp_path: Path) -> None:
    spec = changed(
        s01(),
        **{"database.models[1].fields[0].name": "id", "authentication.method": "none", "database.orm": "Django ORM"},
    )
    result = cli("generate", write_spec(tmp_path, spec), tmp_path / "out")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    for expected in (
        "database.models[1].fields[0].name:",
        "authentication.method:",
        "database.orm: 'Django ORM' works",
    ):
        assert sum(line.startswith(expected) for line in lines) == 1, result.stderr


def test_yaml_spec_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("project_name: Todo API\nbackend_architecture:\n  framework: Djangoo\n", encoding="utf-8")
    result = cli("generate", spec, tmp_path / "out")
    assert result.returncode == 2
    assert "backend_architecture.framework: 'Djangoo' is not one of" in result.stderr


@pytest.mark.parametrize("text", ["{", ""], ids=["bad json", "empty"])
def test_unreadable_spec_is_refused(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(text, encoding="utf-8")
    result = cli("generate", spec, tmp_path / "out")
    assert result.returncode == 2
    assert str(spec) in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_spec_file_is_refused(tmp_path: Path) -> None:
    result = cli("generate", tmp_path / "nope.json", tmp_path / "out")
    assert result.returncode == 2
    assert "cannot read the spec" in result.stderr


@pytest.mark.parametrize("spec", [s01(), changed(s01(), project_name=DELETE)], ids=["valid", "broken"])
def test_non_empty_dest_is_refused_without_force(tmp_path: Path, spec: dict[str, Any]) -> None:
    dest = tmp_path / "out"
    (dest / "src").mkdir(parents=True)
    (dest / "README.md").write_text("mine\n", encoding="utf-8")
    (dest / "src" / "keep.py").write_text("x = 1\n", encoding="utf-8")
    before = snapshot(dest)
    result = cli("generate", write_spec(tmp_path, spec), dest)
    assert result.returncode == 2
    assert snapshot(dest) == before
    if "project_name" in spec:
        assert f"{dest}: exists and is not empty; use --force" in result.stderr


def test_dest_that_is_a_file_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    dest.write_text("a file\n", encoding="utf-8")
    result = cli("generate", write_spec(tmp_path, s01()), dest)
    assert result.returncode == 2
    assert "is not a directory" in result.stderr
    assert dest.read_text(encoding="utf-8") == "a file\n"


def test_usage_error_exits_2() -> None:
    result = cli("generate")
    assert result.returncode == 2
    assert "usage:" in result.stderr


# ---------------------------------------------------------------------------
# A failing template: DEST is removed, copier's output stays off stdout
# ---------------------------------------------------------------------------


@pytest.fixture
def failing_template(tmp_path: Path) -> Path:
    """A template family whose copy fails in its task, after it has rendered a file."""
    root = tmp_path / "template"
    shutil.copytree(TEMPLATE_ROOT / "extensions", root / "extensions")
    (root / "project").mkdir()
    (root / "project" / "README.md.jinja").write_text("{{ project_name }}\n", encoding="utf-8")
    (root / "copier.yml").write_text(
        "_subdirectory: project\n"
        "_tasks:\n"
        "  - [python, -c, \"print('noise from a task'); raise SystemExit(3)\"]\n"
        "project_name: {type: str}\n",
        encoding="utf-8",
    )
    return root


def test_failed_copy_removes_dest(tmp_path: Path, failing_template: Path) -> None:
    dest = tmp_path / "out"
    result = cli("generate", write_spec(tmp_path, s01()), dest, "--template", failing_template)
    assert result.returncode == 1, result.stderr
    assert "copier failed" in result.stderr
    assert result.stdout == ""
    assert not dest.exists()


def test_failed_copy_into_existing_dest_keeps_dest(tmp_path: Path, failing_template: Path) -> None:
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "mine.txt").write_text("mine\n", encoding="utf-8")
    result = cli("generate", write_spec(tmp_path, s01()), dest, "--template", failing_template, "--force")
    assert result.returncode == 1, result.stderr
    assert (dest / "mine.txt").read_text(encoding="utf-8") == "mine\n"


# ---------------------------------------------------------------------------
# Measurements, on hand-made trees
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("src/todo_api/main.py", "main"),
        ("src/todo_api/routers/todos.py", "routers"),
        ("src/todo_api/models/__init__.py", "models"),
        ("src/todo_api/schemas/todo.py", "schemas"),
        ("src/todo_api/services/todos.py", "services"),
        ("src/todo_api/database.py", "database"),
        ("migrations/env.py", "migrations"),
        ("migrations/versions/0001_initial.py", "migrations"),
        ("alembic.ini", "migrations"),
        ("tests/test_todos.py", "tests"),
        ("pyproject.toml", "config"),
        (".env.example", "config"),
        ("Makefile", "config"),
        ("Dockerfile", "config"),
        ("compose.yaml", "config"),
        ("src/todo_api/core/config.py", "config"),
        ("src/todo_api/core/security.py", None),
        ("src/todo_api/__main__.py", None),
        ("README.md", None),
        ("src/other/main.py", None),
    ],
)
def test_artefact_category(path: str, category: str | None) -> None:
    assert measure.artefact_category(path, "todo_api") == category


def test_artefacts_skip_tool_caches(tmp_path: Path) -> None:
    for path in (
        "src/pkg/main.py",
        "src/pkg/__pycache__/main.cpython-311.pyc",
        ".venv/lib/x.py",
        "tests/t.py",
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("", encoding="utf-8")
    found = measure.artefacts(tmp_path, "pkg")
    assert found["main"] == ["src/pkg/main.py"]
    assert found["tests"] == ["tests/t.py"]
    assert set(found) == set(measure.ARTEFACT_CATEGORIES)


def test_type_hint_coverage(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text(
        "class A:\n"
        "    def m(self, x: int, y) -> int: ...\n"  # 2 of 3 (self excluded)
        "    @classmethod\n"
        "    def c(cls, *args: str, **kw): ...\n",  # 1 of 3
        encoding="utf-8",
    )
    (tmp_path / "sub" / "b.py").write_text("async def f(a: int, /, *, b: int) -> None: ...\n", encoding="utf-8")
    assert measure.type_hint_coverage(tmp_path) == round(100 * 6 / 9, 2)


def test_type_hint_coverage_without_code_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(measure.MeasureError):
        measure.type_hint_coverage(tmp_path)


def test_json_path() -> None:
    assert json_path(["database", "models", 1, "fields", 0, "type"]) == "database.models[1].fields[0].type"
    assert json_path([]) == ""


# ---------------------------------------------------------------------------
# Real generation (needs template-fastapi and PyPI through uv)
# ---------------------------------------------------------------------------


def generated_report(tmp_path: Path, spec: dict[str, Any], *options: str) -> tuple[dict[str, Any], int]:
    dest = tmp_path / "out"
    result = cli("generate", write_spec(tmp_path, spec), dest, *options)
    report_path = dest / ".python-specialist" / "output.json"
    assert result.stdout.strip() == str(report_path), result.stderr
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    schema = json.loads(OUTPUT_SCHEMA.read_text(encoding="utf-8"))
    assert [e.message for e in Draft202012Validator(schema).iter_errors(report)] == []
    assert report["project_path"] == str(dest)
    for paths in report["artefacts"].values():
        assert all((dest / p).is_file() for p in paths)
    return report, result.returncode


@pytest.mark.slow
def test_generate_sqlite_and_verify(tmp_path: Path) -> None:
    report, status = generated_report(tmp_path, changed(s01(), **{"database.type": "SQLite"}), "--verify")
    assert report["package_name"] == "todo_api"
    assert report["artefacts"]["main"] == ["src/todo_api/main.py"]
    assert all(report["artefacts"][category] for category in ("routers", "models", "migrations", "tests"))
    assert report["metrics"]["endpoints"] > 0
    assert report["next_phase"] is None
    verification = report["verification"]
    assert [c["name"] for c in verification["commands"]] == ["tests", "lint", "format", "types"]
    assert status == (0 if verification["passed"] else 1)
    assert verification["passed"], json.dumps(verification, indent=2)
    assert isinstance(report["metrics"]["test_coverage"], float)


@pytest.mark.slow
def test_generate_postgresql_hands_over_to_the_postgresql_specialist(tmp_path: Path) -> None:
    report, status = generated_report(tmp_path, s01())
    assert status == 0
    assert report["next_phase"] == "@postgresql-specialist"
    assert report["verification"] is None
    assert report["metrics"]["test_coverage"] is None
    assert report["metrics"]["endpoints"] > 0


def switched(spec: dict[str, Any], framework: str) -> dict[str, Any]:
    """``spec`` on SQLite, switched to ``framework`` (sync, no FastAPI BackgroundTasks)."""
    changes: dict[str, Any] = {
        "database.type": "SQLite",
        "database.async": False,
        "backend_architecture.framework": framework,
        "backend_architecture.async_support": False,
        "background_tasks.library": "none",
    }
    if framework == "Django":
        changes["database.orm"] = "Django ORM"
    return changed(spec, **changes)


@pytest.mark.slow
def test_generate_flask_is_measured(tmp_path: Path) -> None:
    report, status = generated_report(tmp_path, switched(s01(), "Flask"))
    assert status == 0
    assert report["artefacts"]["main"] == ["src/todo_api/app.py"]
    assert report["metrics"]["endpoints"] > 0


@pytest.mark.slow
def test_generate_django_is_measured(tmp_path: Path) -> None:
    report, status = generated_report(tmp_path, switched(s01(), "Django"))
    assert status == 0
    assert "todo_api/resources/models.py" in report["artefacts"]["models"]
    assert report["metrics"]["endpoints"] > 0
