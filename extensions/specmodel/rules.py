"""The rules of a spec that JSON Schema does not express, one line per problem, each naming the
JSON path of the value at fault."""

from __future__ import annotations

import datetime as dt
import decimal
import keyword
import re
import sys
import uuid
from typing import Any

from .endpoints import Endpoint, _crud_operation
from .model import FIELD_TYPES, ON_DELETE, Resource, resources
from .naming import constant, plural, singular, snake
from .patterns import SAMPLES_NEEDED, matches, pattern_errors, pattern_samples

# Columns every resource gets; a spec field may not take these names.
RESERVED_FIELD_NAMES = {"id", "owner_id", "created_at", "updated_at", "owner", "metadata"}
# Attributes a field or relationship would shadow on the classes it lands on: Pydantic's BaseModel,
# SQLAlchemy's declarative base (with AsyncAttrs), Django's Model; and the parameters of the
# generated list handlers (pagination, ordering, the session and the caller).
RESERVED_ATTRIBUTE_NAMES = {
    "model_config", "model_fields", "model_computed_fields", "model_extra", "model_fields_set",
    "model_construct", "model_copy", "model_dump", "model_dump_json", "model_json_schema",
    "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
    "model_validate_json", "model_validate_strings", "dict", "json", "copy", "schema",
    "schema_json", "validate", "construct", "parse_obj", "parse_raw", "parse_file", "from_orm",
    "update_forward_refs", "registry", "awaitable_attrs", "objects", "pk", "save", "asave",
    "adelete", "clean", "clean_fields", "full_clean", "validate_unique", "validate_constraints",
    "refresh_from_db", "arefresh_from_db", "get_deferred_fields", "serializable_value",
    "prepare_database_save", "unique_error_message", "date_error_message", "get_constraints",
    "from_db", "page", "order_by", "session", "request", "response", "service", "data", "self",
}  # fmt: skip
# Module and local names of the generated code that a model's snake_case name or plural would take
# over (a handler's local ``body = ...`` hides the ``body()`` it calls).
RESERVED_VARIABLES = {
    "api", "app", "auth", "blueprints", "body", "current_user", "custom", "db", "docs", "health",
    "instance", "models", "object_id", "operation", "optional_user", "query", "queryset", "resources",
    "respond", "router", "routers", "security", "serializer", "settings", "status", "users", "views",
}  # fmt: skip
# Classes and other capitalised names the generated modules define or import beside the models.
RESERVED_MODEL_NAMES = {
    "API", "APIRouter", "APIView", "Account", "AccountService", "Annotated", "Any", "AppConfig",
    "Base", "BaseModel", "Blueprint", "Boolean", "Column", "Config", "ConfigDict", "Conflict",
    "Date", "DateTime", "Decimal", "Depends", "Engine", "Field", "Flask", "FastAPI", "Float",
    "ForeignKey", "Generic", "Health", "Integer", "JSON", "JsonValue", "Literal", "Mapped",
    "Message", "MetaData", "Model", "Numeric", "OrderBy", "OwnedMixin", "Page", "PageParams",
    "Password", "Path", "Query", "QuerySet", "Readiness", "Reference", "RefreshToken", "Request",
    "RequestModel", "ResourceBase", "Response", "Select", "Self", "Session", "Settings", "StrEnum",
    "String", "Table", "Text", "TimestampMixin", "TimestampedModel", "Token", "TokenPair", "Tokens",
    "UTC", "UUID", "User", "Uuid", "ValidationError", "Id", "IdMixin", "NotNull", "EmailStr",
    "HttpUrl", "HttpUrlStr", "UTCDatetime", "UTCDateTime", "ObjectId", "IntFilter", "IdFilter",
    "CRUDService", "SessionDep", "CurrentUser", "OptionalUser", "Enum", "TypeVar", "Callable",
    "ApiToken", "ApiTokenSecret", "LoginToken", "SocialAccount", "Identity", "SignIn", "SignInDep",
}  # fmt: skip
# Tables of the generated code (users, tokens, migration state) that no model's table may take.
RESERVED_TABLES = {"users", "refresh_tokens", "api_tokens", "social_accounts", "alembic_version"}
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
# Identifiers are matched whole (``fullmatch``): ``$`` would accept a trailing newline.
_SNAKE = re.compile(r"[a-z][a-z0-9_]*")
_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")
# PostgreSQL cuts longer identifiers to 63 bytes: names that differ only after that would collide.
MAX_IDENTIFIER = 63
# The longest VARCHAR every supported database accepts (PostgreSQL: 10,485,760 characters).
MAX_VARCHAR = 10_485_760
MAX_NAME = 40  # the longest model, field or relationship name


