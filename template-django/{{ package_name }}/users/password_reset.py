"""Password reset tokens: Django's `default_token_generator` token with the user's id in front,
`<id in base64url>.<token>` ('.' is not a base64url character).

A token works once, since it is a hash of the password hash (and of the last login) that a reset
changes, and for PASSWORD_RESET_TIMEOUT seconds.
"""

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from ..core.fields import MAX_ID
from .models import User
from .tokens import revoke_all


class InvalidResetTokenError(Exception):
    """Malformed, tampered with, expired, already used, or of an unknown or inactive user."""


def make_token(user: User) -> str:
    """The token of a password reset mail for `user`."""
    user_id = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{user_id}.{default_token_generator.make_token(user)}"


def _user_id(encoded: str) -> int | None:
    try:
        text = urlsafe_base64_decode(encoded).decode("ascii")
    except ValueError:  # not base64, or not ASCII
        return None
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def reset_password(token: str, new_password: str) -> User:
    """Set the password of the token's user, then revoke every refresh token of theirs.

    The user's row is locked while the token is checked and spent, so of two requests with one
    token exactly one changes the password.
    """
    encoded_id, _, secret = token.partition(".")
    user_id = _user_id(encoded_id)
    if user_id is None or not secret:
        raise InvalidResetTokenError
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not default_token_generator.check_token(user, secret):
            raise InvalidResetTokenError
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoke_all(user)
    return user
