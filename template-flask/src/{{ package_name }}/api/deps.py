"""What the views need from the request: the account service, the outbox, the caller and its
address."""

from flask import current_app, request

from ..core.client_address import client_address
from ..core.config import Settings
from ..core.errors import AuthenticationError
from ..core.security import InvalidTokenError
from ..extensions import db, security
from ..models.user import User
from ..services.accounts import AccountService
from ..services.tasks import Outbox


def accounts() -> AccountService:
    return AccountService(db.session, security.passwords, security.tokens)


def outbox() -> Outbox:
    return Outbox(security.mailer)


def caller_address() -> str:
    """The caller's address; X-Forwarded-For counts only from TRUSTED_PROXIES."""
    settings: Settings = current_app.config["SETTINGS"]
    forwarded_for = ", ".join(request.headers.getlist("X-Forwarded-For"))
    peer = request.remote_addr or ""
    return client_address(peer, forwarded_for, settings.trusted_proxy_networks)


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def current_user() -> User:
    """The caller, from a valid access token; anything else is a 401."""
    token = bearer_token()
    if token is None:
        raise AuthenticationError
    try:
        claims = security.tokens.decode(token, "access")
    except InvalidTokenError as exc:
        raise AuthenticationError("Invalid or expired token") from exc
    user = accounts().active_user(claims.user_id)
    if user is None:
        raise AuthenticationError("Invalid or expired token")
    return user


def optional_user() -> User | None:
    """The caller when a token is given (a bad one is still a 401), None for anonymous calls."""
    return current_user() if bearer_token() else None
