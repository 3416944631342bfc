"""Error responses, declared so that the OpenAPI document lists them."""

from typing import Any

from ..schemas.common import Message, ValidationErrorBody

Responses = dict[int | str, dict[str, Any]]

BAD_RESET_TOKEN: Responses = {
    400: {"model": Message, "description": "Invalid, expired or used password reset token"}
}
UNAUTHORIZED: Responses = {401: {"model": Message, "description": "Missing or invalid token"}}
FORBIDDEN: Responses = {403: {"model": Message, "description": "Forbidden"}}
NOT_FOUND: Responses = {404: {"model": Message, "description": "Not found"}}
CONFLICT: Responses = {409: {"model": Message, "description": "A unique field is taken"}}
INVALID: Responses = {422: {"model": ValidationErrorBody, "description": "Validation error"}}
NOT_IMPLEMENTED: Responses = {501: {"model": Message, "description": "Not implemented yet"}}
TOO_MANY: Responses = {429: {"model": Message, "description": "Too many failed logins"}}
BUSY: Responses = {503: {"model": Message, "description": "Too many logins at once"}}
