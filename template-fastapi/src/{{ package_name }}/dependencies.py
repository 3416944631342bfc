"""Request dependencies: the services, built from what the application holds in `app.state`."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from .core.client_address import client_address
from .core.config import API_PREFIX, Settings
from .core.security import InvalidTokenError
from .core.throttle import LoginThrottle
from .database import SessionDep
from .models.user import User
from .services.accounts import AccountService


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def get_accounts(request: Request, session: SessionDep) -> AccountService:
    return AccountService(session, request.app.state.passwords, request.app.state.tokens)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ThrottleDep = Annotated[LoginThrottle, Depends(get_throttle)]
AccountsDep = Annotated[AccountService, Depends(get_accounts)]


def get_client_address(request: Request, settings: SettingsDep) -> str:
    """The caller's address; X-Forwarded-For counts only from TRUSTED_PROXIES."""
    peer = request.client.host if request.client else ""
    forwarded_for = ", ".join(request.headers.getlist("x-forwarded-for"))
    return client_address(peer, forwarded_for, settings.trusted_proxy_networks)


ClientAddressDep = Annotated[str, Depends(get_client_address)]

# `auto_error=False`: a missing token is answered below, as a 401 like any other bad token.
bearer = OAuth2PasswordBearer(tokenUrl=f"{API_PREFIX}/auth/token", auto_error=False)


def unauthorized(detail: str = "Not authenticated") -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def current_user(
    request: Request, accounts: AccountsDep, token: Annotated[str | None, Depends(bearer)]
) -> User:
    if not token:
        raise unauthorized()
    try:
        claims = request.app.state.tokens.decode(token, "access")
    except InvalidTokenError as exc:
        raise unauthorized("Invalid or expired token") from exc
    user = await accounts.active_user(claims.user_id)
    if user is None:
        raise unauthorized("Invalid or expired token")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def optional_user(
    request: Request, accounts: AccountsDep, token: Annotated[str | None, Depends(bearer)]
) -> User | None:
    """The caller when a token is given (a bad one is still a 401), None for anonymous calls."""
    return await current_user(request, accounts, token) if token else None


OptionalUser = Annotated[User | None, Depends(optional_user)]
