"""Registration, login (OAuth2 password grant), token refresh and the caller's own account."""

import json
from typing import Any

from flask import Blueprint, Response, request
from pydantic import ValidationError

from ..core.errors import (
    AuthenticationError,
    RequestValidationError,
    TooManyRequestsError,
    validation_error,
)
from ..core.security import InvalidTokenError
from ..extensions import security
from ..schemas.auth import RefreshRequest, TokenPair, TokenRequest, UserCreate, UserResponse
from .deps import accounts, caller_address, current_user
from .openapi import FORM, body, operation, respond

auth = Blueprint("auth", __name__, url_prefix="/auth")
users = Blueprint("users", __name__, url_prefix="/users")


def token_request() -> TokenRequest:
    """The credentials, from an OAuth2 form (RFC 6749 4.3) or from a JSON body."""
    try:
        if request.mimetype == FORM:
            data: Any = request.form.to_dict()
        else:
            data = json.loads(request.get_data())
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested too deep
        raise validation_error(["body"], "Body is neither a form nor JSON", "body_invalid") from exc
    try:
        return TokenRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError.from_pydantic(exc, "body") from exc


@auth.post("/register")
@operation(tags=["auth"], body=UserCreate, response=UserResponse, status=201, errors=[409])
def register() -> Response:
    """Create an account."""
    user = accounts().register(body(UserCreate))
    return respond(UserResponse.model_validate(user), 201)


@auth.post("/token")
@operation(
    tags=["auth"], body=TokenRequest, form=True, response=TokenPair, errors=[401, 422, 429, 503]
)
def token() -> Response:
    """Log in. Past the allowed failures per minute (per account and address, and per address)
    this answers 429; when too many logins are being checked at once, 503."""
    credentials = token_request()
    email, address = credentials.username, caller_address()
    throttle = security.login_throttle
    if (wait := throttle.retry_after(email, address)) is not None:
        raise TooManyRequestsError("Too many failed logins; try again later", wait)
    service = accounts()
    user = service.authenticate(credentials.username, credentials.password)
    if user is None:
        throttle.record_failure(email, address)
        raise AuthenticationError("Incorrect email or password")
    throttle.record_success(email, address)
    return respond(service.issue_pair(user))


@auth.post("/refresh")
@operation(tags=["auth"], body=RefreshRequest, response=TokenPair, errors=[401])
def refresh() -> Response:
    """A new token pair; the refresh token given is spent (rotation)."""
    data = body(RefreshRequest)
    try:
        return respond(accounts().refresh(data.refresh_token))
    except InvalidTokenError as exc:
        raise AuthenticationError("Invalid or expired refresh token") from exc


@users.get("/me")
@operation(tags=["users"], response=UserResponse, secured=True)
def read_me() -> Response:
    """The caller's own account."""
    return respond(UserResponse.model_validate(current_user()))
