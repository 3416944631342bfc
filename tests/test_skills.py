"""The skills (``generate --skill NAME``): their schemas, the code that reads and fills them, and runs.

Every field of every skill schema is used by the code, both ways: each leaf of an input schema
is a mapped spec field (SPEC_TO_QUESTION), and an emitted report has exactly the properties
its output schema declares.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from test_cli import DELETE, changed, cli, s01, write_spec
from test_schemas import leaf_fields

from python_specialist import measure
from python_specialist.mapping import SPEC_TO_QUESTION, TEMPLATE_ROOT, spec_to_answers
from python_specialist.skills import METRICS, SKILLS, Skill
from python_specialist.validation import INPUT_SCHEMA, spec_errors

SPECS = Path(__file__).parent / "specs"
SKILL_SCHEMAS = TEMPLATE_ROOT / "schemas" / "skills"
AGENT_INPUT = TEMPLATE_ROOT / INPUT_SCHEMA
API, DATABASE = SKILLS["python-api-patterns"], SKILLS["python-database-integration"]


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def input_schema(skill: Skill) -> dict[str, Any]:
    schema: dict[str, Any] = load(TEMPLATE_ROOT / skill.input_schema)
    return schema


def output_schema(skill: Skill) -> dict[str, Any]:
    schema: dict[str, Any] = load(TEMPLATE_ROOT / skill.output_schema)
    return schema


def projection(spec: dict[str, Any], skill: Skill) -> dict[str, Any]:
    """The agent spec restricted to the skill's top-level sections."""
    sections = input_schema(skill)["properties"]
    return {key: value for key, value in spec.items() if key in sections}


