"""The skills of @python-specialist: slices of the agent an orchestrator can run alone.

A skill's input schema (``schemas/skills/<name>.input.schema.json``) is the agent's input schema
restricted to the top-level sections the skill needs, copied verbatim; the spec is mapped onto
copier as usual, so a section left out takes the template's defaults. Its output
(``<name>.output.schema.json``) reports only the artefacts the skill owns and metrics measured
on them. ``tests/test_skills.py`` keeps the schemas, :data:`SKILLS` and :data:`METRICS` in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from python_specialist import measure

SCHEMA_DIR = Path("schemas", "skills")


@dataclass(frozen=True)
class Skill:
    name: str
    categories: tuple[str, ...]  # the artefact categories it owns (see measure.artefacts)
    metrics: tuple[str, ...]  # keys of METRICS, in report order

    @property
    def input_schema(self) -> Path:
        return SCHEMA_DIR / f"{self.name}.input.schema.json"

    @property
    def output_schema(self) -> Path:
        return SCHEMA_DIR / f"{self.name}.output.schema.json"

    @property
    def report_name(self) -> str:
        return f"{self.name}.json"


@dataclass(frozen=True)
class Generated:
    """A generated project, seen through one skill."""

    path: Path
    package: str
    artefacts: dict[str, list[str]]

    def python_files(self) -> list[Path]:
        return [self.path / p for paths in self.artefacts.values() for p in paths if p.endswith(".py")]


@dataclass(frozen=True)
class Metric:
    doing: str  # for the progress log
    measure: Callable[[Generated], int | float]


METRICS: dict[str, Metric] = {
    "endpoints": Metric(
        "counting the app's endpoints (uv run: installs the project on first use)",
        lambda project: measure.count_endpoints(project.path, project.package),
    ),
    "tables": Metric(
        "counting the models' tables (uv run: installs the project on first use)",
        lambda project: measure.count_tables(project.path, project.package),
    ),
    "migrations": Metric(
        "counting the migration scripts", lambda project: measure.count_migrations(project.path, project.package)
    ),
    "type_hint_coverage": Metric(
        "measuring type-hint coverage", lambda project: measure.hint_coverage(project.python_files())
    ),
}

SKILLS: dict[str, Skill] = {
    skill.name: skill
    for skill in (
        Skill("python-api-patterns", ("routers", "schemas", "services", "auth"), ("endpoints", "type_hint_coverage")),
        Skill(
            "python-database-integration",
            ("models", "database", "migrations"),
            ("tables", "migrations", "type_hint_coverage"),
        ),
    )
}
