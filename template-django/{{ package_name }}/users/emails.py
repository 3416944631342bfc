"""The mails an account gets, word for word the same in every backend of this template family."""

from typing import NamedTuple

from django.conf import settings
from django.urls import reverse

from .models import User


class Mail(NamedTuple):
    subject: str
    body: str


def welcome_mail(user: User) -> Mail:
    """Sent once the account is registered."""
    return Mail(
        subject=f"Welcome to {settings.PROJECT_NAME}",
        body=(
            f"Hello {user.full_name or user.email},\n"
            "\n"
            f"your {settings.PROJECT_NAME} account {user.email} is ready.\n"
        ),
    )


def password_reset_mail(user: User, token: str) -> Mail:
    """The token that sets a new password, for as long as PASSWORD_RESET_TIMEOUT says."""
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    return Mail(
        subject=f"Reset your {settings.PROJECT_NAME} password",
        body=(
            f"Someone asked to reset the password of {user.email} on {settings.PROJECT_NAME}.\n"
            "If it was you, send this token with your new password to\n"
            f"POST {reverse('password-reset-confirm')}:\n"
            "\n"
            f"{token}\n"
            "\n"
            f"The token works once and expires in {minutes} minutes.\n"
            "If it was not you, ignore this mail: your password stays as it is.\n"
        ),
    )