# Packages a generated project imports: a project package of the same name would shadow them.
DEPENDENCY_PACKAGES = {
    "alembic", "config", "django", "fastapi", "flask", "gunicorn", "httpx", "jwt", "migrations", "pydantic",
    "pydantic_settings", "pytest", "rest_framework", "sqlalchemy", "starlette", "tests", "uvicorn",
}  # fmt: skip
MAX_PROJECT_NAME = 100


def project_name_errors(name: Any) -> list[str]:
    """A project name is one line of text whose package name (``snake``) is an importable
    identifier that shadows no Python or library module."""
    if not isinstance(name, str) or not name.strip():
        return ["project_name: must be a non-empty string"]
    if not name.isprintable() or len(name) > MAX_PROJECT_NAME:
        return [f"project_name: must be one line of at most {MAX_PROJECT_NAME} printable characters"]
    package = snake(name)
    if not package or not package[0].isalpha() or not package.isascii():
        return ["project_name: needs a letter first (it becomes the Python package name)"]
    if len(package) > MAX_NAME:
        return [f"project_name: its package name {package!r} is longer than {MAX_NAME} characters"]
    if keyword.iskeyword(package) or package in sys.stdlib_module_names or package in DEPENDENCY_PACKAGES:
        return [f"project_name: the package name {package!r} would shadow a Python or library module"]
    return []


def api_prefix_errors(prefix: Any) -> list[str]:
    """The prefix of every API route: ``/segments`` of lower-case words."""
    if not isinstance(prefix, str) or not re.fullmatch(r"(/[a-z0-9][a-z0-9._-]*)+", prefix):
        return [f"backend_architecture.api_prefix: {prefix!r} must look like /api/v1 (lower-case /segments)"]
    return []


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
        elif not isinstance(name, str) or not _PASCAL.fullmatch(name):
            errors.append(f"{where}.name: {name!r} is not a PascalCase identifier")
            continue
        elif len(name) > MAX_NAME:
            errors.append(f"{where}.name: {name!r} is longer than {MAX_NAME} characters")
            continue
        elif name in RESERVED_MODEL_NAMES or keyword.iskeyword(name):
            errors.append(f"{where}.name: {name!r} is reserved by the generated code")
            continue
        else:
            key = snake(name)
            taken = {key, plural(key)} & (RESERVED_VARIABLES | RESERVED_ATTRIBUTE_NAMES | set(keyword.kwlist))
            if taken:
                errors.append(
                    f"{where}.name: {name!r} gives the Python name {min(taken)!r}, which the generated code uses"
                )
                continue
        if key in seen_models:
            errors.append(f"{where}.name: duplicate model name {name!r} (also {seen_models[key]})")
        seen_models[key] = where
        previous = body.get("renamed_from", "Unset")
        if not (isinstance(previous, str) and _PASCAL.fullmatch(previous)):
            errors.append(f"{where}.renamed_from: {previous!r} is not a PascalCase identifier")
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
    if not errors:
        errors.extend(_namespace_errors(models, auth_enabled))
    return errors


# MySQL's limits (utf8mb4: up to 4 bytes a character). InnoDB index keys hold 3,072 bytes; a row
# holds 65,535 bytes of columns, where a VARCHAR counts whole and a TEXT or JSON column 12 bytes.
MYSQL_MAX_VARCHAR = 16_383
MYSQL_MAX_KEY_CHARACTERS = 768
MYSQL_MAX_ROW_BYTES = 65_535
_FIXED_VARCHARS = {"email": 320, "url": 2048}  # the VARCHAR length of these types' columns
_ROW_BASE_BYTES = 64  # id, owner, foreign keys and timestamps, generously


def _varchar_length(spec: dict[str, Any]) -> int | None:
    """The VARCHAR length of a field's column, or None when it is not a VARCHAR."""
    kind = spec.get("type")
    if kind == "string":
        return int(spec.get("max_length", 255))
    if kind == "enum":
        return max((len(c) for c in spec.get("choices", ["x"])), default=1)
    return _FIXED_VARCHARS.get(str(kind))


def database_errors(models: Any, database: str) -> list[str]:
    """The rules of one database type on models that ``model_errors`` accepts (MySQL's limits on
    VARCHAR columns, index keys and row size; the other databases add none)."""
    if database != "MySQL" or model_errors(models):
        return []
    errors = []
    for i, model in enumerate(models):
        if not isinstance(model, dict):
            continue
        row = _ROW_BASE_BYTES
        for j, spec in enumerate(model.get("fields", [])):
            where, length = f"database.models[{i}].fields[{j}]", _varchar_length(spec)
            row += 12 if length is None else 4 * length + 2
            indexed = spec.get("unique") or spec.get("index")
            if spec["type"] in ("text", "json") and indexed:
                errors.append(f"{where}: a {spec['type']} column cannot be indexed on MySQL; drop unique and index")
            elif length is not None and length > MYSQL_MAX_VARCHAR:
                errors.append(
                    f"{where}.max_length: above {MYSQL_MAX_VARCHAR}, the longest utf8mb4 VARCHAR on MySQL;"
                    " use the type 'text'"
                )
            elif length is not None and indexed and length > MYSQL_MAX_KEY_CHARACTERS:
                errors.append(
                    f"{where}: an index on MySQL holds at most {MYSQL_MAX_KEY_CHARACTERS} characters and this"
                    f" {spec['type']} has {length}; lower max_length or drop unique and index"
                )
        if row > MYSQL_MAX_ROW_BYTES:
            errors.append(
                f"database.models[{i}].fields: MySQL rows hold {MYSQL_MAX_ROW_BYTES} bytes and these columns"
                f" take {row}; make long strings the type 'text'"
            )
    return errors


