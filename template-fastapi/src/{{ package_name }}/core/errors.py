"""Errors of the domain and the handlers that turn every error into the contract's JSON shape.

FastAPI already answers unknown paths (404) and wrong methods (405) with `{"detail": ...}`;
the handlers here adapt the rest: 422 bodies keep only `loc`, `msg` and `type` (never the
rejected input, which may be a password), a body FastAPI cannot even decode (its 400) is a 422
like any other malformed body, and an unexpected error is a bare 500 with no traceback.
"""

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

logger = logging.getLogger(__name__)


class NotFoundError(Exception):
    """The object does not exist, or belongs to somebody else (existence is not leaked)."""


class ConflictError(Exception):
    """The change would break a uniqueness rule, or delete an object others still refer to."""


class InvalidReferenceError(Exception):
    """A request body refers by id to an object that does not exist (or is somebody else's)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} refers to an object that does not exist")
        self.field = field


def validation_error(loc: Sequence[str | int], msg: str, error_type: str) -> RequestValidationError:
    """A 422 raised by hand, in the same shape as FastAPI's own."""
    return RequestValidationError([{"loc": tuple(loc), "msg": msg, "type": error_type}])


def body_validation_error(exc: ValidationError) -> RequestValidationError:
    """A pydantic error on a body parsed by hand, located under `body` as FastAPI does."""
    errors = exc.errors(include_input=False)
    return RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in errors])


def _error_items(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]} for error in errors
    ]


async def _validation_handler(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": _error_items(exc.errors())}, status_code=422)


async def _http_handler(request: Request, exc: HTTPException) -> Response:
    # FastAPI's only 400 is a body it could not decode (not UTF-8, say): the contract makes
    # every malformed body a 422 located at "body".
    if exc.status_code == 400:
        detail = [{"loc": ["body"], "msg": str(exc.detail), "type": "body_invalid"}]
        return JSONResponse({"detail": detail}, status_code=422)
    return await http_exception_handler(request, exc)


async def _not_found_handler(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc) or "Not found"}, status_code=404)


async def _invalid_reference_handler(_request: Request, exc: InvalidReferenceError) -> JSONResponse:
    detail = [{"loc": ["body", exc.field], "msg": str(exc), "type": "reference_not_found"}]
    return JSONResponse({"detail": detail}, status_code=422)


async def _conflict_handler(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc) or "Conflict"}, status_code=409)


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


def register_error_handlers(app: FastAPI) -> None:
    app.exception_handler(RequestValidationError)(_validation_handler)
    app.exception_handler(HTTPException)(_http_handler)
    app.exception_handler(InvalidReferenceError)(_invalid_reference_handler)
    app.add_exception_handler(NotFoundError, _not_found_handler)
    app.add_exception_handler(ConflictError, _conflict_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
