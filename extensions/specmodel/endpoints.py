"""``api_endpoints``: which entries are CRUD operations of a model, and the others, rendered as
typed handlers answering 501."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .model import Resource, resources

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
