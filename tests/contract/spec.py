"""What the contract promises for one spec: API prefix, auth, and one resource per model.

Paths, fields and the optional/required rules come from ``extensions/spec_model.py``, loaded by
file path, so the suite derives them by the very rules the templates use.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

SPEC_MODEL_PATH = Path(__file__).resolve().parents[2] / "extensions" / "spec_model.py"
DEFAULT_PREFIX = "/api/v1"
CRUD_OPERATIONS = ("list", "create", "read", "replace", "update", "delete")


@cache
def spec_model() -> ModuleType:
    """The template family's ``spec_model`` module, imported by path."""
    name = "_contract_spec_model"
    loader_spec = importlib.util.spec_from_file_location(name, SPEC_MODEL_PATH)
    assert loader_spec is not None and loader_spec.loader is not None, SPEC_MODEL_PATH
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    loader_spec.loader.exec_module(module)
    return module


class FieldLike(Protocol):
    """The part of ``spec_model.Field`` the suite reads."""

    name: str
    type: str
    required: bool
    unique: bool
    has_default: bool
    default: Any
    spec: dict[str, Any]

    @property
    def nullable(self) -> bool: ...

    @property
    def optional_on_create(self) -> bool: ...

    @property
    def filterable(self) -> bool: ...

    @property
    def orderable(self) -> bool: ...


def _singular(name: str) -> str:
    """``tags`` -> ``tag``, ``categories`` -> ``category`` (the inverse of ``spec_model.plural``)."""
    for suffix, replacement in (("ies", "y"), ("ses", "s"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    return name.removesuffix("s")


@dataclass(frozen=True)
class Relation:
    """A relationship of a model: ``project`` -> ``project_id``, ``tags`` -> ``tag_ids``."""

    name: str
    kind: str  # "many_to_one" | "many_to_many"
    target: str
    required: bool

    @property
    def key(self) -> str:
        if self.kind == "many_to_one":
            return f"{self.name}_id"
        return f"{_singular(spec_model().snake(self.name))}_ids"


@dataclass(frozen=True)
class Model:
    """One resource of the contract, derived from a spec model."""

    name: str
    path: str  # collection path including the API prefix
    owned: bool
    fields: tuple[FieldLike, ...]
    relations: tuple[Relation, ...]
    public: frozenset[str]  # CRUD operations the spec opens to anonymous callers

    def field(self, name: str) -> FieldLike:
        return next(f for f in self.fields if f.name == name)

    def item(self, object_id: int | str) -> str:
        return f"{self.path}/{object_id}"

    @property
    def required_fields(self) -> list[FieldLike]:
        """Fields a create or a PUT must give."""
        return [f for f in self.fields if not f.optional_on_create]

    @property
    def filters(self) -> list[FieldLike]:
        return [f for f in self.fields if f.filterable]

    @property
    def orderable(self) -> list[FieldLike]:
        return [f for f in self.fields if f.orderable]

    @property
    def uniques(self) -> list[FieldLike]:
        return [f for f in self.fields if f.unique]

    @property
    def response_keys(self) -> set[str]:
        keys = {"id", "created_at", "updated_at", *(f.name for f in self.fields)}
        keys |= {r.key for r in self.relations}
        if self.owned:
            keys.add("owner_id")
        return keys


@dataclass(frozen=True)
class Contract:
    """The contract of one spec."""

    spec: dict[str, Any]
    prefix: str
    auth: bool
    models: tuple[Model, ...]

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Contract:
        sm = spec_model()
        prefix = spec.get("backend_architecture", {}).get("api_prefix", DEFAULT_PREFIX).rstrip("/")
        auth = spec.get("authentication", {}).get("method", "JWT") != "none"
        raw_models: list[Any] = spec.get("database", {}).get("models", [])
        endpoints: list[dict[str, Any]] = spec.get("api_endpoints") or []
        bodies = {m["name"]: m for m in raw_models if isinstance(m, dict)}
        models = []
        for resource in sm.resources(raw_models, auth):
            body = bodies.get(resource.name, {})
            relations = tuple(
                Relation(
                    name=r["name"],
                    kind=r["kind"],
                    target=r["target"],
                    required=r.get("required", True) and r["kind"] == "many_to_one",
                )
                for r in body.get("relationships", [])
            )
            public = frozenset(sm.public_operations(endpoints, prefix, resource)) if auth else frozenset()
            models.append(
                Model(
                    name=resource.name,
                    path=prefix + resource.path,
                    owned=bool(resource.owned),
                    fields=tuple(resource.fields),
                    relations=relations,
                    public=public if auth else frozenset(CRUD_OPERATIONS),
                )
            )
        return cls(spec=spec, prefix=prefix, auth=auth, models=tuple(models))

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)
