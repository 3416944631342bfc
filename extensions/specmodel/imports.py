"""The import blocks of the generated SQLAlchemy models, Pydantic schemas and FastAPI routers."""

from __future__ import annotations

from typing import Any

from .endpoints import CRUD_OPERATIONS, public_operations
from .layout import import_block
from .model import Resource

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
