"""The data model of a spec, as the templates see it.

Copier loads this file through ``copier_template_extensions``; the orchestrator CLI
imports it by path. It holds, in one place, what every template and the CLI share:

* naming filters (``snake``, ``kebab``, ``pascal``, ``plural``);
* the checks of a spec's models that JSON Schema cannot express (``model_errors``);
* the normalised models the templates render (``resources``), with the mapping of each
  spec field type onto SQLAlchemy, Alembic and Pydantic.

It depends on nothing but the standard library and Jinja, so ``copier copy`` works
without the CLI installed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import keyword
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

# ---------------------------------------------------------------------------
# Naming
# ---------------------------------------------------------------------------

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(value: str) -> str:
    """``BookCopy`` / ``book-copy`` / ``Book copy`` -> ``book_copy``."""
    value = _WORD_BOUNDARY.sub("_", value.strip())
    value = re.sub(r"[^0-9A-Za-z]+", "_", value)
    return value.strip("_").lower()


def kebab(value: str) -> str:
    """``BookCopy`` -> ``book-copy``."""
    return snake(value).replace("_", "-")


def pascal(value: str) -> str:
    """``book_copy`` -> ``BookCopy``."""
    return "".join(part[:1].upper() + part[1:] for part in snake(value).split("_"))


def plural(value: str) -> str:
    """English plural of the last word: ``book_copy`` -> ``book_copies``."""
    if re.search(r"[^aeiou]y$", value):
        return value[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", value):
        return value + "es"
    return value + "s"


def singular(value: str) -> str:
    """English singular of the last word: ``tags`` -> ``tag``, ``categories`` -> ``category``."""
    if value.endswith("ies"):
        return value[:-3] + "y"
    if re.search(r"(s|x|z|ch|sh)es$", value):
        return value[:-2]
    if value.endswith("s") and not value.endswith("ss"):
        return value[:-1]
    return value


def constant(value: str) -> str:
    """An enum member name for a choice: ``in progress`` -> ``IN_PROGRESS``."""
    name = snake(value).upper() or "EMPTY"
    return f"V_{name}" if name[0].isdigit() else name


# ---------------------------------------------------------------------------
# Spec rules that JSON Schema does not express
# ---------------------------------------------------------------------------

FIELD_TYPES = (
    "string",
    "text",
    "integer",
    "float",
    "decimal",
    "boolean",
    "date",
    "datetime",
    "email",
    "url",
    "uuid",
    "enum",
    "json",
)
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


ON_DELETE = {"cascade": "CASCADE", "set_null": "SET NULL", "protect": "RESTRICT"}


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


CRUD_OPERATIONS = {
    ("GET", False): "list",
    ("POST", False): "create",
    ("GET", True): "read",
    ("PUT", True): "replace",
    ("PATCH", True): "update",
    ("DELETE", True): "delete",
}


def _crud_operation(endpoint: dict[str, Any], prefix: str, res: list[Resource]) -> tuple[Resource, str] | None:
    """The (resource, operation) an endpoint entry names, or None for a custom endpoint."""
    path = str(endpoint.get("path", "")).rstrip("/")
    for resource in res:
        base = prefix.rstrip("/") + resource.path
        item = re.fullmatch(re.escape(base) + r"/\{[a-z_]*id\}", path)
        if path == base or item:
            operation = CRUD_OPERATIONS.get((str(endpoint.get("method", "")).upper(), bool(item)))
            if operation:
                return resource, operation
    return None


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


@dataclass
class Endpoint:
    """An ``api_endpoints`` entry that is not a CRUD operation: a typed handler answering 501."""

    method: str
    path: str  # below the API prefix
    auth_required: bool
    request_model: str | None
    response_model: str | None

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"\{([a-z_][a-z0-9_]*)\}", self.path)

    @property
    def function(self) -> str:
        words = re.sub(r"[{}]", "", self.path).replace("-", "_").replace(".", "_").strip("/").split("/")
        return "_".join([self.method.lower(), *words])

    @property
    def sample_path(self) -> str:
        """The path with every parameter filled in (ids with 1, others with a word)."""
        return re.sub(r"\{([a-z_][a-z0-9_]*)\}", lambda m: "1" if m.group(1).endswith("id") else "sample", self.path)


def request_sample(model: str | None, res: list[Resource]) -> Any:
    """A body that the request model ``model`` accepts (ids of references are 1)."""
    if model is None:
        return None
    if model == "UserCreate":
        return {"email": "someone@example.com", "password": "a long enough password"}
    for r in res:
        if model == f"{r.name}Update":
            return {}
        if model == f"{r.name}Create":
            body = {f.name: f.sample(0) for f in r.fields}
            return body | {rel.field: [1] if rel.many else 1 for rel in r.relations}
    raise ValueError(model)


def custom_endpoints(
    endpoints: list[dict[str, Any]], prefix: str, models: list[Any], auth_enabled: bool = True
) -> list[Endpoint]:
    """The entries of ``api_endpoints`` that are not CRUD operations of a model."""
    res = resources(models, auth_enabled)
    return [
        Endpoint(
            method=str(e["method"]).upper(),
            path=str(e["path"])[len(prefix.rstrip("/")) :],
            auth_required=bool(e.get("auth_required", True)) and auth_enabled,
            request_model=e.get("request_model"),
            response_model=e.get("response_model"),
        )
        for e in endpoints
        if _crud_operation(e, prefix, res) is None
    ]


def public_operations(endpoints: list[dict[str, Any]], prefix: str, resource: Resource) -> set[str]:
    """The CRUD operations of ``resource`` that the spec opens to anonymous callers."""
    public = set()
    for endpoint in endpoints:
        match = _crud_operation(endpoint, prefix, [resource])
        if match and endpoint.get("auth_required") is False:
            public.add(match[1])
    return public


# ---------------------------------------------------------------------------
# Normalised models for the templates
# ---------------------------------------------------------------------------


@dataclass
class Field:
    """One spec field with everything a template needs to render it."""

    name: str
    type: str
    required: bool
    unique: bool
    index: bool
    has_default: bool
    default: Any
    spec: dict[str, Any]
    enum_class: str = ""

    @property
    def nullable(self) -> bool:
        """A column that may hold NULL: optional and without a default."""
        return not self.required and (not self.has_default or self.default is None)

    @property
    def optional_on_create(self) -> bool:
        return not self.required or self.has_default

    @property
    def filterable(self) -> bool:
        return self.type in ("boolean", "integer", "enum")

    @property
    def orderable(self) -> bool:
        return self.type != "json"

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(constant(c), c) for c in self.spec.get("choices", [])]

    # -- Python / SQLAlchemy ------------------------------------------------
    @property
    def py_type(self) -> str:
        """The Python type of the value in the API schemas."""
        return {
            "string": "str",
            "text": "str",
            "integer": "int",
            "float": "float",
            "decimal": "Decimal",
            "boolean": "bool",
            "date": "date",
            "datetime": "datetime",
            "email": "str",
            "url": "str",
            "uuid": "UUID",
            "enum": self.enum_class,
            "json": "JsonValue",
        }[self.type]

    @property
    def orm_type(self) -> str:
        """The Python type in ``Mapped[...]`` (enums are stored as their value)."""
        base = "str" if self.type == "enum" else self.py_type
        return f"{base} | None" if self.nullable else base

    @property
    def column_arguments(self) -> str:
        """What follows the type in ``mapped_column(...)``."""
        parts = [self.column_type]
        if self.unique:
            parts += ["unique=True", "index=True"]
        elif self.index:
            parts.append("index=True")
        if self.type == "json":  # JsonValue admits None, so the column must say it is NOT NULL
            parts.append(f"nullable={self.nullable}")
        return ", ".join(parts)

    @property
    def column_type(self) -> str:
        """The SQLAlchemy column type, as written in the model (and, with ``sa.``, the migration)."""
        spec = self.spec
        return {
            "string": f"String({spec.get('max_length', 255)})",
            "text": "Text()",
            "integer": "Integer()",
            "float": "Float()",
            "decimal": f"Numeric({spec.get('max_digits', 12)}, {spec.get('decimal_places', 2)})",
            "boolean": "Boolean()",
            "date": "Date()",
            "datetime": "UTCDateTime()",
            "email": "String(320)",
            "url": "String(2048)",
            "uuid": "Uuid()",
            "enum": f"String({max(len(c) for c in spec.get('choices', ['x']))})",
            "json": "JSON()",
        }[self.type]

    @property
    def migration_type(self) -> str:
        if self.type == "datetime":
            return "sa.DateTime(timezone=True)"
        return "sa." + self.column_type

    @property
    def constraints(self) -> str:
        """Keyword arguments of pydantic's ``Field`` that validate this field."""
        spec, parts = self.spec, []
        if self.type in ("string", "text"):
            parts += [f"{k}={spec[k]}" for k in ("min_length",) if k in spec]
            if "max_length" in spec or self.type == "string":
                parts.append(f"max_length={spec.get('max_length', 255)}")
            if "pattern" in spec:
                parts.append(f"pattern={spec['pattern']!r}")
        if self.type == "integer":
            # The column is a 32-bit INTEGER; wider values must be a 422, not a database error.
            parts.append(f"ge={spec.get('minimum', -(2**31))!r}")
            parts.append(f"le={spec.get('maximum', 2**31 - 1)!r}")
        if self.type in ("float", "decimal"):
            parts += [f"ge={spec['minimum']!r}" for _ in [0] if "minimum" in spec]
            parts += [f"le={spec['maximum']!r}" for _ in [0] if "maximum" in spec]
        if self.type == "float":
            parts.append("allow_inf_nan=False")
        if self.type == "decimal":
            parts.append(f"max_digits={spec.get('max_digits', 12)}")
            parts.append(f"decimal_places={spec.get('decimal_places', 2)}")
        return ", ".join(parts)

    def _annotation(self, nullable: bool, not_null: bool = False) -> str:
        base = {"email": "EmailStr", "url": "HttpUrlStr", "datetime": "UTCDatetime"}.get(self.type, self.py_type)
        if nullable:
            base += " | None"
        extras = [f"Field({self.constraints})"] if self.constraints else []
        if not_null:
            extras.append("NotNull")
        return f"Annotated[{base}, {', '.join(extras)}]" if extras else base

    @property
    def create_annotation(self) -> str:
        """The annotation in the Create schema, constraints included (JSON's null is a value of
        ``JsonValue``, so a required json field refuses it explicitly)."""
        return self._annotation(self.nullable, not_null=self.type == "json" and not self.nullable)

    @property
    def update_annotation(self) -> str:
        """The annotation in the Update schema: optional, but null only where the column allows it."""
        return self._annotation(True, not_null=not self.nullable)

    @property
    def response_annotation(self) -> str:
        base = "str" if self.type in ("email", "url") else self.py_type
        return f"{base} | None" if self.nullable else base

    def sample(self, n: int) -> Any:
        """A valid JSON value for this field; a larger ``n`` gives a value that sorts later."""
        spec, kind = self.spec, self.type
        if kind in ("string", "text"):
            value = f"{'value' if kind == 'string' else 'some text'} {n:03d}"
            low, high = spec.get("min_length", 0), spec.get("max_length", 255 if kind == "string" else 10**6)
            value = value.rjust(low, "a")
            return value[-high:] if len(value) > high else value
        if kind in ("integer", "float", "decimal"):
            places = spec.get("decimal_places", 2)
            low = spec.get("minimum", 0)
            high = spec.get("maximum", low + 1000)
            if kind == "decimal":
                high = min(high, 10 ** (spec.get("max_digits", 12) - places) - 1)
            number = low + (high - low) * (n + 1) / 4
            if kind == "integer":
                return int(number)
            if kind == "float":
                return float(number)
            return str(decimal.Decimal(str(number)).quantize(decimal.Decimal(1).scaleb(-places)))
        return {
            "boolean": n % 2 == 1,
            "date": f"2026-0{1 + n % 9}-15",
            "datetime": f"2026-0{1 + n % 9}-15T10:30:00+00:00",
            "email": f"person{n}@example.com",
            "url": f"https://example.com/item/{n}",
            "uuid": str(uuid.UUID(int=n + 1)),
            "enum": (spec.get("choices") or ["x"])[n % len(spec.get("choices") or ["x"])],
            "json": {"key": f"value {n}", "items": [n, n + 1]},
        }[kind]

    @property
    def invalid(self) -> Any:
        """A JSON value this field refuses with a 422 (None for ``json``, which takes anything)."""
        if self.type in ("string", "text") and "max_length" in self.spec:
            return "x" * (self.spec["max_length"] + 1)
        return {
            "string": 12345,
            "text": {"not": "text"},
            "integer": "not a number",
            "float": "not a number",
            "decimal": "not a number",
            "boolean": "maybe",
            "date": "2026-13-45",
            "datetime": "2026-01-01T10:30:00",  # no offset
            "email": "not-an-email",
            "url": "not a url",
            "uuid": "not-a-uuid",
            "enum": "not-one-of-the-choices",
            "json": None,
        }[self.type]

    @property
    def default_literal(self) -> str:
        """The Python literal of the default (None when the field is optional without one)."""
        if not self.has_default:
            return "None"
        value = self.default
        if value is None:
            return "None"
        if self.type == "enum":
            return f"{self.enum_class}.{constant(value)}"
        if self.type == "decimal":
            return f"Decimal({str(value)!r})"
        if self.type == "date":
            return f"date.fromisoformat({value!r})"
        if self.type == "datetime":
            return f"datetime.fromisoformat({value!r})"
        if self.type == "uuid":
            return f"UUID({value!r})"
        return repr(value)


