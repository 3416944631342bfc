"""The input schema, the spec -> question mapping and copier.yml stay in step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from python_specialist.mapping import SPEC_TO_QUESTION, TEMPLATE_ROOT

SCHEMAS = TEMPLATE_ROOT / "schemas" / "agents"
INPUT_SCHEMA = SCHEMAS / "@python-specialist.input.schema.json"
OUTPUT_SCHEMA = SCHEMAS / "@python-specialist.output.schema.json"
SPECS = Path(__file__).parent / "specs"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def leaf_fields(schema: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of the leaves: a property whose schema has properties is a branch; arrays are leaves."""
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        if isinstance(sub, dict) and "properties" in sub and sub.get("type", "object") == "object":
            yield from leaf_fields(sub, f"{path}.")
        else:
            yield path


def copier_questions() -> dict[str, Any]:
    data = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_") and isinstance(v, dict)}


@pytest.mark.parametrize("path", [INPUT_SCHEMA, OUTPUT_SCHEMA], ids=lambda p: p.name)
def test_schemas_are_valid_2020_12(path: Path) -> None:
    schema = load(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.json")), ids=lambda p: p.stem)
def test_example_specs_validate(path: Path) -> None:
    validator = Draft202012Validator(load(INPUT_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(load(path))] == []


def test_there_are_example_specs() -> None:
    assert {p.stem for p in SPECS.glob("*.json")} >= {"s01-todo", "blog"}


def test_schema_leaves_are_the_mapped_spec_fields() -> None:
    assert sorted(leaf_fields(load(INPUT_SCHEMA))) == sorted(SPEC_TO_QUESTION)


def test_mapped_questions_are_the_asked_copier_questions() -> None:
    asked = {name for name, q in copier_questions().items() if q.get("when") is not False}
    assert sorted(SPEC_TO_QUESTION.values()) == sorted(asked)
    assert len(set(SPEC_TO_QUESTION.values())) == len(SPEC_TO_QUESTION), "two spec fields share a question"


def test_enum_choices_of_copier_are_values_of_the_schema() -> None:
    """A value the template offers must be a value the spec can carry, spelt the same."""
    schema = load(INPUT_SCHEMA)
    questions = copier_questions()
    for path, question in SPEC_TO_QUESTION.items():
        choices = questions[question].get("choices")
        if not choices:
            continue
        if questions[question]["type"] == "json":  # copier parses each choice as JSON
            choices = [json.loads(choice) for choice in choices]
        node = schema
        for key in path.split("."):
            node = node["properties"][key]
        assert set(choices) <= set(node["enum"]), f"{question}: choices {choices} not in the schema of {path}"
