"""The normalised models the templates render: each spec field, relationship and model with
everything a template needs to write it for SQLAlchemy, Alembic and Pydantic."""

from __future__ import annotations

import decimal
import uuid
from dataclasses import dataclass, field
from typing import Any

from .literals import python_literal
from .naming import constant, kebab, pascal, plural, singular, snake
from .patterns import pattern_samples

FIELD_TYPES = (
    "string", "text", "integer", "float", "decimal", "boolean", "date", "datetime", "email", "url",
    "uuid", "enum", "json",
)  # fmt: skip
ON_DELETE = {"cascade": "CASCADE", "set_null": "SET NULL", "protect": "RESTRICT"}


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
    database: str = "SQLite"  # the project's database type (a column type can depend on it)

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
            # MariaDB's native UUID sorts in an order of its own: MySQL projects keep CHAR(32) hex.
            "uuid": "Uuid(native_uuid=False)" if self.database == "MySQL" else "Uuid()",
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
                parts.append(f"pattern={python_literal(spec['pattern'])}")
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
            low, high = spec.get("min_length", 0), spec.get("max_length", 255 if kind == "string" else 10**6)
            if "pattern" in spec:
                samples = pattern_samples(spec["pattern"], low, high)
                return samples[n % len(samples)]
            value = f"{'value' if kind == 'string' else 'some text'} {n:03d}"
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
            return f"Decimal({python_literal(str(value))})"
        if self.type == "date":
            return f"date.fromisoformat({python_literal(value)})"
        if self.type == "datetime":
            return f"datetime.fromisoformat({python_literal(value)})"
        if self.type == "uuid":
            return f"UUID({python_literal(value)})"
        return python_literal(value)


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
    def database_identifiers(self) -> list[str]:
        """The tables, columns, keys and indexes the migration creates for this model (their
        names follow the naming convention of the SQLAlchemy metadata)."""
        table = self.table
        names = [table, f"pk_{table}", f"ix_{table}_created_at"]
        if self.owned:
            names += [f"fk_{table}_owner_id_users", f"ix_{table}_owner_id"]
        names += [f"ix_{table}_{f.name}" for f in self.fields]
        for rel in self.foreign_keys:
            names += [rel.field, f"fk_{table}_{rel.field}_{rel.target_table}", f"ix_{table}_{rel.field}"]
        for rel in self.collections:
            left, right = rel.association_columns
            association = rel.association_table
            names += [association, f"pk_{association}", f"ix_{association}_{right}"]
            names += [f"fk_{association}_{left}_{table}", f"fk_{association}_{right}_{rel.target_table}"]
        return names

    @property
    def types(self) -> set[str]:
        return {f.type for f in self.fields}


def resources(models: list[Any], auth_enabled: bool = True, database: str = "SQLite") -> list[Resource]:
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
                    database=database,
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
