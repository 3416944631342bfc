"""What the contract promises for one spec: API prefix, auth, and one resource per model.

Paths, fields and the optional/required rules come from ``extensions/spec_model.py``, loaded by
file path, so the suite derives them by the very rules the templates use.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

SPEC_MODEL_PATH = Path(__file__).resolve().parents[2] / "extensions" / "spec_model.py"
DEFAULT_PREFIX = "/api/v1"
# The methods whose logins give the API's JWT pair (access and refresh token); OAuth2 adds the
# providers' logins (authorize and callback) to the local one.
TOKEN_PAIR_METHODS = ("JWT", "OAuth2")
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


def path_shape(path: str) -> str:
    """A path template without the names of its parameters: ``/items/{id}`` -> ``/items/{}``."""
    return re.sub(r"\{[^}/]*\}", "{}", path.rstrip("/"))


@dataclass(frozen=True)
class Relation:
    """A relationship of a model: ``project`` -> ``project_id``, ``tags`` -> ``tag_ids``."""

    name: str
    kind: str  # "many_to_one" | "many_to_many"
    key: str  # the name in request and response bodies
    source: str  # the model the relation belongs to
    target: str  # a model of the spec, or "User"
    required: bool  # a many-to-one that every create and PUT must give
    on_delete: str  # "cascade" | "set_null" | "protect" (many-to-one only)
    target_owned: bool  # the target is owned by users: only the caller's own may be referred to

    @property
    def many(self) -> bool:
        return self.kind == "many_to_many"

    @property
    def to_self(self) -> bool:
        return self.target == self.source

    @property
    def to_user(self) -> bool:
        return self.target == "User"

    def value(self, *ids: int) -> Any:
        """The JSON value that refers to ``ids``: a list for many-to-many, else the one id (or null)."""
        if self.many:
            return list(ids)
        assert len(ids) <= 1, f"{self.key} refers to one object"
        return ids[0] if ids else None


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
    def required_keys(self) -> list[str]:
        """Body keys a create or a PUT must give: required fields and required many-to-one relations."""
        return [f.name for f in self.required_fields] + [r.key for r in self.relations if r.required]

    @property
    def foreign_keys(self) -> list[Relation]:
        """The many-to-one relations (``x_id``)."""
        return [r for r in self.relations if not r.many]

    def relation(self, key: str) -> Relation:
        return next(r for r in self.relations if r.key == key)

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
    method: str  # authentication.method: "JWT", "OAuth2", "Token" or "none"
    providers: tuple[str, ...]  # authentication.providers: "local", "google", "github"
    models: tuple[Model, ...]
    custom: frozenset[tuple[str, str]]  # (METHOD, path) of the endpoints that are not CRUD: they answer 501

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Contract:
        sm = spec_model()
        prefix = spec.get("backend_architecture", {}).get("api_prefix", DEFAULT_PREFIX).rstrip("/")
        method = spec.get("authentication", {}).get("method", "JWT")
        providers = tuple(spec.get("authentication", {}).get("providers") or ("local",))
        auth = method != "none"
        raw_models: list[Any] = spec.get("database", {}).get("models", [])
        endpoints: list[dict[str, Any]] = spec.get("api_endpoints") or []
        models = []
        for resource in sm.resources(raw_models, auth):
            relations = tuple(
                Relation(
                    name=r.name,
                    kind=r.kind,
                    key=r.field,
                    source=resource.name,
                    target=r.target,
                    required=bool(r.required) and not r.many,
                    on_delete=r.on_delete,
                    target_owned=bool(r.target_owned),
                )
                for r in resource.relations
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
        custom = frozenset(
            (e.method, path_shape(prefix + e.path)) for e in sm.custom_endpoints(endpoints, prefix, raw_models, auth)
        )
        return cls(
            spec=spec,
            prefix=prefix,
            auth=auth,
            method=method,
            providers=providers,
            models=tuple(models),
            custom=custom,
        )

    @property
    def token_pairs(self) -> bool:
        """Whether a login gives the API's JWT pair (JWT and OAuth2), with a refresh endpoint."""
        return self.method in TOKEN_PAIR_METHODS

    @property
    def local(self) -> bool:
        """Whether users have passwords: register, the password login and password reset."""
        return self.auth and "local" in self.providers

    @property
    def oauth_providers(self) -> tuple[str, ...]:
        """The providers a user logs in with through OAuth2 (every one but ``local``); none unless
        the method is OAuth2."""
        return tuple(p for p in self.providers if p != "local") if self.method == "OAuth2" else ()

    def is_custom(self, method: str, path: str) -> bool:
        """Whether ``method path`` (an OpenAPI path template) is an endpoint of the spec that is not CRUD."""
        return (method.upper(), path_shape(path)) in self.custom

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)

    def builds(self, name: str) -> set[str]:
        """The models a new object of ``name`` needs objects of: itself and, down its many-to-one
        references (self references and users aside), every model they lead to."""
        found, todo = {name}, [name]
        while todo:
            for relation in self.model(todo.pop()).foreign_keys:
                if not relation.to_user and not relation.to_self and relation.target not in found:
                    found.add(relation.target)
                    todo.append(relation.target)
        return found
