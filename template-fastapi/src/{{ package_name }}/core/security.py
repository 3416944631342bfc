"""Passwords (Argon2, hashed off the event loop) and JWTs (HS256, algorithm pinned on decode)."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from anyio import to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from .config import Settings

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]


class InvalidTokenError(Exception):
    """Expired, malformed, tampered with, or of the wrong type."""


class Passwords:
    """Argon2 hashing. Each call costs ~0.1-0.5 s of CPU, so it runs in a worker thread."""

    def __init__(self, settings: Settings) -> None:
        hasher = Argon2Hasher(
            time_cost=settings.password_hash_time_cost,
            memory_cost=settings.password_hash_memory_cost,
        )
        self._context = PasswordHash((hasher,))
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await to_thread.run_sync(self._context.hash, password)

    async def verify(self, password: str, hashed: str | None) -> bool:
        """Check a password; with no hash (unknown user) spend the same time and fail."""
        if hashed is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash(secrets.token_urlsafe(16))
            await to_thread.run_sync(self._context.verify, password, self._dummy_hash)
            return False
        return await to_thread.run_sync(self._context.verify, password, hashed)


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    token_type: TokenType
    jti: str
    expires_at: datetime


class Tokens:
    """Issues and checks the access and refresh JWTs."""

    def __init__(self, settings: Settings) -> None:
        self._key = settings.secret_key.get_secret_value()
        self._lifetimes: dict[TokenType, timedelta] = {
            "access": timedelta(minutes=settings.access_token_minutes),
            "refresh": timedelta(days=settings.refresh_token_days),
        }

    @property
    def access_lifetime(self) -> timedelta:
        return self._lifetimes["access"]

    def issue(self, user_id: int, token_type: TokenType) -> tuple[str, TokenClaims]:
        now = datetime.now(UTC)
        claims = TokenClaims(
            user_id=user_id,
            token_type=token_type,
            jti=uuid.uuid4().hex,
            expires_at=now + self._lifetimes[token_type],
        )
        payload = {
            "sub": str(user_id),
            "type": token_type,
            "jti": claims.jti,
            "iat": now,
            "exp": claims.expires_at,
        }
        return jwt.encode(payload, self._key, algorithm=ALGORITHM), claims

    def decode(self, token: str, expected_type: TokenType) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "sub", "type", "jti"]},
            )
            claims = TokenClaims(
                user_id=int(payload["sub"]),
                token_type=payload["type"],
                jti=str(payload["jti"]),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            )
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise InvalidTokenError(str(exc)) from exc
        if claims.token_type != expected_type:
            msg = f"expected a {expected_type} token"
            raise InvalidTokenError(msg)
        return claims