def _pattern_rule_errors(spec: dict[str, Any]) -> list[str]:
    """A pattern both engines compile, that leaves room for the values the generated tests send."""
    pattern = spec["pattern"]
    if problems := pattern_errors(pattern):
        return problems
    low, high = spec.get("min_length", 0), spec.get("max_length", 255 if spec["type"] == "string" else 10**6)
    if len(pattern_samples(pattern, low, high)) < SAMPLES_NEEDED:
        return [
            f"{pattern!r} leaves fewer than {SAMPLES_NEEDED} distinct values between min_length {low} and"
            f" max_length {high} that could be derived from it (the generated tests need them)"
        ]
    if isinstance(spec.get("default"), str) and not matches(pattern, spec["default"]):
        return [f"the default {spec['default']!r} does not match {pattern!r}"]
    return []


def _attribute_name_errors(name: Any, where: str) -> list[str]:
    """A field or relationship name must be a short snake_case identifier that lands in no
    namespace it would break: Python keywords, SQL words, generated columns, attributes of the
    classes it becomes an attribute of, parameters of the generated handlers."""
    if not isinstance(name, str) or not _SNAKE.fullmatch(name):
        return [f"{where}.name: {name!r} is not a snake_case identifier"]
    if len(name) > MAX_NAME:
        return [f"{where}.name: {name!r} is longer than {MAX_NAME} characters"]
    if keyword.iskeyword(name) or name in RESERVED_FIELD_NAMES or name in SQL_RESERVED:
        return [f"{where}.name: {name!r} is reserved (Python keyword, SQL word or generated column)"]
    if name in RESERVED_ATTRIBUTE_NAMES or name.startswith("model_"):
        return [f"{where}.name: {name!r} is reserved (an attribute of the generated classes or handlers)"]
    return []


def _namespace_errors(models: list[Any], auth_enabled: bool) -> list[str]:
    """Names derived from different models that would land on one another: classes (schemas,
    enums, serializers), tables, URL paths, and database identifiers once the database has cut
    them to its longest length."""
    where_of = {m["name"] if isinstance(m, dict) else m: f"database.models[{i}]" for i, m in enumerate(models)}
    errors: list[str] = []
    taken: dict[str, str] = {}
    cuts: dict[str, str] = {}

    def claim(kind: str, value: str, where: str, reserved: set[str]) -> None:
        if value in reserved:
            errors.append(f"{where}.name: its {kind} {value!r} is taken by the generated code")
        elif value in taken and taken[value] != where:
            errors.append(f"{where}.name: its {kind} {value!r} clashes with the one of {taken[value]}")
        else:
            taken[value] = where

    for r in resources(models, auth_enabled):
        where = where_of[r.name]
        for suffix in ("", "Create", "Update", "Response", "Order", "Serializer", "ViewSet", "Admin"):
            claim("class", r.name + suffix, where, RESERVED_MODEL_NAMES - {r.name})
        for f in r.enums:
            claim("enum class", f.enum_class, where, RESERVED_MODEL_NAMES)
        claim("table", "table:" + r.table, where, {"table:" + t for t in RESERVED_TABLES})
        for rel in r.collections:
            claim("association table", "table:" + rel.association_table, where, set())
        claim("path", "path:" + r.path, where, set())
        for identifier in r.database_identifiers:
            cut = identifier[:MAX_IDENTIFIER]
            if cuts.setdefault(cut, identifier) != identifier:
                errors.append(
                    f"{where}.name: the database identifiers {cuts[cut]!r} and {identifier!r} are the same in"
                    f" their first {MAX_IDENTIFIER} characters, where PostgreSQL cuts them; shorten a name"
                )
    return [re.sub(r"'(table|path):", "'", e) for e in errors]


