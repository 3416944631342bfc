"""The engine and the request's session: `db.session` is opened on first use in an application
context and closed when that context ends (whatever was not committed is rolled back)."""

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from .core.config import Settings
from .core.migrations import is_at_head


@dataclass
class _State:
    engine: Engine
    sessionmaker: sessionmaker[Session]


def create_database_engine(settings: Settings) -> Engine:
    """One engine per application, with explicit pool settings."""
    options: dict[str, Any] = {"echo": settings.db_echo, "pool_pre_ping": True}
    if not settings.is_sqlite:
        options |= {
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout,
        }
    engine = create_engine(settings.sqlalchemy_database_url, **options)
    if settings.is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """A Flask extension: `init_app` binds an engine to the application."""

    def init_app(self, app: Flask, settings: Settings) -> None:
        engine = create_database_engine(settings)
        app.extensions["database"] = _State(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        return self._state().engine

    @property
    def session(self) -> Session:
        """The session of the current application context (one per request)."""
        if "db_session" not in g:
            g.db_session = self._state().sessionmaker()
        session: Session = g.db_session
        return session

    def is_at_head(self) -> bool:
        """The database answers and has every migration of the code applied."""
        with self.engine.connect() as connection:
            return is_at_head(connection)

    def dispose(self) -> None:
        self.engine.dispose()

    @staticmethod
    def _state() -> _State:
        state: _State = current_app.extensions["database"]
        return state

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            # A connection the database cut cannot be given back cleanly (the pool drops it);
            # the request has had its answer.
            with suppress(DBAPIError):
                session.close()
