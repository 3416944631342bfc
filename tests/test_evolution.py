"""A changed spec reaches a project that already has data: each update adds a migration after the
last one, the rows are still there (a renamed field keeps its values), the new endpoints work,
the project's own checks pass, and a database migrated from zero ends in the same schema.

Projects are generated from a tagged git copy of this template (``template_v1`` of
conftest.py), installed with their own dependency manager and run with ``make``.
"""

from __future__ import annotations

import copy
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import copier
import httpx
import pytest
from conftest import SYNC
from contract.server import serve
from support import (
    MYSQL_ADMIN,
    Project,
    as_django,
    as_flask,
    commit_all,
    create_database,
    drop_database,
    git,
    load_spec,
)

from python_specialist.mapping import copier_data

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple 42"


def spec_for(framework: str, database: str) -> dict[str, Any]:
    if framework == "FastAPI sync":
        return load_spec("s01-todo", database__type=database, **SYNC)
    spec = load_spec("s01-todo", database__type=database)
    return {"FastAPI": spec, "Flask": as_flask(spec), "Django": as_django(spec)}[framework]


def todo_of(spec: dict[str, Any]) -> dict[str, Any]:
    todo: dict[str, Any] = next(m for m in spec["database"]["models"] if isinstance(m, dict) and m["name"] == "Todo")
    return todo


def field_of(model: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in model["fields"] if f["name"] == name)
    return found


def changed(spec: dict[str, Any]) -> dict[str, Any]:
    """v2 of the spec: a field added with a default, a field renamed, a field dropped, a new model
    with a required many_to_one to an existing one, and a many_to_many."""
    spec = copy.deepcopy(spec)
    todo = todo_of(spec)
    field_of(todo, "title").update(name="headline", renamed_from="title")
    todo["fields"] = [f for f in todo["fields"] if f["name"] != "due_date"]
    todo["fields"].append({"name": "rank", "type": "integer", "default": 3})
    todo.setdefault("relationships", []).append({"name": "labels", "kind": "many_to_many", "target": "Tag"})
    spec["database"]["models"].append(
        {
            "name": "Tag",
            "fields": [{"name": "label", "type": "string", "max_length": 40, "unique": True}],
            "relationships": [{"name": "todo", "kind": "many_to_one", "target": "Todo"}],
        }
    )
    return spec


# -- the database, seen from outside ------------------------------------------------------------


def _mysql_rows(name: str) -> list[str]:
    """Columns, indexes (by their columns) and foreign keys of a MySQL database, one line each."""
    ours = f"table_schema = '{name}' AND table_name NOT IN ('alembic_version', 'django_migrations')"
    query = f"""
      SELECT 'column', table_name, column_name, column_type, is_nullable
        FROM information_schema.columns WHERE {ours}
      UNION ALL
      SELECT 'index', table_name, non_unique, GROUP_CONCAT(column_name ORDER BY seq_in_index), ''
        FROM information_schema.statistics WHERE {ours} GROUP BY table_name, index_name, non_unique
      UNION ALL
      SELECT 'key', table_name, column_name, referenced_table_name, referenced_column_name
        FROM information_schema.key_column_usage WHERE {ours} AND referenced_table_name IS NOT NULL
    """  # noqa: S608 - the name is one create_database made
    command = ["mariadb", *MYSQL_ADMIN, "--skip-column-names", "--batch", "--execute", query]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()


