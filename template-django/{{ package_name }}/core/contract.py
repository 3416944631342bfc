"""Where Django REST Framework's defaults are adapted to the API contract every backend of this
template family keeps (the same as the FastAPI one). Each adaptation is named here, once:

* Errors: every error body is `{"detail": "message"}`; validation errors (DRF: 400 with a dict
  per field) are 422 with `{"detail": [{"loc": ["body", "field"], "msg", "type"}]}`; a body
  that is not JSON (DRF: 400 ParseError), or JSON nested too deeply for Python's parser (a
  RecursionError, i.e. 500; see `core/parsers.py`) is a 422 at `["body"]`; a body over MAX_BODY_BYTES (Django:
  RequestDataTooBig, i.e. 500) is a 413 (see also `core/http.py`); unique fields taken and
  protected deletes (DRF: IntegrityError, ProtectedError, i.e. 500) are 409; every 401 carries
  `WWW-Authenticate: Bearer`; an unexpected error is a bare 500 with no traceback.
* Lists: the envelope `{"items", "total", "limit", "offset"}` with `limit` 1..100 (default 20)
  and `offset` >= 0 (DRF: `{"count", "next", "previous", "results"}`); `order_by=field` or
  `-field` (DRF: `ordering`), 422 on an unknown field; exact-match filters `?field=value`, 422
  on a value that does not parse.
* Unknown paths and the server's own errors are JSON too (Django: HTML pages).
* 401: the challenge is a plain `WWW-Authenticate: Bearer` (simplejwt: `Bearer realm="api"`).
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .fields import StrictIntegerField
from .hash_slots import HashingBusyError

logger = logging.getLogger(__name__)
DATABASE_RETRY_AFTER = 5  # seconds, when the database does not answer

BEARER_CHALLENGE = "Bearer"
DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET = 20, 100, 2**31 - 1


# --- Errors ------------------------------------------------------------------------------------


class BadRequest(exceptions.APIException):
    """A request the API understood but cannot act on (DRF's ParseError is a 422 here)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Bad request."
    default_code = "bad_request"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflicts with an existing object (a unique field is taken)."
    default_code = "conflict"


class Unauthorized(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Not authenticated."
    default_code = "not_authenticated"


class NotImplementedYet(exceptions.APIException):
    status_code = status.HTTP_501_NOT_IMPLEMENTED
    default_detail = "Not implemented"
    default_code = "not_implemented"


class RequestValidationError(exceptions.ValidationError):
    """A 422 located in the request: `where` is "body", "query" or "path"."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, detail: Any, where: str = "body") -> None:
        super().__init__(detail)
        self.where = where


def validation_items(detail: Any, loc: Sequence[str | int]) -> list[dict[str, Any]]:
    """DRF's nested errors (dicts and lists) as the contract's `loc`/`msg`/`type` items."""
    if isinstance(detail, Mapping):
        items = []
        for key, value in detail.items():
            inner = loc if key == api_settings.NON_FIELD_ERRORS_KEY else [*loc, key]
            items += validation_items(value, inner)
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            items += validation_items(value, loc if isinstance(value, str) else [*loc, index])
        return items
    return [{"loc": list(loc), "msg": str(detail), "type": getattr(detail, "code", "invalid")}]


def _message(detail: Any) -> str:
    if isinstance(detail, Mapping):  # simplejwt's {"detail", "code", "messages"}
        return str(detail.get("detail") or next(iter(detail.values()), ""))
    if isinstance(detail, list):
        return " ".join(str(item) for item in detail)
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's `EXCEPTION_HANDLER`: every error in the contract's shape."""
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "Request body too large"}, status=413)
    if isinstance(exc, exceptions.ParseError):
        detail = [{"loc": ["body"], "msg": str(exc.detail), "type": "json_invalid"}]
        return Response({"detail": detail}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, exceptions.ValidationError):
        where = getattr(exc, "where", "body")
        detail = validation_items(exc.detail, [where]) or [
            {"loc": [where], "msg": "Invalid input.", "type": "invalid"}
        ]
        return Response({"detail": detail}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, HashingBusyError):
        headers = {"Retry-After": str(exc.retry_after)}
        return Response({"detail": str(exc)}, status=503, headers=headers)
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database could not be reached or cut the connection: the client may retry.
        logger.warning("database unavailable: %s", exc)
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
        unavailable = {"detail": "The database is unavailable; try again shortly"}
        return Response(unavailable, status=503, headers=headers)
    if isinstance(exc, ProtectedError):
        exc = Conflict("Still referred to by other objects; delete those first.")
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.exception("unhandled error in %s", type(view).__name__, exc_info=exc)
        return Response({"detail": "Internal server error"}, status=500)
    response.data = {"detail": _message(response.data.get("detail", response.data))}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


