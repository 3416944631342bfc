"""JWT pairs with simplejwt: a refresh token works once (rotation), and a reused one revokes
every refresh token of its user, so a thief's copy dies with the owner's."""

from typing import Any

from django.db import transaction
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from .models import User


class InvalidRefreshTokenError(Exception):
    """Expired, malformed, tampered with, not a refresh token, reused, or of an inactive user."""


def issue_pair(user: User) -> dict[str, Any]:
    refresh = RefreshToken.for_user(user)
    return {
        "access_token": str(refresh.access_token),
        "refresh_token": str(refresh),
        "token_type": "bearer",
        "expires_in": int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
    }


def rotate(raw: str) -> dict[str, Any]:
    """A new pair for a refresh token that was never used before; the token is spent.

    One transaction spends the token and issues the new pair. The token's row is locked first
    (`select_for_update`; SQLite takes its write lock at the start of the transaction, see
    `transaction_mode` in the settings), so of concurrent refreshes with one token exactly one
    finds it unspent; the others wait until that one has committed its new pair, then see a
    reuse, which revokes every refresh token of the user, the new pair included.
    """
    encoded: Any = raw  # simplejwt annotates encoded tokens as its Token class
    try:
        claims = token_backend.decode(encoded, verify=True)  # signature, algorithm and expiry
    except TokenBackendError as exc:
        raise InvalidRefreshTokenError(str(exc)) from exc
    if claims.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh":
        msg = "not a refresh token"
        raise InvalidRefreshTokenError(msg)
    with transaction.atomic():
        # No ordering: OutstandingToken's orders by user, an outer join PostgreSQL cannot lock.
        tokens = OutstandingToken.objects.select_for_update().order_by()
        outstanding = tokens.filter(jti=claims.get("jti")).first()
        if outstanding is None or outstanding.user is None:
            msg = "unknown refresh token"
            raise InvalidRefreshTokenError(msg)
        _, first_use = BlacklistedToken.objects.get_or_create(token=outstanding)
        user = User.objects.get(pk=outstanding.user.pk)
        if first_use and user.is_active:
            return issue_pair(user)
    if not first_use:
        revoke_all(user)
        msg = "refresh token reused"
        raise InvalidRefreshTokenError(msg)
    msg = "inactive user"
    raise InvalidRefreshTokenError(msg)


def revoke_all(user: User) -> None:
    for token in OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True):
        BlacklistedToken.objects.get_or_create(token=token)