@dataclass
class Relation:
    """A relationship of a spec model, exposed in the API as ``x_id`` or ``y_ids``."""

    name: str
    kind: str
    target: str
    required: bool
    on_delete: str
    source: str
    target_owned: bool

    @property
    def many(self) -> bool:
        return self.kind == "many_to_many"

    @property
    def field(self) -> str:
        """The name in request and response bodies (and the column, for many_to_one)."""
        return f"{singular(self.name)}_ids" if self.many else f"{self.name}_id"

    @property
    def target_table(self) -> str:
        return "users" if self.target == "User" else plural(snake(self.target))

    @property
    def nullable(self) -> bool:
        return not self.many and not self.required

    @property
    def ondelete(self) -> str:
        return ON_DELETE[self.on_delete]

    @property
    def association_table(self) -> str:
        return f"{snake(self.source)}_{self.name}"

    @property
    def association_columns(self) -> tuple[str, str]:
        left, right = f"{snake(self.source)}_id", f"{singular(self.name)}_id"
        return (left, f"related_{right}") if left == right else (left, right)

    @property
    def orm_type(self) -> str:
        return f'list["{self.target}"]' if self.many else ("int | None" if self.nullable else "int")

    @property
    def create_annotation(self) -> str:
        if self.many:
            return "list[Id] = Field(default_factory=list)"
        return "Id | None = None" if self.nullable else "Id"

    @property
    def update_annotation(self) -> str:
        if self.many:
            return "Annotated[list[Id] | None, NotNull] = None"
        return "Id | None = None" if self.nullable else "Annotated[Id | None, NotNull] = None"

    @property
    def response_annotation(self) -> str:
        return "list[int]" if self.many else ("int | None" if self.nullable else "int")


