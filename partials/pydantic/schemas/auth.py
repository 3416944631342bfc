"""Accounts and tokens."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from .common import RequestModel

Password = Annotated[str, Field(min_length=8, max_length=128)]


class UserCreate(RequestModel):
    email: EmailStr
    password: Password
    full_name: Annotated[str | None, StringConstraints(max_length=255)] = None


class UserResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str | None
    is_active: bool
    created_at: datetime


class TokenRequest(RequestModel):
    """OAuth2 password grant: `username` is the email."""

    username: Annotated[str, Field(min_length=1, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=128)]


class RefreshRequest(RequestModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=2048)]


class PasswordResetRequest(RequestModel):
    email: EmailStr


class PasswordResetConfirm(RequestModel):
    token: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: Password


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - not a secret
    expires_in: int = Field(description="Lifetime of the access token, in seconds")