def reflect(url: str) -> dict[str, Any]:
    """Tables, columns (type, NULL), indexes (without their names) and keys, in no particular order."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            schema: dict[str, Any] = {}
            for t in tables:
                if t.startswith("sqlite_") or t in ("alembic_version", "django_migrations"):
                    continue
                columns = sorted((c[1], c[2].upper(), bool(c[3])) for c in db.execute(f'PRAGMA table_info("{t}")'))
                indexes = sorted(
                    (bool(i[2]), tuple(c[2] for c in db.execute(f'PRAGMA index_info("{i[1]}")')))
                    for i in db.execute(f'PRAGMA index_list("{t}")')
                    if i[3] != "pk"
                )
                keys = sorted((k[3], k[2], k[6]) for k in db.execute(f'PRAGMA foreign_key_list("{t}")'))
                schema[t] = {"columns": columns, "indexes": indexes, "keys": keys}
            return schema
    if url.startswith("mysql"):
        return {"rows": sorted(_mysql_rows(url.rsplit("/", 1)[1]))}
    query = """
        SELECT json_build_object(
          'columns', (SELECT json_agg(json_build_array(table_name, column_name, data_type,
                        character_maximum_length, numeric_precision, is_nullable))
                      FROM information_schema.columns WHERE table_schema = 'public'
                        AND table_name NOT IN ('alembic_version', 'django_migrations')),
          'indexes', (SELECT json_agg(json_build_array(tablename, indexname, indexdef))
                      FROM pg_indexes WHERE schemaname = 'public'
                        AND tablename NOT IN ('alembic_version', 'django_migrations')),
          'keys', (SELECT json_agg(json_build_array(conrelid::regclass::text, pg_get_constraintdef(oid)))
                      FROM pg_constraint WHERE contype IN ('f', 'u', 'p')
                        AND connamespace = 'public'::regnamespace))
    """
    out = subprocess.run(["psql", url, "-Atqc", query], capture_output=True, text=True, check=True).stdout
    reflected = {kind: sorted(map(tuple, rows)) for kind, rows in json.loads(out).items()}
    # Index names aside (Django keeps a renamed model's old ones; Alembic's are checked by `alembic check`).
    reflected["indexes"] = sorted((t, re.sub(r"INDEX \S+ ON", "INDEX ON", d)) for t, _, d in reflected["indexes"])
    return reflected


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[list[str]]:
    """Database URLs made on demand (``new(kind)``) and dropped at the end, also on failure."""
    made: list[str] = []
    yield made
    for url in made:
        drop_database(url)


def new_database(made: list[str], kind: str, where: Path) -> str:
    url = create_database(kind, where)
    made.append(url)
    return url


# -- the API --------------------------------------------------------------------------------------


class Api:
    def __init__(self, base_url: str, email: str) -> None:
        self.http = httpx.Client(base_url=f"{base_url}/api/v1", timeout=30)
        self.http.post("/auth/register", json={"email": email, "password": PASSWORD})
        token = self.http.post("/auth/token", data={"username": email, "password": PASSWORD})
        assert token.status_code == 200, token.text
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def call(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None


def generate_and_migrate(template: Path, spec: dict[str, Any], dest: Path, url: str) -> Project:
    copier.run_copy(str(template), dest, data=copier_data(spec), defaults=True, unsafe=True, quiet=True)
    project = Project(path=dest, spec=spec, database_url=url)
    project.make("install")
    project.make("migrate")
    return project


def migration_files(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for pattern in ("migrations/versions/*.py", "*/resources/migrations/0*.py")
        for p in project.glob(pattern)
    }


CASES = [
    pytest.param("FastAPI", "SQLite", id="fastapi-sqlite"),
    pytest.param("FastAPI", "PostgreSQL", id="fastapi-postgres"),
    pytest.param("FastAPI sync", "SQLite", id="fastapi-sync-sqlite"),
    pytest.param("Django", "SQLite", id="django-sqlite"),
    pytest.param("Django", "PostgreSQL", id="django-postgres"),
    pytest.param("Flask", "PostgreSQL", id="flask-postgres"),
    pytest.param("FastAPI", "MySQL", id="fastapi-mysql"),
    pytest.param("Django", "MySQL", id="django-mysql"),
]


@pytest.mark.parametrize(("framework", "database"), CASES)
def test_changed_spec_migrates_the_existing_data(
    framework: str, database: str, template_v1: Path, tmp_path: Path, databases: list[str]
) -> None:
    spec = spec_for(framework, database)
    project = generate_and_migrate(
        template_v1, spec, tmp_path / "project", new_database(databases, database, tmp_path / "app.db")
    )
    with serve(project, tmp_path / "v1.log") as base_url:
        api = Api(base_url, "owner@example.com")
        kept = api.call("POST", "/todos", 201, json={"title": "Keep me", "due_date": "2026-03-01"})
    first = migration_files(project.path)

    spec_file = tmp_path / "v2.json"
    spec_file.write_text(json.dumps(changed(spec)))
    cli = [sys.executable, "-m", "python_specialist", "update", str(spec_file), str(project.path)]
    refused = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert refused.returncode == 2, refused.stderr
    assert "drop Todo.due_date drops the column and its values: refused unless data loss is allowed" in refused.stderr
    assert git(project.path, "status", "--porcelain") == "", "a refused update wrote something"

    result = subprocess.run([*cli, "--allow-data-loss"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["conflicts"] == []
    assert len(report["migrations_added"]) == 1
    assert "rename Todo.title to headline" in report["changes"]
    assert "drop Todo.due_date" in report["changes"]
    after = migration_files(project.path)
    assert {k: v for k, v in after.items() if k in first} == first, "an existing migration was rewritten"
    assert set(after) - set(first) == set(report["migrations_added"])

    project.make("migrate")
    with serve(project, tmp_path / "v2.log") as base_url:
        api = Api(base_url, "owner@example.com")
        todo = api.call("GET", f"/todos/{kept['id']}", 200)
        assert todo["headline"] == "Keep me", "the renamed field lost its value"
        assert todo["rank"] == 3, "the added field did not get its default on an existing row"
        assert "due_date" not in todo and "title" not in todo
        tag = api.call("POST", "/tags", 201, json={"label": "home", "todo_id": kept["id"]})
        labelled = api.call("PATCH", f"/todos/{kept['id']}", 200, json={"label_ids": [tag["id"]]})
        assert labelled["label_ids"] == [tag["id"]]
        assert api.call("GET", "/tags", 200)["total"] == 1

    project.make("check-migrations")
    project.make("lint")
    project.make("test")
    fresh = new_database(databases, database, tmp_path / "fresh.db")
    project.make("migrate", env={"DATABASE_URL": fresh})
    assert reflect(fresh) == reflect(project.database_url), "a fresh database differs from the upgraded one"


def test_three_updates_in_a_row_with_a_template_upgrade_and_a_hand_written_migration(
    template_v1: Path, tmp_path: Path, databases: list[str]
) -> None:
    """copier update itself (answers given with data, as `copier update -d models=...` would),
    three times; the second also brings a new template version."""
    template = tmp_path / "template"
    git(tmp_path, "clone", "--quiet", str(template_v1), str(template))
    spec = spec_for("FastAPI", "SQLite")
    project = generate_and_migrate(
        template, spec, tmp_path / "project", new_database(databases, "SQLite", tmp_path / "app.db")
    )
    versions = project.path / "migrations" / "versions"
    with serve(project, tmp_path / "v1.log") as base_url:
        kept = Api(base_url, "owner@example.com").call(
            "POST", "/todos", 201, json={"title": "x" * 150, "priority": "low"}
        )

    def update(spec: dict[str, Any], **extra: Any) -> None:
        copier.run_update(
            project.path,
            data={"models": copier_data(spec)["models"], **extra},
            defaults=True,
            overwrite=True,
            unsafe=True,
            conflict="inline",
            quiet=True,
        )
        project.make("migrate")
        project.make("check-migrations")
        commit_all(project.path, "update")

    # 1: a nullable field and an index on an existing one.
    todo = todo_of(spec)
    todo["fields"].append({"name": "notes", "type": "text", "required": False})
    field_of(todo, "completed")["index"] = True
    update(spec)
    assert [p.name[:5] for p in sorted(versions.glob("*.py"))] == ["0001_", "0002_"]

    # The owner writes a data migration by hand; the next update chains after it and leaves it be.
    hand = versions / "c0ffee_owner_data_fix.py"
    hand.write_text(
        '"""Owner\'s data fix."""\n\nfrom alembic import op\n\nrevision = "c0ffee"\ndown_revision = "0002"\n'
        "branch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n"
        '    op.execute("UPDATE todos SET completed = completed")\n\n\ndef downgrade() -> None:\n    pass\n'
    )
    commit_all(project.path, "owner's migration")
    hand_text = hand.read_bytes()

    # 2: a new template version and a new model with a many_to_many, in one update.
    readme = template / "template-fastapi" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nTemplate 1.1.0 was here.\n")
    commit_all(template, "Template 1.1.0", tag="v1.1.0")
    spec["database"]["models"].append({"name": "Project", "fields": [{"name": "code", "type": "string"}]})
    todo["relationships"] = [{"name": "projects", "kind": "many_to_many", "target": "Project"}]
    update(spec)
    assert "Template 1.1.0 was here." in (project.path / "README.md").read_text()
    third = next(versions.glob("0003_*.py")).read_text()
    assert 'down_revision: str | None = "c0ffee"' in third
    assert hand.read_bytes() == hand_text

    # 3: narrower title (values cut to fit, with permission), a choice removed (rows move to the
    # default), a field made unique.
    field_of(todo, "title")["max_length"] = 100
    field_of(todo, "priority")["choices"] = ["medium", "high"]
    field_of(todo, "notes")["unique"] = True
    with pytest.raises(ValueError, match="narrows the column"):
        update(spec)
    assert git(project.path, "status", "--porcelain") == ""
    update(spec, allow_data_loss=True)
    assert len(list(versions.glob("0004_*.py"))) == 1
    assert hand.read_bytes() == hand_text

    with serve(project, tmp_path / "v4.log") as base_url:
        todo_now = Api(base_url, "owner@example.com").call("GET", f"/todos/{kept['id']}", 200)
    assert todo_now["title"] == "x" * 100
    assert todo_now["priority"] == "medium"
    project.make("lint")
    project.make("test")
    fresh = new_database(databases, "SQLite", tmp_path / "fresh.db")
    project.make("migrate", env={"DATABASE_URL": fresh})
    assert reflect(fresh) == reflect(project.database_url)


