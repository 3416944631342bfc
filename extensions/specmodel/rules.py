"""The rules of a spec that JSON Schema does not express, one line per problem, each naming the
JSON path of the value at fault."""

from __future__ import annotations

import datetime as dt
import decimal
import keyword
import re
import uuid
from typing import Any

from .endpoints import _crud_operation
from .model import FIELD_TYPES, ON_DELETE, Resource, resources
from .naming import constant, singular, snake

# Columns every resource gets; a spec field may not take these names.
RESERVED_FIELD_NAMES = {"id", "owner_id", "created_at", "updated_at", "owner", "metadata"}
# Names the generated code already uses for its own classes and tables.
RESERVED_MODEL_NAMES = {"Base", "Page", "RefreshToken", "Settings", "Token", "Health"}
SQL_RESERVED = {
    "all", "and", "any", "as", "asc", "between", "by", "case", "check", "column",
    "constraint", "create", "cross", "default", "delete", "desc", "distinct", "drop",
    "else", "end", "except", "exists", "false", "fetch", "for", "foreign", "from",
    "full", "grant", "group", "having", "in", "inner", "insert", "intersect", "into",
    "is", "join", "left", "like", "limit", "natural", "not", "null", "offset", "on",
    "or", "order", "outer", "primary", "references", "right", "select", "table",
    "then", "to", "true", "union", "unique", "update", "user", "using", "values",
    "when", "where", "with",
}  # fmt: skip
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def _default_error(spec: dict[str, Any]) -> str | None:
    """Why ``spec['default']`` does not fit the field, or None when it does."""
    value, kind = spec["default"], spec["type"]
    if value is None:
        return None if spec.get("required") is False else "null default on a required field"
    checks: dict[str, Any] = {
        "string": lambda v: isinstance(v, str),
        "text": lambda v: isinstance(v, str),
        "email": lambda v: isinstance(v, str) and "@" in v,
        "url": lambda v: isinstance(v, str) and re.match(r"^https?://", v),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "decimal": lambda v: _parses(decimal.Decimal, v) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, str) and _parses(dt.date.fromisoformat, v),
        "datetime": lambda v: isinstance(v, str) and _parses(dt.datetime.fromisoformat, v),
        "uuid": lambda v: isinstance(v, str) and _parses(uuid.UUID, v),
        "enum": lambda v: v in (spec.get("choices") or []),
        "json": lambda v: True,
    }
    if not checks[kind](value):
        if kind == "enum":
            return f"{value!r} is not one of the choices {spec.get('choices')}"
        return f"{value!r} is not a valid {kind}"
    if kind in ("integer", "float"):
        if "minimum" in spec and value < spec["minimum"]:
            return f"{value!r} is below minimum {spec['minimum']}"
        if "maximum" in spec and value > spec["maximum"]:
            return f"{value!r} is above maximum {spec['maximum']}"
    if kind in ("string", "text") and len(value) > spec.get("max_length", 10**9):
        return f"{value!r} is longer than max_length {spec['max_length']}"
    return None


def _parses(parse: Any, value: Any) -> bool:
    try:
        parse(str(value))
    except (ValueError, ArithmeticError):
        return False
    return True


def model_errors(models: Any, auth_enabled: bool = True) -> list[str]:
    """Every rule the models of a spec break, one line each, naming the JSON path."""
    base = "database.models"
    if not isinstance(models, list) or not models:
        return [f"{base}: must be a non-empty list of models"]
    errors: list[str] = []
    seen_models: dict[str, str] = {}
    names = {str(m if isinstance(m, str) else m.get("name")) for m in models if isinstance(m, (str, dict))}
    if auth_enabled:
        names.add("User")
    for i, model in enumerate(models):
        where = f"{base}[{i}]"
        if isinstance(model, str):
            name, body = model, {}
        elif isinstance(model, dict):
            name, body = model.get("name", ""), model
        else:
            errors.append(f"{where}: must be a model name or a model object")
            continue
        if name == "User":
            if body:
                errors.append(
                    f"{where}.name: 'User' is the built-in account model; give it as the bare string \"User\""
                )
            elif not auth_enabled:
                errors.append(f"{where}: 'User' needs authentication.method other than 'none'")
            key = "user"
        elif not isinstance(name, str) or not _PASCAL.match(name):
            errors.append(f"{where}.name: {name!r} is not a PascalCase identifier")
            continue
        elif name in RESERVED_MODEL_NAMES or keyword.iskeyword(name):
            errors.append(f"{where}.name: {name!r} is reserved by the generated code")
            continue
        else:
            key = snake(name)
        if key in seen_models:
            errors.append(f"{where}.name: duplicate model name {name!r} (also {seen_models[key]})")
        seen_models[key] = where
        if body.get("owned_by_user") and not auth_enabled:
            errors.append(f"{where}.owned_by_user: needs authentication")
        fields = body.get("fields", [])
        if name != "User" and isinstance(model, dict) and not fields:
            errors.append(f"{where}.fields: a model needs at least one field")
        seen_fields: set[str] = set()
        for j, spec in enumerate(fields):
            errors.extend(_field_errors(spec, f"{where}.fields[{j}]", seen_fields))
        for j, spec in enumerate(body.get("relationships", [])):
            errors.extend(_relation_errors(spec, f"{where}.relationships[{j}]", seen_fields, names, name))
    if not errors:
        errors.extend(_cycle_errors(models, auth_enabled))
    return errors