@dataclass
class Resource:
    """A spec model rendered as a REST resource."""

    name: str
    owned: bool
    fields: list[Field]
    path_override: str | None = None
    relations: list[Relation] = field(default_factory=list)
    protected: bool = False  # another model refers to it with on_delete "protect": delete may be 409

    @property
    def foreign_keys(self) -> list[Relation]:
        return [r for r in self.relations if not r.many]

    @property
    def collections(self) -> list[Relation]:
        return [r for r in self.relations if r.many]

    @property
    def snake(self) -> str:
        return snake(self.name)

    @property
    def plural(self) -> str:
        return plural(self.snake)

    @property
    def table(self) -> str:
        return self.plural

    @property
    def path(self) -> str:
        return self.path_override or "/" + kebab(self.plural)

    @property
    def title(self) -> str:
        return self.snake.replace("_", " ")

    @property
    def enums(self) -> list[Field]:
        return [f for f in self.fields if f.type == "enum"]

    @property
    def filters(self) -> list[Field]:
        return [f for f in self.fields if f.filterable]

    @property
    def order_fields(self) -> list[str]:
        orderable = [f.name for f in self.fields if f.orderable] + [r.field for r in self.foreign_keys]
        base = ["id", *orderable, "created_at", "updated_at"]
        return [name for key in base for name in (key, f"-{key}")]

    @property
    def filter_params(self) -> list[tuple[str, str]]:
        """Exact-match filters of the list endpoint: (query parameter, Python type)."""
        return [(f.name, "IntFilter" if f.type == "integer" else f"{f.py_type} | None") for f in self.filters] + [
            (r.field, "IdFilter") for r in self.foreign_keys
        ]

    @property
    def uniques(self) -> list[Field]:
        return [f for f in self.fields if f.unique]

    @property
    def indexed(self) -> list[Field]:
        return [f for f in self.fields if f.index and not f.unique]

    @property
    def types(self) -> set[str]:
        return {f.type for f in self.fields}


