"""Everything that can be wrong with a spec, one line per problem, each naming the JSON path.

Three stages, run in order by :func:`spec_errors`:

1. the input schema (JSON Schema 2020-12): the agent's, or a skill's (a restriction of it);
2. the rules JSON Schema cannot express, shared with the templates
   (``extensions/specmodel``: ``model_errors``, ``api_endpoint_errors``, ``project_name_errors``);
3. the options registry (``extensions/specmodel/options.py``), as copier's validators apply it:
   values that need another answer, and values the family does not generate yet.

Stages 2 and 3 only run on a spec that passes the schema: their rules assume its types.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from python_specialist.mapping import TEMPLATE_ROOT, load_spec_model, spec_to_answers

INPUT_SCHEMA = Path("schemas", "agents", "@python-specialist.input.schema.json")
OUTPUT_SCHEMA = Path("schemas", "agents", "@python-specialist.output.schema.json")
_MISSING = object()

# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_spec(path: Path) -> Any:
    """The spec document: JSON, or YAML for ``.yaml``/``.yml`` files (and JSON that fails to parse)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() not in (".yaml", ".yml"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            if path.suffix.lower() == ".json":
                raise
    return yaml.safe_load(text)


@cache
def _copier_questions(copier_yml: Path) -> dict[str, Any]:
    data = yaml.safe_load(copier_yml.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_") and isinstance(v, dict)}


def copier_questions(template_root: Path) -> dict[str, Any]:
    """The questions of copier.yml (settings starting with ``_`` left out)."""
    return _copier_questions(template_root / "copier.yml")


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------


def json_path(parts: Iterable[str | int]) -> str:
    """``['database', 'models', 1, 'name']`` -> ``database.models[1].name``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def lookup(spec: Any, dotted: str, default: Any = None) -> Any:
    """The value at a dotted path of the spec, or ``default`` when a key on the way is missing."""
    node = spec
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


# ---------------------------------------------------------------------------
# Stage 1: the schema
# ---------------------------------------------------------------------------


def schema_errors(spec: Any, schema: dict[str, Any]) -> list[str]:
    """One line per schema violation, in document order."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(spec), key=lambda e: [_sort_key(p) for p in e.absolute_path])
    return [line for error in errors for line in _schema_error_lines(error)]


def _sort_key(part: str | int) -> tuple[int, int, str]:
    return (0, part, "") if isinstance(part, int) else (1, 0, part)


def _schema_error_lines(error: ValidationError) -> Iterator[str]:
    parts = list(error.absolute_path)
    if error.validator == "required":
        required, instance = error.validator_value, error.instance
        if not isinstance(required, list) or not isinstance(instance, dict):
            return
        missing = [name for name in required if name not in instance]
        yield from (f"{json_path([*parts, name])}: is required" for name in missing)
        return
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        names = _unexpected_names(error.message)
        if names:
            yield from (f"{json_path([*parts, name])}: is not an allowed field here" for name in names)
            return
    where = json_path(parts) or "(spec)"
    yield f"{where}: {error.message}"


def _unexpected_names(message: str) -> list[str]:
    """The property names of jsonschema's "('a', 'b' were unexpected)" message."""
    found = re.search(r"\((.*) (?:was|were) unexpected\)$", message)
    if not found:
        return []
    try:
        names = ast.literal_eval(f"({found.group(1)},)")
    except (ValueError, SyntaxError):
        return []
    return [str(name) for name in names]


# ---------------------------------------------------------------------------
# Stage 2: rules of the spec beyond the schema
# ---------------------------------------------------------------------------


def framework_of(spec: dict[str, Any]) -> str:
    return str(lookup(spec, "backend_architecture.framework", "FastAPI"))


def auth_enabled(spec: dict[str, Any]) -> bool:
    return bool(lookup(spec, "authentication.method", "JWT") != "none")


def model_rule_errors(spec: dict[str, Any], template_root: Path) -> list[str]:
    """The model and endpoint rules of ``extensions/spec_model.py``."""
    spec_model = load_spec_model(template_root)
    models = lookup(spec, "database.models", _MISSING)
    if models is _MISSING:
        models = _default_models(template_root)
    auth = auth_enabled(spec)
    errors = [str(e) for e in spec_model.model_errors(models, auth)]
    errors += [str(e) for e in spec_model.database_errors(models, lookup(spec, "database.type", "SQLite"))]
    endpoints = spec.get("api_endpoints", [])
    prefix = str(lookup(spec, "backend_architecture.api_prefix", "/api/v1"))
    errors += [str(e) for e in spec_model.api_endpoint_errors(endpoints, prefix, models, auth)]
    return errors


def _default_models(template_root: Path) -> Any:
    default = copier_questions(template_root).get("models", {}).get("default", "[]")
    return json.loads(default) if isinstance(default, str) else default


def project_name_errors(spec: dict[str, Any], template_root: Path) -> list[str]:
    """The project name and the API prefix, by the rules copier's validators apply too."""
    spec_model = load_spec_model(template_root)
    prefix = lookup(spec, "backend_architecture.api_prefix", "/api/v1")
    return [*spec_model.project_name_errors(spec["project_name"]), *spec_model.api_prefix_errors(prefix)]


def option_errors(spec: dict[str, Any], template_root: Path) -> list[str]:
    """Values that need another answer (the combination rules of docs/spec-format.md) and values
    the family does not generate yet: the options registry, as copier's validators apply it."""
    return [str(e) for e in load_spec_model(template_root).spec_option_errors(spec_to_answers(spec))]


# ---------------------------------------------------------------------------
# All stages
# ---------------------------------------------------------------------------


def schema_file(template_root: Path, relative: Path) -> Path:
    """A schema of the template family; this package's own when the template has none."""
    path = template_root / relative
    return path if path.is_file() else TEMPLATE_ROOT / relative


def input_schema(template_root: Path, relative: Path = INPUT_SCHEMA) -> dict[str, Any]:
    schema: dict[str, Any] = load_json(schema_file(template_root, relative))
    return schema


def spec_errors(spec: Any, template_root: Path, schema: Path = INPUT_SCHEMA) -> list[str]:
    """Every problem of the spec, checked against ``schema`` first (the agent's input schema or a
    skill's, relative to the template root); an empty list means it can be generated."""
    errors = schema_errors(spec, input_schema(template_root, schema))
    if errors:
        return errors
    return [
        *project_name_errors(spec, template_root),
        *model_rule_errors(spec, template_root),
        *option_errors(spec, template_root),
    ]
