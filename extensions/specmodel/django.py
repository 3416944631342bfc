"""Django renderings of the normalised spec (``model.resources``) for ``template-django``: the
source of a model field, of its migration twin and of a DRF serializer field. Model and migration
share one function, so that ``makemigrations --check`` finds nothing to do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .layout import Call
from .literals import python_literal

INT32 = (-(2**31), 2**31 - 1)
ON_DELETE = {"cascade": "models.CASCADE", "set_null": "models.SET_NULL", "protect": "models.PROTECT"}
APP_LABEL = "resources"


def default_source(field: Any, migration: bool = False) -> str | None:
    """The Python source of a field's spec default, or None when it has none (or null)."""
    if not field.has_default or field.default is None:
        return None
    value, kind = field.default, field.type
    if kind == "enum":
        return python_literal(value) if migration else f"{field.enum_class}.{_member(field, value)}"
    if kind == "decimal":
        return f"decimal.Decimal({python_literal(str(value))})"
    if kind == "date":
        parsed = dt.date.fromisoformat(value)
        return f"datetime.date({parsed.year}, {parsed.month}, {parsed.day})"
    if kind == "datetime":
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        parsed = parsed.astimezone(dt.UTC)
        parts = [parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second]
        if parsed.microsecond:
            parts.append(parsed.microsecond)
        return f"datetime.datetime({', '.join(map(str, parts))}, tzinfo=datetime.UTC)"
    if kind == "uuid":
        return f"uuid.UUID({python_literal(value)})"
    if kind == "float":
        return repr(float(value))
    return python_literal(value)


def _member(field: Any, value: str) -> str:
    return str(next(member for member, choice in field.choices if choice == value))


def model_field(field: Any, migration: bool = False) -> Call:
    """``models.CharField(max_length=200, ...)`` for a spec field (the model's and the migration's)."""
    spec, kind = field.spec, field.type
    args: list[Any] = []
    if kind == "string":
        call = "models.CharField"
        args.append(f"max_length={spec.get('max_length', 255)}")
    elif kind == "enum":
        call = "models.CharField"
        args.append(f"max_length={max(len(c) for c in spec['choices'])}")
        if migration:
            args.append(
                Call("choices=[", [f"({python_literal(c)}, {python_literal(c)})" for _, c in field.choices], "]")
            )
        else:
            args.append(f"choices={field.enum_class}")
    elif kind == "email":
        call = "models.EmailField"
        args.append("max_length=320")
    elif kind == "url":
        call = "models.URLField"
        args.append("max_length=2048")
    elif kind == "decimal":
        call = "models.DecimalField"
        args += [f"max_digits={spec.get('max_digits', 12)}", f"decimal_places={spec.get('decimal_places', 2)}"]
    else:
        call = {
            "text": "models.TextField",
            "integer": "models.IntegerField",
            "float": "models.FloatField",
            "boolean": "models.BooleanField",
            "date": "models.DateField",
            "datetime": "models.DateTimeField",
            "uuid": "HexUUIDField" if field.database == "MySQL" else "models.UUIDField",
            "json": "models.JSONField",
        }[kind]
    if (default := default_source(field, migration)) is not None:
        args.append(f"default={default}")
    if not field.required:
        args.append("blank=True")
    if field.nullable:
        args.append("null=True")
    if field.unique:
        args.append("unique=True")
    elif field.index:
        args.append("db_index=True")
    return Call(f"{call}(", args)


def _target(relation: Any, migration: bool) -> str:
    if relation.target == "User":
        return "settings.AUTH_USER_MODEL"
    if migration:
        return python_literal(f"{APP_LABEL}.{relation.target.lower()}")
    return python_literal("self" if relation.target == relation.source else relation.target)


def relation_field(relation: Any, migration: bool = False) -> Call:
    """The ForeignKey or ManyToManyField of a relationship (no reverse accessor: ``related_name="+"``)."""
    target = _target(relation, migration)
    if relation.many:
        args = [target]
        if relation.target == relation.source:
            args.append("symmetrical=False")
        args += ["blank=True", 'related_name="+"']
        return Call("models.ManyToManyField(", args)
    args = [target, f"on_delete={ON_DELETE[relation.on_delete]}"]
    if relation.nullable:
        args += ["blank=True", "null=True"]
    args.append('related_name="+"')
    return Call("models.ForeignKey(", args)