def resources(models: list[Any], auth_enabled: bool = True) -> list[Resource]:
    """The spec's models other than ``User``, normalised for rendering, each after the models
    its many_to_one relationships point at (the order the migration creates the tables in)."""
    owned = {
        m["name"]: m.get("owned_by_user", auth_enabled) and auth_enabled for m in models if isinstance(m, dict)
    } | {m: auth_enabled for m in models if isinstance(m, str) and m != "User"}
    result = []
    for model in models:
        if model == "User":
            continue
        body: dict[str, Any] = (
            {"name": model, "fields": [{"name": "name", "type": "string"}]} if isinstance(model, str) else model
        )
        name = body["name"]
        fields = []
        for spec in body.get("fields", []):
            fields.append(
                Field(
                    name=spec["name"],
                    type=spec["type"],
                    required=spec.get("required", True),
                    unique=spec.get("unique", False),
                    index=spec.get("index", False),
                    has_default="default" in spec,
                    default=spec.get("default"),
                    spec=spec,
                    enum_class=name + pascal(spec["name"]) if spec["type"] == "enum" else "",
                )
            )
        relations = [
            Relation(
                name=spec["name"],
                kind=spec["kind"],
                target=spec["target"],
                required=spec.get("required", True) if spec["kind"] == "many_to_one" else False,
                on_delete=spec.get("on_delete", "cascade"),
                source=name,
                target_owned=owned.get(spec["target"], False),
            )
            for spec in body.get("relationships", [])
        ]
        result.append(
            Resource(
                name=name,
                owned=owned[name],
                fields=fields,
                path_override=body.get("path"),
                relations=relations,
            )
        )
    protected = {rel.target for r in result for rel in r.foreign_keys if rel.on_delete == "protect"}
    for resource in result:
        resource.protected = resource.name in protected
    return _dependencies_first(result)


