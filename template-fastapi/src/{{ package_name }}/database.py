"""The async engine, its sessions and the request-scoped session dependency."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from .core.config import Settings
from .core.migrations import is_at_head


class Database:
    """One engine per application, with explicit pool settings."""

    def __init__(self, settings: Settings) -> None:
        options: dict[str, Any] = {"echo": settings.db_echo, "pool_pre_ping": True}
        if not settings.is_sqlite:
            options |= {
                "pool_size": settings.db_pool_size,
                "max_overflow": settings.db_max_overflow,
                "pool_timeout": settings.db_pool_timeout,
            }
        self.engine: AsyncEngine = create_async_engine(settings.async_database_url, **options)
        if settings.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    async def is_at_head(self) -> bool:
        """The database answers and has every migration of the code applied."""
        async with self.engine.connect() as connection:
            return await connection.run_sync(is_at_head)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session per request; whatever was not committed is rolled back, on error too."""
    database: Database = request.app.state.database
    async with database.sessionmaker() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session)]