@pytest.mark.parametrize(
    ("framework", "database"),
    [
        pytest.param("FastAPI", "PostgreSQL", id="fastapi-postgres"),
        pytest.param("Django", "SQLite", id="django-sqlite"),
        pytest.param("Flask", "MySQL", id="flask-mysql"),
    ],
)
def test_renamed_model_keeps_its_rows_and_links(
    framework: str, database: str, template_v1: Path, tmp_path: Path, databases: list[str]
) -> None:
    spec = spec_for(framework, database)
    todo = todo_of(spec)
    todo["fields"][0]["unique"] = True
    todo["relationships"] = [{"name": "labels", "kind": "many_to_many", "target": "Tag"}]
    spec["database"]["models"].append(
        {
            "name": "Tag",
            "fields": [{"name": "label", "type": "string"}],
            "relationships": [{"name": "todo", "kind": "many_to_one", "target": "Todo", "required": False}],
        }
    )
    project = generate_and_migrate(
        template_v1, spec, tmp_path / "project", new_database(databases, database, tmp_path / "app.db")
    )
    with serve(project, tmp_path / "v1.log") as base_url:
        api = Api(base_url, "owner@example.com")
        tag = api.call("POST", "/tags", 201, json={"label": "home"})
        kept = api.call("POST", "/todos", 201, json={"title": "Keep me", "label_ids": [tag["id"]]})
        api.call("PATCH", f"/tags/{tag['id']}", 200, json={"todo_id": kept["id"]})

    todo.update(name="Task", renamed_from="Todo")
    spec["database"]["models"][-1]["relationships"][0]["target"] = "Task"
    copier.run_update(
        project.path, data={"models": copier_data(spec)["models"]}, defaults=True, overwrite=True, unsafe=True
    )
    project.make("migrate")
    with serve(project, tmp_path / "v2.log") as base_url:
        api = Api(base_url, "owner@example.com")
        task = api.call("GET", f"/tasks/{kept['id']}", 200)
        assert (task["title"], task["label_ids"]) == ("Keep me", [tag["id"]])
        assert api.call("GET", f"/tags/{tag['id']}", 200)["todo_id"] == kept["id"]
        api.call("POST", "/tasks", 201, json={"title": "New one"})
    project.make("check-migrations")
    project.make("test")
    fresh = new_database(databases, database, tmp_path / "fresh.db")
    project.make("migrate", env={"DATABASE_URL": fresh})
    assert reflect(fresh) == reflect(project.database_url)