def _dependencies_first(res: list[Resource]) -> list[Resource]:
    """A stable topological order over many_to_one references (cycles were refused before)."""
    by_name, ordered, placed = {r.name: r for r in res}, [], set()

    def place(resource: Resource, trail: frozenset[str]) -> None:
        if resource.name in placed or resource.name in trail:
            return
        for relation in resource.foreign_keys:
            if relation.target in by_name:
                place(by_name[relation.target], trail | {resource.name})
        placed.add(resource.name)
        ordered.append(resource)

    for resource in res:
        place(resource, frozenset())
    return ordered


# Which names each field type needs in each generated module: (module, name).
_MODEL_IMPORTS = {
    "string": [("sqlalchemy", "String")],
    "email": [("sqlalchemy", "String")],
    "url": [("sqlalchemy", "String")],
    "enum": [("sqlalchemy", "String")],
    "text": [("sqlalchemy", "Text")],
    "integer": [("sqlalchemy", "Integer")],
    "float": [("sqlalchemy", "Float")],
    "decimal": [("sqlalchemy", "Numeric"), ("decimal", "Decimal")],
    "boolean": [("sqlalchemy", "Boolean")],
    "date": [("sqlalchemy", "Date"), ("datetime", "date")],
    "datetime": [(".base", "UTCDateTime"), ("datetime", "datetime")],
    "uuid": [("sqlalchemy", "Uuid"), ("uuid", "UUID")],
    "json": [("sqlalchemy", "JSON"), ("pydantic", "JsonValue")],
}
_SCHEMA_IMPORTS = {
    "decimal": [("decimal", "Decimal")],
    "date": [("datetime", "date")],
    "datetime": [(".common", "UTCDatetime")],
    "uuid": [("uuid", "UUID")],
    "json": [("pydantic", "JsonValue")],
    "email": [("pydantic", "EmailStr")],
    "url": [(".common", "HttpUrlStr")],
    "enum": [("enum", "StrEnum")],
}
_STDLIB = {"datetime", "decimal", "enum", "typing", "uuid", "collections.abc"}


