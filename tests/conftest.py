from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import Project, build_project, drop_postgres_database, load_spec

# The generated projects every slow test shares: (spec, database type).
PROJECTS = {
    "s01-sqlite": ("s01-todo", "SQLite"),
    "s01-postgres": ("s01-todo", "PostgreSQL"),
    "all-types": ("all-types", "SQLite"),
    "blog-postgres": ("blog-fastapi", "PostgreSQL"),
}


@pytest.fixture(scope="session")
def project_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Project]]:
    """Builds each project of PROJECTS once per session (per xdist worker)."""
    built: dict[str, Project] = {}
    root = tmp_path_factory.mktemp("projects")

    def get(key: str) -> Project:
        if key not in built:
            spec_name, database = PROJECTS[key]
            spec: dict[str, Any] = load_spec(spec_name, database__type=database)
            built[key] = build_project(spec, Path(root) / key)
        return built[key]

    yield get
    for project in built.values():
        if project.database_url.startswith("postgresql"):
            drop_postgres_database(project.database_url)


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