REFUSED = [
    pytest.param(
        lambda todo: todo["fields"].append({"name": "owner_note", "type": "string"}),
        "database.models[1].fields[5]: a required field without a default cannot be added to the existing table",
        id="required-without-default",
    ),
    pytest.param(
        lambda todo: todo["fields"].pop(1),
        "drop Todo.description drops the column and its values: refused unless data loss is allowed",
        id="drop-without-permission",
    ),
    pytest.param(
        lambda todo: field_of(todo, "completed").update(type="date", default="2026-01-01"),
        "database.models[1].fields[2].type: 'boolean' cannot become 'date' in place",
        id="incompatible-type",
    ),
    pytest.param(
        lambda todo: field_of(todo, "description").update(required=True),
        'database.models[1].fields[1].required: rows may hold no value; give the field a "default"',
        id="required-without-fill",
    ),
]


@pytest.fixture(scope="module")
def plain_project(template_v1: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("refused") / "project"
    copier.run_copy(
        str(template_v1), dest, data=copier_data(spec_for("FastAPI", "SQLite")), defaults=True, unsafe=True, quiet=True
    )
    return dest


@pytest.mark.parametrize(("change", "message"), REFUSED)
def test_unsafe_change_is_refused_and_writes_nothing(plain_project: Path, change: Any, message: str) -> None:
    spec = spec_for("FastAPI", "SQLite")
    change(todo_of(spec))
    head = git(plain_project, "rev-parse", "HEAD")
    with pytest.raises(ValueError, match="question 'models'") as refused:
        copier.run_update(
            plain_project, data={"models": copier_data(spec)["models"]}, defaults=True, overwrite=True, unsafe=True
        )
    assert message in str(refused.value)
    assert git(plain_project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(plain_project, "rev-parse", "HEAD") == head


def test_unchanged_spec_adds_no_migration(plain_project: Path) -> None:
    before = migration_files(plain_project)
    copier.run_update(plain_project, defaults=True, overwrite=True, unsafe=True, quiet=True)
    assert migration_files(plain_project) == before
    assert git(plain_project, "status", "--porcelain", "--untracked-files=all") == ""