def refs(node: Any) -> Iterator[str]:
    """The names of the local ``$defs`` a schema node refers to."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                yield value.removeprefix("#/$defs/")
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def reachable_defs(schema: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    todo = list(refs(schema["properties"]))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += refs(schema["$defs"][name])
    return found


skills = pytest.mark.parametrize("skill", SKILLS.values(), ids=SKILLS.keys())
shared_specs = pytest.mark.parametrize("name", ["s01-todo", "blog-fastapi"])


# ---------------------------------------------------------------------------
# The schemas
# ---------------------------------------------------------------------------


def test_every_skill_has_its_two_schemas_and_nothing_else() -> None:
    expected = {Path(path).name for skill in SKILLS.values() for path in (skill.input_schema, skill.output_schema)}
    assert {p.name for p in SKILL_SCHEMAS.glob("*.json")} == expected


@pytest.mark.parametrize("path", sorted(SKILL_SCHEMAS.glob("*.json")), ids=lambda p: p.name)
def test_skill_schemas_are_valid_2020_12(path: Path) -> None:
    schema = load(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/schemas/skills/{path.name}")
    Draft202012Validator.check_schema(schema)


@skills
def test_input_sections_and_defs_are_copies_of_the_agents(skill: Skill) -> None:
    """A JSON Schema file is self-contained, so the skill copies; the copies must not drift."""
    agent, schema = load(AGENT_INPUT), input_schema(skill)
    for key in ("$schema", "type", "required", "additionalProperties"):
        assert schema[key] == agent[key], key
    for name, section in schema["properties"].items():
        assert section == agent["properties"][name], f"properties.{name} differs from the agent's"
    for name, definition in schema["$defs"].items():
        assert definition == agent["$defs"][name], f"$defs.{name} differs from the agent's"
    assert set(schema["$defs"]) == reachable_defs(schema), "unused or missing $defs"


@skills
@pytest.mark.parametrize("path", sorted(SPECS.glob("*.json")), ids=lambda p: p.stem)
def test_projections_of_the_example_specs_validate(skill: Skill, path: Path) -> None:
    validator = Draft202012Validator(input_schema(skill), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(projection(load(path), skill))] == []


@skills
@shared_specs
def test_projections_of_the_shared_specs_can_be_generated(skill: Skill, name: str) -> None:
    """Past the schema too: the rules and the 'not supported yet' checks accept them."""
    spec = projection(load(SPECS / f"{name}.json"), skill)
    assert spec_errors(spec, TEMPLATE_ROOT, skill.input_schema) == []


# ---------------------------------------------------------------------------
# Every field is used by the code, both ways
# ---------------------------------------------------------------------------


@skills
def test_input_leaves_are_the_mapped_fields_of_its_sections(skill: Skill) -> None:
    """Each leaf is a SPEC_TO_QUESTION key, hence a copier answer; and each mapped field of a
    section the skill takes is a leaf of its schema."""
    schema = input_schema(skill)
    mapped = {path for path in SPEC_TO_QUESTION if path.split(".")[0] in schema["properties"]}
    assert sorted(leaf_fields(schema)) == sorted(mapped)


@skills
def test_a_full_projection_maps_onto_one_answer_per_leaf(skill: Skill) -> None:
    spec = projection(load(SPECS / "s01-todo.json"), skill)
    given = {path for path in leaf_fields(input_schema(skill)) if _has(spec, path)}
    assert set(spec_to_answers(spec)) == {SPEC_TO_QUESTION[path] for path in given}


def _has(spec: dict[str, Any], dotted: str) -> bool:
    node: Any = spec
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


@skills
def test_output_schema_declares_what_the_code_reports(skill: Skill) -> None:
    properties = output_schema(skill)["properties"]
    assert properties["skill"] == {"const": skill.name}
    assert tuple(properties["artefacts"]["properties"]) == skill.categories
    assert tuple(properties["metrics"]["properties"]) == skill.metrics
    assert set(skill.categories) <= {*measure.ARTEFACT_CATEGORIES, "auth"}
    assert set(skill.metrics) <= set(METRICS)


def test_every_metric_is_reported_by_a_skill() -> None:
    assert {name for skill in SKILLS.values() for name in skill.metrics} == set(METRICS)


def declared_vs_emitted(schema: dict[str, Any], node: dict[str, Any], doc: Any, where: str = "") -> Iterator[str]:
    """Properties the schema declares but the document lacks, and the other way round, recursively."""
    if "$ref" in node:
        yield from declared_vs_emitted(schema, schema["$defs"][node["$ref"].removeprefix("#/$defs/")], doc, where)
    if "properties" not in node or not isinstance(doc, dict):
        return
    declared, emitted = set(node["properties"]), set(doc)
    yield from (f"{where}{name}: declared, not emitted" for name in sorted(declared - emitted))
    yield from (f"{where}{name}: emitted, not declared" for name in sorted(emitted - declared))
    for name in sorted(declared & emitted):
        yield from declared_vs_emitted(schema, node["properties"][name], doc[name], f"{where}{name}.")


@pytest.mark.slow
@skills
def test_generated_report_has_exactly_the_declared_fields(tmp_path: Path, skill: Skill) -> None:
    dest = tmp_path / "out"
    result = cli("generate", "--skill", skill.name, write_spec(tmp_path, projection(s01(), skill)), dest)
    assert result.returncode == 0, result.stderr
    report_path = dest / ".python-specialist" / skill.report_name
    assert result.stdout.strip() == str(report_path)
    assert not (dest / ".python-specialist" / "output.json").exists()
    report = load(report_path)
    schema = output_schema(skill)
    assert [e.message for e in Draft202012Validator(schema).iter_errors(report)] == []
    assert list(declared_vs_emitted(schema, schema, report)) == []
    assert report["project_path"] == str(dest)
    assert report["package_name"] == "todo_api"
    assert report["next_phase"] == "@postgresql-specialist"  # s01 asks for PostgreSQL
    for category, paths in report["artefacts"].items():
        assert paths, f"no {category} artefacts"
        assert all((dest / p).is_file() for p in paths)
    metrics = report["metrics"]
    if skill is API:
        assert metrics["endpoints"] > 0
    else:
        assert metrics["tables"] >= 3  # users, refresh_tokens, todos
        assert metrics["migrations"] == len(list((dest / "migrations" / "versions").glob("*.py"))) >= 1


# ---------------------------------------------------------------------------
# Refused specs and arguments write nothing
# ---------------------------------------------------------------------------


API_SPEC, DATABASE_SPEC = projection(s01(), API), projection(s01(), DATABASE)
BROKEN = {
    "full agent spec to the api skill": (
        API,
        s01(),
        "background_tasks: is not an allowed field here",
    ),
    "endpoints to the database skill": (
        DATABASE,
        {**DATABASE_SPEC, "api_endpoints": []},
        "api_endpoints: is not an allowed field here",
    ),
    "missing project_name": (DATABASE, changed(DATABASE_SPEC, project_name=DELETE), "project_name: is required"),
    "bad field type": (
        DATABASE,
        changed(DATABASE_SPEC, **{"database.models[1].fields[0].type": "strng"}),
        "database.models[1].fields[0].type: 'strng' is not one of ['string',",
    ),
    "reserved field name": (
        DATABASE,
        changed(DATABASE_SPEC, **{"database.models[1].fields[0].name": "id"}),
        "database.models[1].fields[0].name: 'id' is reserved",
    ),
    "bad request_model": (
        API,
        changed(API_SPEC, **{"api_endpoints[1].request_model": "TodoCreat"}),
        "api_endpoints[1].request_model: 'TodoCreat' is not defined by any model",
    ),
    "too long for a MySQL index": (
        API,
        changed(
            API_SPEC,
            **{
                "database.type": "MySQL",
                "database.models[1].fields[0].max_length": 800,
                "database.models[1].fields[0].unique": True,
            },
        ),
        "an index on MySQL holds at most 768 characters",
    ),
}


@pytest.mark.parametrize(("skill", "spec", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_skill_spec_is_refused_and_writes_nothing(tmp_path: Path, skill: Skill, spec: Any, message: str) -> None:
    dest = tmp_path / "out"
    result = cli("generate", "--skill", skill.name, write_spec(tmp_path, spec), dest)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "nothing written" in result.stderr
    assert result.stdout == ""
    assert not dest.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--skill", "python-api-patterns", "--verify"], "--verify checks the whole project"),
        (["--skill", "python-nothing"], "invalid choice: 'python-nothing'"),
    ],
    ids=["with --verify", "unknown skill"],
)
def test_bad_skill_arguments_exit_2(tmp_path: Path, options: list[str], message: str) -> None:
    dest = tmp_path / "out"
    result = cli("generate", *options, write_spec(tmp_path, API_SPEC), dest)
    assert result.returncode == 2
    assert message in result.stderr
    assert not dest.exists()


# ---------------------------------------------------------------------------
# Measurements of the skills, on hand-made trees
# ---------------------------------------------------------------------------


def make_tree(root: Path, paths: list[str], text: str = "") -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def test_artefacts_of_the_skill_categories(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        [
            "src/pkg/main.py",
            "src/pkg/routers/items.py",
            "src/pkg/core/security.py",
            "src/pkg/core/throttle.py",
            "src/pkg/core/errors.py",
            "src/pkg/dependencies.py",
            "src/pkg/models/item.py",
        ],
    )
    assert measure.artefacts(tmp_path, "pkg", API.categories) == {
        "routers": ["src/pkg/routers/items.py"],
        "schemas": [],
        "services": [],
        "auth": ["src/pkg/core/security.py", "src/pkg/core/throttle.py", "src/pkg/dependencies.py"],
    }
    assert "auth" not in measure.artefacts(tmp_path, "pkg")  # the agent's categories are unchanged


def test_count_migrations(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        ["migrations/env.py", "migrations/versions/0001_a.py", "migrations/versions/0002_b.py"],
    )
    make_tree(tmp_path, ["migrations/versions/__pycache__/0001_a.cpython-311.pyc"])
    assert measure.count_migrations(tmp_path) == 2
    with pytest.raises(measure.MeasureError):
        measure.count_migrations(tmp_path / "elsewhere")


def test_hint_coverage_of_some_files(tmp_path: Path) -> None:
    make_tree(tmp_path, ["a.py"], "def f(x: int) -> int: ...\n")
    make_tree(tmp_path, ["b.py"], "def g(x, y): ...\n")
    assert measure.hint_coverage([tmp_path / "a.py"]) == 100.0
    assert measure.hint_coverage([tmp_path / "a.py", tmp_path / "b.py"]) == round(100 * 2 / 5, 2)
    with pytest.raises(measure.MeasureError):
        measure.hint_coverage([])