def _field_class(field: Any) -> tuple[str, list[str]]:
    """The serializer field class of a spec field and its type-specific arguments."""
    spec, kind = field.spec, field.type
    args: list[str] = []
    if kind in ("string", "text"):
        if "max_length" in spec or kind == "string":
            args.append(f"max_length={spec.get('max_length', 255)}")
        if spec.get("min_length"):
            args.append(f"min_length={spec['min_length']}")
        if "pattern" in spec:
            args.append(f"pattern={python_literal(spec['pattern'])}")
        return "StrictCharField", args
    if kind == "integer":
        low, high = spec.get("minimum", INT32[0]), spec.get("maximum", INT32[1])
        return "StrictIntegerField", [f"min_value={low!r}", f"max_value={high!r}"]
    if kind == "float":
        args += [f"min_value={float(spec['minimum'])!r}" for _ in [0] if "minimum" in spec]
        args += [f"max_value={float(spec['maximum'])!r}" for _ in [0] if "maximum" in spec]
        return "FiniteFloatField", args
    if kind == "decimal":
        args += [f"max_digits={spec.get('max_digits', 12)}", f"decimal_places={spec.get('decimal_places', 2)}"]
        args += [f"min_value=decimal.Decimal({python_literal(str(spec['minimum']))})" for _ in [0] if "minimum" in spec]
        args += [f"max_value=decimal.Decimal({python_literal(str(spec['maximum']))})" for _ in [0] if "maximum" in spec]
        return "serializers.DecimalField", args
    if kind == "enum":
        return "serializers.ChoiceField", [f"choices={field.enum_class}.choices"]
    return {
        "boolean": "StrictBooleanField",
        "date": "serializers.DateField",
        "datetime": "AwareDateTimeField",
        "email": "StrictEmailField",
        "url": "StrictURLField",
        "uuid": "serializers.UUIDField",
        "json": "StrictJSONField",
    }[kind], args


def request_field(field: Any, partial: bool = False) -> Call:
    """(call, arguments) of the serializer field of a request body: every field of a create or
    replace (defaults filled in), or an optional one of a partial update."""
    call, args = _field_class(field)
    if partial:
        args.append("required=False")
    elif (default := default_source(field)) is not None:
        args.append(f"default={default}")
    elif field.optional_on_create:
        args.append("default=None")
    if field.nullable:
        args.append("allow_null=True")
    return Call(f"{call}(", args)


def reference_field(relation: Any, partial: bool = False) -> Call:
    """(call, arguments) of the serializer field of a relationship in request bodies."""
    model = "User" if relation.target == "User" else relation.target
    args = [f"queryset={model}.objects.all()", f'source="{relation.name}"']
    if relation.target_owned:
        args.append("owned=True")
    if relation.many:
        args.insert(0, "many=True")
        args.append("required=False" if partial else "default=list")
    elif relation.nullable:
        args += ["required=False" if partial else "default=None", "allow_null=True"]
    elif partial:
        args.append("required=False")
    return Call("ReferenceField(", args)


def filter_field(field: Any) -> str:
    """The serializer field that parses a query value of an exact-match filter."""
    if field.type == "boolean":
        return "StrictBooleanField()"
    if field.type == "integer":
        low, high = field.spec.get("minimum", INT32[0]), field.spec.get("maximum", INT32[1])
        return f"StrictIntegerField(min_value={low!r}, max_value={high!r})"
    return f"serializers.ChoiceField(choices={field.enum_class}.choices)"


def needs_hex_uuid(fields: list[Any]) -> bool:
    """A MySQL project's uuid field: its models and migrations import ``core.models.HexUUIDField``."""
    return any(f.type == "uuid" and f.database == "MySQL" for f in fields)


def stdlib_imports(fields: list[Any], migration: bool = False) -> list[str]:
    """``import x`` modules the default values (and decimal bounds) of ``fields`` need."""
    modules: set[str] = set()
    for field in fields:
        source = default_source(field, migration) or ""
        if not migration and field.type == "decimal" and ("minimum" in field.spec or "maximum" in field.spec):
            source += "decimal."
        modules |= {m for m in ("datetime", "decimal", "uuid") if f"{m}." in source}
    return sorted(modules)


# Attributes of DRF's Field and Serializer classes: a spec field of that name, declared on a
# serializer, shadows one (harmless at run time: DRF moves declared fields out of the class).
SERIALIZER_ATTRIBUTES = {
    "allow_null", "context", "data", "default", "error_messages", "errors", "field_name",
    "fields", "help_text", "initial", "initial_data", "instance", "label", "parent", "partial",
    "read_only", "required", "root", "source", "style", "validated_data", "validators",
    "write_only",
}  # fmt: skip


def shadows_serializer_attribute(name: str) -> bool:
    return name in SERIALIZER_ATTRIBUTES


def enum_name_overrides(res: list[Any], builtin: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """drf-spectacular's ENUM_NAME_OVERRIDES: one component name per distinct choice set (the
    built-in ones first), so that enums of fields with the same name never collide."""
    seen: set[tuple[str, ...]] = set()
    overrides = []
    candidates = list(builtin.items()) + [
        (f"{f.enum_class}Enum", [c for _, c in f.choices]) for r in res for f in r.fields if f.type == "enum"
    ]
    for name, choices in candidates:
        key = tuple(sorted(choices))
        if key not in seen:
            seen.add(key)
            overrides.append((name, choices))
    return overrides


def search_fields(resource: Any) -> list[str]:
    return [f.name for f in resource.fields if f.type in ("string", "text", "email", "url")]


def list_display(resource: Any) -> list[str]:
    shown = [f.name for f in resource.fields if f.type not in ("text", "json")][:4]
    return ["id", *shown, *(["owner"] if resource.owned else []), "created_at"]