def import_block(names: list[tuple[str, str]]) -> str:
    """``from x import a, b`` lines grouped and sorted the way ruff's isort wants them."""
    by_module: dict[str, set[str]] = {}
    for module, name in names:
        by_module.setdefault(module, set()).add(name)
    groups: list[list[str]] = [[], [], []]

    def module_key(module: str) -> tuple[int, str]:
        dots = len(module) - len(module.lstrip("."))
        return (-dots, module.lstrip("."))  # relative: furthest first, as ruff's default

    def member_key(name: str) -> tuple[int, str]:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[0].isupper() else 2
        return (kind, name)  # constants, classes, then the rest

    for module in sorted(by_module, key=module_key):
        group = 0 if module in _STDLIB else 2 if module.startswith(".") else 1
        members = sorted(by_module[module], key=member_key)
        line = f"from {module} import {', '.join(members)}"
        if len(line) > 100:
            line = f"from {module} import (\n" + "".join(f"    {m},\n" for m in members) + ")"
        groups[group].append(line)
    return "\n\n".join("\n".join(lines) for lines in groups if lines)


def model_imports(res: list[Resource]) -> str:
    """The imports of the generated ``models/resources.py``."""
    names = [("sqlalchemy.orm", "Mapped"), ("sqlalchemy.orm", "mapped_column"), (".base", "ResourceBase")]
    names += [(".base", "OwnedMixin") for r in res if r.owned]
    names += [pair for r in res for f in r.fields for pair in _MODEL_IMPORTS[f.type]]
    relations = [rel for r in res for rel in r.relations]
    if relations:
        names.append(("sqlalchemy", "ForeignKey"))
    if any(rel.many for rel in relations):
        names += [("sqlalchemy", "Column"), ("sqlalchemy", "Table"), ("sqlalchemy.orm", "relationship")]
        names.append((".base", "Base"))
    if any(rel.many and rel.target == "User" for rel in relations):
        names.append((".user", "User"))
    return import_block(names)


def schema_imports(res: list[Resource]) -> str:
    """The imports of the generated ``schemas/resources.py``."""
    fields = [f for r in res for f in r.fields]
    names = [
        ("typing", "Literal"),
        ("datetime", "datetime"),
        ("pydantic", "BaseModel"),
        ("pydantic", "ConfigDict"),
        (".common", "RequestModel"),
    ]
    names += [pair for f in fields for pair in _SCHEMA_IMPORTS.get(f.type, [])]
    annotations = [a for f in fields for a in (f.create_annotation, f.update_annotation)]
    if any("Annotated[" in a for a in annotations):
        names.append(("typing", "Annotated"))
    if any("Field(" in a for a in annotations):
        names.append(("pydantic", "Field"))
    relations = [rel for r in res for rel in r.relations]
    annotations += [rel.create_annotation for rel in relations] + [rel.update_annotation for rel in relations]
    if any("NotNull" in a for a in annotations):
        names.append((".common", "NotNull"))
    if any("Annotated[" in a for a in annotations):
        names.append(("typing", "Annotated"))
    if any("Field(" in a for a in annotations):
        names.append(("pydantic", "Field"))
    if relations:
        names.append((".common", "Id"))
    return import_block(names)


