"""The random spec generator makes valid specs that cover every field type and relationship kind."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from specgen import FIELD_TYPES, random_spec

from python_specialist.mapping import TEMPLATE_ROOT, load_spec_model

SCHEMA = json.loads((TEMPLATE_ROOT / "schemas/agents/@python-specialist.input.schema.json").read_text())


@pytest.mark.parametrize("seed", range(40))
def test_random_specs_are_valid_and_complete(seed: int) -> None:
    spec = random_spec(seed)
    assert list(Draft202012Validator(SCHEMA).iter_errors(spec)) == []
    assert load_spec_model(TEMPLATE_ROOT).model_errors(spec["database"]["models"]) == []
    models = [m for m in spec["database"]["models"] if isinstance(m, dict)]
    assert {f["type"] for m in models for f in m["fields"]} == set(FIELD_TYPES)
    kinds = {r["kind"] for m in models for r in m["relationships"]}
    assert kinds == {"many_to_one", "many_to_many"}


def test_the_same_seed_gives_the_same_spec() -> None:
    assert random_spec(7) == random_spec(7)
    assert random_spec(7) != random_spec(8)