def _relation_errors(spec: Any, where: str, seen: set[str], models: set[str], source: str) -> list[str]:
    """The rules one relationship breaks; ``seen`` holds the field names used so far."""
    if not isinstance(spec, dict):
        return [f"{where}: must be an object"]
    errors = []
    name, kind, target = spec.get("name", ""), spec.get("kind"), spec.get("target")
    if not isinstance(name, str) or not _SNAKE.match(name):
        errors.append(f"{where}.name: {name!r} is not a snake_case identifier")
    elif keyword.iskeyword(name) or name in RESERVED_FIELD_NAMES or name in SQL_RESERVED:
        errors.append(f"{where}.name: {name!r} is reserved (Python keyword, SQL word or generated column)")
    if kind not in ("many_to_one", "many_to_many"):
        errors.append(f"{where}.kind: {kind!r} is not one of ['many_to_one', 'many_to_many']")
        return errors
    if target not in models:
        known = sorted(m for m in models if m)
        errors.append(f"{where}.target: {target!r} is not a model of the spec (known: {known})")
    api_name = f"{singular(name)}_ids" if kind == "many_to_many" else f"{name}_id"
    for taken in (name, api_name):
        if taken in seen:
            errors.append(f"{where}.name: {name!r} clashes with the field {taken!r}")
        seen.add(taken)
    if kind == "many_to_many":
        for key in ("on_delete", "required"):
            if key in spec:
                errors.append(f"{where}.{key}: applies to many_to_one relationships only")
        return errors
    on_delete = spec.get("on_delete", "cascade")
    if on_delete not in ON_DELETE:
        errors.append(f"{where}.on_delete: {on_delete!r} is not one of {list(ON_DELETE)}")
    required = spec.get("required", True)
    if on_delete == "set_null" and required:
        errors.append(f"{where}.on_delete: 'set_null' needs \"required\": false")
    if target == source and required:
        errors.append(f"{where}.required: a required many_to_one to its own model could never get a first row")
    return errors


def _cycle_errors(models: list[Any], auth_enabled: bool) -> list[str]:
    """many_to_one references between models that form a cycle.

    With required references no row of the cycle could be created first; with optional ones the
    tables could only be created with deferred foreign keys, which the migrations do not do.
    """
    edges: dict[str, list[str]] = {}
    for model in resources(models, auth_enabled):
        edges[model.name] = [r.target for r in model.relations if not r.many and r.target != model.name]
    errors, visiting, done = [], set(), set()

    def visit(node: str, path: list[str]) -> None:
        if node in done or node not in edges:
            return
        if node in visiting:
            cycle = path[path.index(node) :]
            errors.append(
                f"database.models: the many_to_one relationships {' -> '.join([*cycle, node])} form a"
                " cycle, which no migration can create; make one of them many_to_many"
            )
            return
        visiting.add(node)
        for target in edges[node]:
            visit(target, [*path, node])
        visiting.discard(node)
        done.add(node)

    for node in edges:
        visit(node, [])
    return errors


