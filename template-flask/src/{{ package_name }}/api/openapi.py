"""Request validation with Pydantic, and the OpenAPI document built from the same declarations.

A view says what it takes and gives with `@operation(...)` and validates its input with `body()`,
`query()` and `object_id()`; `/openapi.json` is generated from those declarations and the URL
map, with the schemas Pydantic derives from the models, so the document cannot drift from the
code.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from flask import Flask, Response, request
from pydantic import BaseModel, Field, ValidationError
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from ..core.errors import RequestValidationError, validation_error
from ..schemas.common import Message, ValidationErrorBody

ModelT = TypeVar("ModelT", bound=BaseModel)
ViewT = TypeVar("ViewT", bound=Callable[..., Any])

# Ids and integer columns are 32-bit in every database: a wider value is a 422, never a
# database error.
MAX_ID = 2**31 - 1
IdFilter = Annotated[int | None, Field(ge=1, le=MAX_ID)]
IntFilter = Annotated[int | None, Field(ge=-(2**31), le=MAX_ID)]
FORM = "application/x-www-form-urlencoded"
BEARER = "OAuth2PasswordBearer"
ERRORS = {
    400: "Invalid, expired or used password reset token",
    401: "Missing or invalid token",
    404: "Not found",
    409: "A unique field is taken, or the object is still referred to",
    422: "Validation error",
    429: "Too many failed logins",
    501: "Not implemented yet",
    503: "Database unreachable, or too many logins at once",
}


@dataclass(frozen=True)
class Operation:
    """What a view takes and gives, as `/openapi.json` describes it."""

    tags: tuple[str, ...]
    summary: str
    body: type[BaseModel] | None
    form: bool  # the body may also be a form (the OAuth2 token endpoint)
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]
    secured: bool


def operation(
    *,
    tags: Iterable[str],
    body: type[BaseModel] | None = None,
    form: bool = False,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    errors: Iterable[int] = (),
    secured: bool = False,
) -> Callable[[ViewT], ViewT]:
    """Declare a view's request and response models (for the OpenAPI document)."""

    def decorate(view: ViewT) -> ViewT:
        summary = (view.__doc__ or view.__name__.replace("_", " ").capitalize()).strip()
        view.openapi = Operation(  # type: ignore[attr-defined]
            tuple(tags),
            summary.splitlines()[0],
            body,
            form,
            query,
            response,
            status,
            tuple(errors),
            secured,
        )
        return view

    return decorate


def body(model: type[ModelT]) -> ModelT:
    """The JSON body, validated; a malformed or invalid one is a 422 located at `body`."""
    try:
        return model.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise RequestValidationError.from_pydantic(exc, "body") from exc


def query(model: type[ModelT]) -> ModelT:
    """The query string, validated (first value of each parameter); errors located at `query`."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise RequestValidationError.from_pydantic(exc, "query") from exc


def object_id(name: str, value: str) -> int:
    """An id from the path: 1 to 2**31 - 1, or a 422 located at the path parameter."""
    if re.fullmatch(r"[0-9]{1,10}", value) and 1 <= int(value) <= MAX_ID:
        return int(value)
    msg = f"Input should be an integer from 1 to {MAX_ID}"
    raise validation_error(["path", name], msg, "int_parsing")


def respond(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A model as JSON (Pydantic's serialisation: decimals as strings, datetimes in ISO 8601)."""
    return Response(model.model_dump_json(), status, headers, mimetype="application/json")


# --- The document -------------------------------------------------------------------------

_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi_document(app: Flask, title: str, version: str, token_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every view declared with `@operation`."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        declared: Operation | None = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if declared is not None:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                routes.append((rule.rule, method.lower(), rule.endpoint, declared))
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (Message, "serialization"),
        (ValidationErrorBody, "serialization"),
    ]
    for *_, declared in routes:
        models += [(m, "validation") for m in (declared.body, declared.query) if m is not None]
        models += [(declared.response, "serialization")] if declared.response else []
    refs, definitions = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = definitions.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for rule_path, method, endpoint, declared in routes:
        path = _ARGUMENT.sub(r"{\1}", rule_path)
        operation_id = f"{method}_{endpoint}".replace(".", "_")
        paths.setdefault(path, {})[method] = _operation(path, operation_id, declared, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                BEARER: {
                    "type": "oauth2",
                    "flows": {"password": {"tokenUrl": token_url, "scopes": {}}},
                }
            },
        },
    }


def _operation(
    path: str,
    operation_id: str,
    declared: Operation,
    refs: dict[Any, Any],
    schemas: dict[str, Any],
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for name in re.findall(r"{([^}]+)}", path):
        schema = (
            {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if name.endswith("id")
            else {"type": "string"}
        )
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if declared.query is not None:
        ref = refs[declared.query, "validation"]["$ref"].rsplit("/", 1)[1]
        query_schema = schemas.pop(ref)
        required = set(query_schema.get("required", []))
        for name, schema in query_schema.get("properties", {}).items():
            parameters.append(
                {"name": name, "in": "query", "required": name in required, "schema": schema}
            )
    result: dict[str, Any] = {
        "tags": list(declared.tags),
        "summary": declared.summary,
        "operationId": operation_id,
    }
    if parameters:
        result["parameters"] = parameters
    if declared.body is not None:
        schema = refs[declared.body, "validation"]
        content = {"application/json": {"schema": schema}}
        if declared.form:
            content = {FORM: {"schema": schema}} | content
        result["requestBody"] = {"required": True, "content": content}
    responses: dict[str, Any] = {}
    if declared.response is not None:
        schema = refs[declared.response, "serialization"]
        responses[str(declared.status)] = {
            "description": "Successful response",
            "content": {"application/json": {"schema": schema}},
        }
    else:
        responses[str(declared.status)] = {"description": "No content"}
    errors = set(declared.errors)
    if parameters or declared.body is not None:
        errors.add(422)
    if declared.secured:
        errors.add(401)
        result["security"] = [{BEARER: []}]
    for status in sorted(errors):
        model = ValidationErrorBody if status == 422 else Message
        responses[str(status)] = {
            "description": ERRORS[status],
            "content": {"application/json": {"schema": refs[model, "serialization"]}},
        }
    result["responses"] = responses
    return result
