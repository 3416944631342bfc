"""Registration, login (OAuth2 password grant), token refresh, password reset and the caller's
own account."""

import json
from typing import Any

from flask import Blueprint, Response, current_app, request
from pydantic import ValidationError

from ..core.config import Settings
from ..core.errors import (
    AuthenticationError,
    RequestValidationError,
    TooManyRequestsError,
    message,
    validation_error,
)
from ..core.security import InvalidTokenError
from ..extensions import security
from ..schemas.auth import (
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    TokenPair,
    TokenRequest,
    UserCreate,
    UserResponse,
)
from ..schemas.common import Message
from ..services import emails
from .deps import accounts, caller_address, current_user, outbox
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
    """Create an account; a welcome mail goes out after it."""
    user = accounts().register(body(UserCreate))
    outbox().send(emails.welcome(user.email, user.full_name))
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


@auth.post("/password-reset")
@operation(tags=["auth"], body=PasswordResetRequest, response=Message, status=202)
def request_password_reset() -> Response:
    """Mail a single-use reset token to the account, if there is one: the answer is the same
    either way, so that it tells nobody which emails have accounts."""
    data = body(PasswordResetRequest)
    found = accounts().password_reset_token(data.email)
    if found is not None:
        user, token = found
        settings: Settings = current_app.config["SETTINGS"]
        mail = emails.password_reset(user.email, token, settings.password_reset_minutes)
        outbox().send(mail)
    detail = "If the account exists, a password reset mail is on its way"
    return respond(Message(detail=detail), 202)


@auth.post("/password-reset/confirm")
@operation(tags=["auth"], body=PasswordResetConfirm, status=204, errors=[400])
def confirm_password_reset() -> Response:
    """Set a new password with the token of the reset mail; every refresh token is revoked."""
    data = body(PasswordResetConfirm)
    try:
        accounts().reset_password(data.token, data.new_password)
    except InvalidTokenError:
        return message(400, "Invalid or expired password reset token")
    return Response(status=204)


@users.get("/me")
@operation(tags=["users"], response=UserResponse, secured=True)
def read_me() -> Response:
    """The caller's own account."""
    return respond(UserResponse.model_validate(current_user()))