def _field_errors(spec: Any, where: str, seen: set[str]) -> list[str]:
    if not isinstance(spec, dict):
        return [f"{where}: must be an object"]
    errors: list[str] = []
    name, kind = spec.get("name", ""), spec.get("type")
    if not isinstance(name, str) or not _SNAKE.match(name):
        errors.append(f"{where}.name: {name!r} is not a snake_case identifier")
    elif keyword.iskeyword(name) or name in RESERVED_FIELD_NAMES or name in SQL_RESERVED:
        errors.append(f"{where}.name: {name!r} is reserved (Python keyword, SQL word or generated column)")
    elif name in seen:
        errors.append(f"{where}.name: duplicate field name {name!r}")
    seen.add(name)
    if kind not in FIELD_TYPES:
        errors.append(f"{where}.type: {kind!r} is not one of {list(FIELD_TYPES)}")
        return errors
    if kind == "enum":
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c for c in choices):
            errors.append(f"{where}.choices: an enum needs a non-empty list of non-empty strings")
            return errors
        if len({constant(c) for c in choices}) != len(choices):
            errors.append(f"{where}.choices: choices must differ in more than case and punctuation")
    for low, high in (("min_length", "max_length"), ("minimum", "maximum")):
        if low in spec and high in spec and spec[low] > spec[high]:
            errors.append(f"{where}.{low}: greater than {high}")
    if kind == "decimal" and spec.get("decimal_places", 2) > spec.get("max_digits", 12):
        errors.append(f"{where}.decimal_places: greater than max_digits")
    if "pattern" in spec:
        try:
            re.compile(spec["pattern"])
        except (re.error, TypeError) as exc:
            errors.append(f"{where}.pattern: not a valid regular expression ({exc})")
    if "default" in spec and (reason := _default_error(spec)):
        errors.append(f"{where}.default: {reason}")
    return errors


def api_endpoint_errors(endpoints: Any, prefix: str, models: Any, auth_enabled: bool = True) -> list[str]:
    """The rules the ``api_endpoints`` of a spec break, one line each, naming the JSON path."""
    if not isinstance(endpoints, list):
        return ["api_endpoints: must be a list"]
    if model_errors(models, auth_enabled):
        return []  # reported against database.models; the resources cannot be built
    res = resources(models, auth_enabled)
    request_models, response_models = _model_names(res, auth_enabled)
    errors, seen = [], set()
    for i, endpoint in enumerate(endpoints):
        where = f"api_endpoints[{i}]"
        if not isinstance(endpoint, dict):
            errors.append(f"{where}: must be an object")
            continue
        method, path = str(endpoint.get("method", "")).upper(), str(endpoint.get("path", ""))
        for key, known in (("request_model", request_models), ("response_model", response_models)):
            name = endpoint.get(key)
            if name is not None and name not in known:
                errors.append(f"{where}.{key}: {name!r} is not defined by any model (known: {sorted(known)})")
        if (method, path) in seen:
            errors.append(f"{where}: {method} {path} is listed twice")
        seen.add((method, path))
        if endpoint.get("auth_required", True) and not auth_enabled:
            errors.append(f"{where}.auth_required: needs authentication, and the spec has none")
        match = _crud_operation(endpoint, prefix, res)
        if match is not None:
            if match[0].owned and endpoint.get("auth_required") is False:
                errors.append(f"{where}.auth_required: {match[0].name} is owned by users, so its endpoints need auth")
            continue
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            errors.append(f"{where}.method: {method!r} is not one of GET, POST, PUT, PATCH, DELETE")
        if not path.startswith(prefix.rstrip("/") + "/"):
            errors.append(f"{where}.path: {path!r} must start with the api_prefix {prefix!r}")
        elif not re.fullmatch(r"(/([a-z0-9][a-z0-9._-]*|\{[a-z_][a-z0-9_]*\}))+", path):
            errors.append(f"{where}.path: {path!r} must be /segments of lower-case words or {{snake_case}} parameters")
        if method in ("GET", "DELETE") and endpoint.get("request_model"):
            errors.append(f"{where}.request_model: a {method} request has no body")
    return errors


def _model_names(res: list[Resource], auth_enabled: bool) -> tuple[set[str], set[str]]:
    """The schema names an endpoint may take as its request model and give as its response model."""
    requests = {f"{r.name}{suffix}" for r in res for suffix in ("Create", "Update")}
    responses = {f"{r.name}Response" for r in res}
    if auth_enabled:
        requests.add("UserCreate")
        responses.add("UserResponse")
    return requests, responses
