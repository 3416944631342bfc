"""Registration, login and the refresh-token rotation."""

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..core.errors import ConflictError
from ..core.security import InvalidTokenError, Passwords, Tokens
from ..models.user import RefreshToken, User
from ..schemas.auth import TokenPair, UserCreate


class AccountService:
    def __init__(self, session: AsyncSession, passwords: Passwords, tokens: Tokens) -> None:
        self.session = session
        self.passwords = passwords
        self.tokens = tokens

    async def register(self, data: UserCreate) -> User:
        email = data.email.lower()
        if await self.session.scalar(select(User.id).where(User.email == email)) is not None:
            msg = "A user with this email already exists"
            raise ConflictError(msg)
        user = User(
            email=email,
            hashed_password=await self.passwords.hash(data.password),
            full_name=data.full_name,
        )
        self.session.add(user)
        try:
            await self.session.commit()
        except IntegrityError as exc:  # registered concurrently
            await self.session.rollback()
            msg = "A user with this email already exists"
            raise ConflictError(msg) from exc
        return user

    async def authenticate(self, email: str, password: str) -> User | None:
        """The active user with these credentials, or None."""
        user = await self.session.scalar(select(User).where(User.email == email.lower()))
        valid = await self.passwords.verify(password, user.hashed_password if user else None)
        return user if valid and user is not None and user.is_active else None

    async def active_user(self, user_id: int) -> User | None:
        user = await self.session.get(User, user_id)
        return user if user is not None and user.is_active else None

    async def issue_pair(self, user: User) -> TokenPair:
        access, _ = self.tokens.issue(user.id, "access")
        refresh, claims = self.tokens.issue(user.id, "refresh")
        stored = RefreshToken(jti=claims.jti, user_id=user.id, expires_at=claims.expires_at)
        self.session.add(stored)
        await self.session.commit()
        return TokenPair(
            access_token=access,
            refresh_token=refresh,
            expires_in=int(self.tokens.access_lifetime.total_seconds()),
        )

    async def refresh(self, token: str) -> TokenPair:
        """A new pair for a refresh token that was never used before.

        A token presented twice is a sign of theft: every refresh token of that user is then
        revoked, so the thief's copy dies with the owner's.
        """
        claims = self.tokens.decode(token, "refresh")
        now = datetime.now(UTC)
        statement = select(RefreshToken).where(RefreshToken.jti == claims.jti)
        stored = await self.session.scalar(statement)
        if stored is None or stored.expires_at <= now:
            msg = "unknown or expired refresh token"
            raise InvalidTokenError(msg)
        if stored.used_at is not None:
            await self.session.execute(
                update(RefreshToken)
                .where(RefreshToken.user_id == stored.user_id, RefreshToken.used_at.is_(None))
                .values(used_at=now)
            )
            await self.session.commit()
            msg = "refresh token reused"
            raise InvalidTokenError(msg)
        user = await self.active_user(stored.user_id)
        if user is None:
            msg = "inactive user"
            raise InvalidTokenError(msg)
        stored.used_at = now
        return await self.issue_pair(user)