@csrf_exempt  # a PUT to an unknown path is a 404, not a CSRF failure (the API uses no cookies)
def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Unknown paths (the last URL pattern, and Django's `handler404`)."""
    return JsonResponse({"detail": "Not Found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Django's `handler500`: never a traceback, never HTML."""
    return JsonResponse({"detail": "Internal server error"}, status=500)


# --- Schema components of the errors -----------------------------------------------------------


class MessageSerializer(serializers.Serializer[Any]):
    """The body of every error but 422."""

    detail = serializers.CharField()


@extend_schema_field({"anyOf": [{"type": "string"}, {"type": "integer"}]})
class LocPart(serializers.Field[Any, Any, Any, Any]):
    """A field name, or the index of an item in a list."""


class ValidationErrorItemSerializer(serializers.Serializer[Any]):
    loc = serializers.ListField(child=LocPart())
    msg = serializers.CharField()
    type = serializers.CharField()


class ValidationErrorBodySerializer(serializers.Serializer[Any]):
    """The body of a 422."""

    detail = ValidationErrorItemSerializer(many=True)


ERRORS: dict[int, Any] = {
    400: MessageSerializer,
    401: MessageSerializer,
    404: MessageSerializer,
    409: MessageSerializer,
    422: ValidationErrorBodySerializer,
    429: MessageSerializer,
    501: MessageSerializer,
    503: MessageSerializer,
}


def responses(ok: Mapping[int, Any], *errors: int) -> dict[int, Any]:
    """The documented responses of an operation: its success and the errors it can answer."""
    return {**ok, **{code: ERRORS[code] for code in errors}}


# --- Lists: pagination, ordering, filters ---------------------------------------------------------


def _query_value(request: Request, name: str, field: serializers.Field[Any, Any, Any, Any]) -> Any:
    try:
        return field.run_validation(request.query_params[name])
    except exceptions.ValidationError as exc:
        raise RequestValidationError({name: exc.detail}, where="query") from exc


class ContractPagination(BasePagination):
    """`?limit=&offset=` and the envelope `{"items", "total", "limit", "offset"}`."""

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.limit = DEFAULT_LIMIT
        self.offset = 0
        if "limit" in request.query_params:
            limit_field = StrictIntegerField(min_value=1, max_value=MAX_LIMIT)
            self.limit = _query_value(request, "limit", limit_field)
        if "offset" in request.query_params:
            offset_field = StrictIntegerField(min_value=0, max_value=MAX_OFFSET)
            self.offset = _query_value(request, "offset", offset_field)
        self.total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"items": data, "total": self.total, "limit": self.limit, "offset": self.offset}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": schema,
                "total": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
            },
            {
                "name": "offset",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            },
        ]


class OrderBy(BaseFilterBackend):
    """`?order_by=field` or `-field` over the view's `order_fields`; ties go by id."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        order_by = request.query_params.get("order_by", "id")
        if order_by not in _order_keys(view):
            detail = {"order_by": [f"Unknown field; one of: {', '.join(_order_keys(view))}"]}
            raise RequestValidationError(detail, where="query")
        return queryset.order_by(order_by, "id")

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        schema = {"type": "string", "enum": _order_keys(view), "default": "id"}
        return [{"name": "order_by", "in": "query", "required": False, "schema": schema}]


def _order_keys(view: APIView) -> list[str]:
    fields: Sequence[str] = getattr(view, "order_fields", ("id",))
    return [key for name in fields for key in (name, f"-{name}")]


class ExactFilters(BaseFilterBackend):
    """`?field=value` for each entry of the view's `filter_fields` (name -> the serializer field
    that parses the query value)."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        fields: Mapping[str, Any] = getattr(view, "filter_fields", {})
        lookups = {
            name: _query_value(request, name, field)
            for name, field in fields.items()
            if name in request.query_params
        }
        return queryset.filter(**lookups)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        fields: Mapping[str, Any] = getattr(view, "filter_fields", {})
        return [
            {"name": name, "in": "query", "required": False, "schema": _query_schema(field)}
            for name, field in fields.items()
        ]


def _query_schema(field: Any) -> dict[str, Any]:
    if isinstance(field, serializers.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, serializers.ChoiceField):
        return {"type": "string", "enum": list(field.choices)}
    schema: dict[str, Any] = {"type": "integer"}
    if getattr(field, "min_value", None) is not None:
        schema["minimum"] = field.min_value
    if getattr(field, "max_value", None) is not None:
        schema["maximum"] = field.max_value
    return schema


def owned_by(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The objects of `user` only (none for an anonymous caller)."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(owner=user)