def _relation_errors(spec: Any, where: str, seen: set[str], models: set[str], source: str) -> list[str]:
    """The rules one relationship breaks; ``seen`` holds the field names used so far."""
    if not isinstance(spec, dict):
        return [f"{where}: must be an object"]
    errors = []
    name, kind, target = spec.get("name", ""), spec.get("kind"), spec.get("target")
    errors += _attribute_name_errors(name, where)
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
    if name_errors := _attribute_name_errors(name, where):
        errors += name_errors
    elif name in seen:
        errors.append(f"{where}.name: duplicate field name {name!r}")
    seen.add(name)
    if "renamed_from" in spec and (renamed := _attribute_name_errors(spec["renamed_from"], where)):
        errors += [e.replace(f"{where}.name:", f"{where}.renamed_from:") for e in renamed]
    if kind not in FIELD_TYPES:
        errors.append(f"{where}.type: {kind!r} is not one of {list(FIELD_TYPES)}")
        return errors
    if kind == "enum":
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c for c in choices):
            errors.append(f"{where}.choices: an enum needs a non-empty list of non-empty strings")
            return errors
        if not all(c.isprintable() and len(c) <= 255 for c in choices):
            errors.append(f"{where}.choices: each choice must be one line of at most 255 printable characters")
        if len({constant(c) for c in choices}) != len(choices):
            errors.append(f"{where}.choices: choices must differ in more than case and punctuation")
    for low, high in (("min_length", "max_length"), ("minimum", "maximum")):
        if low in spec and high in spec and spec[low] > spec[high]:
            errors.append(f"{where}.{low}: greater than {high}")
    if kind == "decimal" and spec.get("decimal_places", 2) > spec.get("max_digits", 12):
        errors.append(f"{where}.decimal_places: greater than max_digits")
    if spec.get("max_length", 0) > MAX_VARCHAR and kind == "string":
        errors.append(f"{where}.max_length: above {MAX_VARCHAR}, the longest VARCHAR; use the type 'text'")
    if "pattern" in spec and kind in ("string", "text"):
        errors += [f"{where}.pattern: {problem}" for problem in _pattern_rule_errors(spec)]
    if kind == "json" and isinstance(spec.get("default"), (dict, list)):
        errors.append(f"{where}.default: a json default must be a string, number, boolean or null")
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
    functions: dict[str, str] = {}
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
        else:
            errors += _custom_path_errors(path, prefix, res, where)
            function = Endpoint(method, path[len(prefix.rstrip("/")) :], False, None, None).function
            if function in functions:
                other = functions[function]
                errors.append(f"{where}.path: its handler {function}() would also be {other}'s; rename a segment")
            functions.setdefault(function, where)
        if method in ("GET", "DELETE") and endpoint.get("request_model"):
            errors.append(f"{where}.request_model: a {method} request has no body")
    return errors


# Routes of the generated API below the prefix, before any custom endpoint.
BUILTIN_PATHS = ("/auth/register", "/auth/token", "/auth/refresh", "/users/me")
# Names a handler's path parameter may not take: its other parameters and the module's own names.
RESERVED_PARAMETERS = {"data", "user", "session", "request", "response", "status", "router", "self", "pk"}


def _custom_path_errors(path: str, prefix: str, res: list[Resource], where: str) -> list[str]:
    """A custom path no earlier route takes, with parameters that can be handler arguments."""
    errors = []
    parameters = re.findall(r"\{([a-z_][a-z0-9_]*)\}", path)
    for name in parameters:
        if keyword.iskeyword(name) or name in RESERVED_PARAMETERS or len(name) > MAX_NAME:
            errors.append(
                f"{where}.path: the parameter {{{name}}} is reserved (a Python keyword, a handler argument"
                " or longer than the longest name)"
            )
    if len(set(parameters)) != len(parameters):
        errors.append(f"{where}.path: a parameter appears twice in {path!r}")
    base = prefix.rstrip("/")
    routes = [base + p for p in BUILTIN_PATHS] + [base + r.path + item for r in res for item in ("", "/{id}")]
    for route in routes:
        if _shadows(route, path):
            errors.append(f"{where}.path: {path!r} is served by the generated route {route}; choose another path")
            break
    return errors


def _shadows(route: str, path: str) -> bool:
    """Every request to ``path`` also matches ``route`` (a ``{parameter}`` takes any segment)."""
    route_parts, path_parts = route.split("/"), path.split("/")
    if len(route_parts) != len(path_parts):
        return False
    return all(
        r == p or (r.startswith("{") and not p.startswith("{")) or r.startswith("{")
        for r, p in zip(route_parts, path_parts, strict=True)
    )


def _model_names(res: list[Resource], auth_enabled: bool) -> tuple[set[str], set[str]]:
    """The schema names an endpoint may take as its request model and give as its response model."""
    requests = {f"{r.name}{suffix}" for r in res for suffix in ("Create", "Update")}
    responses = {f"{r.name}Response" for r in res}
    if auth_enabled:
        requests.add("UserCreate")
        responses.add("UserResponse")
    return requests, responses