def gated_resources(res: list[Resource], endpoints: list[dict[str, Any]], prefix: str) -> list[Resource]:
    """Shared (not owned) resources with at least one operation that needs a logged-in user."""
    return [r for r in res if not r.owned and len(public_operations(endpoints, prefix, r)) < len(CRUD_OPERATIONS)]


def router_imports(res: list[Resource], endpoints: list[dict[str, Any]], prefix: str) -> str:
    """The imports of the generated ``routers/resources.py``."""
    names = [("typing", "Annotated"), ("..database", "SessionDep"), ("..services.crud", "CRUDService")]
    names += [("fastapi", n) for n in ("APIRouter", "Depends", "Query", "Request", "Response", "status")]
    names += [("..schemas.common", "Page"), ("..schemas.common", "PageParams"), (".params", "ObjectId")]
    if any(f.type == "integer" for r in res for f in r.filters):
        names.append((".params", "IntFilter"))
    if any(r.foreign_keys for r in res):
        names.append((".params", "IdFilter"))
    names += [(".responses", n) for n in ("CONFLICT", "NOT_FOUND", "UNAUTHORIZED")]
    if any(r.relations for r in res):
        names.append(("..services.crud", "Reference"))
    for r in res:
        names += [("..models", rel.target) for rel in r.relations if rel.target != "User"]
        names += [("..models", "User") for rel in r.relations if rel.target == "User"]
        names.append(("..models", r.name))
        names += [("..schemas.resources", r.name + suffix) for suffix in ("Create", "Order", "Response", "Update")]
        names += [("..schemas.resources", f.enum_class) for f in r.filters if f.type == "enum"]
    if any(r.owned for r in res):
        names.append(("..dependencies", "CurrentUser"))
    if gated_resources(res, endpoints, prefix):
        names.append(("..dependencies", "current_user"))
    if any(not r.owned and any(rel.target_owned for rel in r.relations) for r in res):
        names.append(("..dependencies", "OptionalUser"))
    return import_block(names)


LINE_LENGTH = 100  # the generated projects' ruff line length


def wrap(indent: int, opening: str, args: list[str], closing: str = ")", hug: bool = True) -> str:
    """A call or signature laid out as ruff format would: on one line, with its arguments on one
    indented line (calls only: ``hug``), or one argument per line with a trailing comma."""
    pad, inner = " " * indent, " " * (indent + 4)
    joined = ", ".join(args)
    if len(pad + opening + joined + closing) <= LINE_LENGTH:
        return pad + opening + joined + closing
    if hug and len(inner + joined) <= LINE_LENGTH:
        return f"{pad}{opening}\n{inner}{joined}\n{pad}{closing}"
    return f"{pad}{opening}\n" + "".join(f"{inner}{arg},\n" for arg in args) + pad + closing


def pyliteral(value: Any) -> str:
    """A JSON value as Python source in ruff's style (double quotes; long runs as ``"x" * n``)."""
    if isinstance(value, str):
        if len(value) > 20 and len(set(value)) == 1:
            return f"{json.dumps(value[0])} * {len(value)}"
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{pyliteral(k)}: {pyliteral(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(pyliteral(v) for v in value) + "]"
    return repr(value)


class SpecModelExtension(Extension):
    """Registers the filters and globals above in copier's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            snake=snake,
            kebab=kebab,
            pascal=pascal,
            plural=plural,
            constant=constant,
            pyrepr=pyliteral,
            from_module=lambda name, module: (module, name),
        )
        environment.globals.update(
            model_errors=model_errors,
            api_endpoint_errors=api_endpoint_errors,
            public_operations=public_operations,
            resources=resources,
            custom_endpoints=custom_endpoints,
            request_sample=request_sample,
            model_imports=model_imports,
            schema_imports=schema_imports,
            import_block=import_block,
            router_imports=router_imports,
            wrap=wrap,
        )
