"""Everything that can be wrong with a spec, one line per problem, each naming the JSON path.

Three stages, run in order by :func:`spec_errors`:

1. the input schema (JSON Schema 2020-12): the agent's, or a skill's (a restriction of it);
2. the rules JSON Schema cannot express, shared with the templates
   (``extensions/specmodel``: ``model_errors`` and ``api_endpoint_errors``) and the
   combination rules of docs/spec-format.md;
3. values the schema accepts but the template family does not offer yet ("not supported yet"),
   read from the ``choices`` of copier.yml plus the few restrictions copier.yml states as validators.

Stages 2 and 3 only run on a spec that passes the schema: their rules assume its types.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from python_specialist.mapping import SPEC_TO_QUESTION, TEMPLATE_ROOT

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


def load_spec_model(template_root: Path) -> ModuleType:
    """``extensions/spec_model.py`` of the template, imported by path (it is not a package)."""
    path = template_root / "extensions" / "spec_model.py"
    name = f"_python_specialist_spec_model_{abs(hash(path))}"
    if name in sys.modules:
        return sys.modules[name]
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    module_spec.loader.exec_module(module)
    return module


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


def combination_errors(spec: dict[str, Any]) -> list[str]:
    """Combinations that cannot work (docs/spec-format.md), each naming the field at fault."""
    framework = framework_of(spec)
    library = lookup(spec, "background_tasks.library", "none")
    broker = lookup(spec, "background_tasks.broker", _MISSING)
    orm = lookup(spec, "database.orm")
    errors = []
    if library == "ARQ" and broker is not _MISSING and broker != "Redis":
        errors.append(f"background_tasks.broker: ARQ needs the Redis broker, got {_show(broker)}")
    if library == "Celery" and broker is None:
        errors.append("background_tasks.broker: Celery needs a broker (Redis or RabbitMQ), got null")
    if library in ("ARQ", "FastAPI BackgroundTasks") and framework != "FastAPI":
        errors.append(
            f"background_tasks.library: {library!r} works only with FastAPI"
            f" (backend_architecture.framework is {framework!r})"
        )
    if orm == "Django ORM" and framework != "Django":
        where = f"backend_architecture.framework is {framework!r}"
        errors.append(f"database.orm: 'Django ORM' works only with Django ({where})")
    if orm == "SQLAlchemy" and framework == "Django":
        errors.append("database.orm: 'SQLAlchemy' does not work with Django; use 'Django ORM'")
    return errors


def _show(value: Any) -> str:
    return "null" if value is None else json.dumps(value) if not isinstance(value, str) else repr(value)


# ---------------------------------------------------------------------------
# Stage 3: what the template family does not offer yet
# ---------------------------------------------------------------------------


def unsupported_errors(spec: dict[str, Any], template_root: Path) -> list[str]:
    """Values the schema accepts that the templates cannot generate yet."""
    return [*_choice_errors(spec, template_root), *_restriction_errors(spec)]


def _choice_errors(spec: dict[str, Any], template_root: Path) -> list[str]:
    questions = copier_questions(template_root)
    errors = []
    for path, question in SPEC_TO_QUESTION.items():
        choices = _choice_values(questions.get(question, {}).get("choices"))
        value = lookup(spec, path, _MISSING)
        if choices is None or value is _MISSING or value in choices:
            continue
        supported = ", ".join(str(c) for c in choices)
        errors.append(f"{path}: {_show(value)} is not supported yet (supported: {supported})")
    return errors


def _choice_values(choices: Any) -> list[Any] | None:
    if isinstance(choices, dict):
        return list(choices.values())
    if isinstance(choices, list):
        return choices
    return None


def _restriction_errors(spec: dict[str, Any]) -> list[str]:
    """The restrictions copier.yml states as validators rather than choices."""
    errors = []
    if framework_of(spec) == "FastAPI":
        for path in ("backend_architecture.async_support", "database.async"):
            if lookup(spec, path) is False:
                errors.append(f"{path}: false is not supported yet with FastAPI (supported: true)")
    if framework_of(spec) in ("Flask", "Django"):
        for path in ("backend_architecture.async_support", "database.async"):
            if lookup(spec, path) is True:
                errors.append(f"{path}: true is not supported with {framework_of(spec)} yet (supported: false)")
    providers = lookup(spec, "authentication.providers", ["local"])
    if providers != ["local"]:
        shown = json.dumps(providers)
        errors.append(f'authentication.providers: {shown} is not supported yet (supported: ["local"])')
    broker = lookup(spec, "background_tasks.broker")
    if broker is not None:
        errors.append(f"background_tasks.broker: {broker!r} is not supported yet (supported: null)")
    return errors


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
        *combination_errors(spec),
        *unsupported_errors(spec, template_root),
    ]
