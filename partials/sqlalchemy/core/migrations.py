"""The project's Alembic migrations as the application sees them: whether a database is at the
head of `migrations/versions` (for /health/ready), and how autogenerate writes the project's own
column types into a new revision."""

from functools import cache
from pathlib import Path
from typing import Any, Literal

from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

PACKAGE = __name__.partition(".")[0]
BEHIND = "the database is behind the code's migrations: apply them (make migrate)"


def alembic_ini() -> Path:
    """alembic.ini in the project's root: the working folder of every command and of the image,
    or (installed editable) three folders above this module."""
    for folder in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (folder / "alembic.ini").is_file():
            return folder / "alembic.ini"
    msg = f"alembic.ini not found in {Path.cwd()}: start the application from the project's root"
    raise FileNotFoundError(msg)


@cache
def script_directory() -> ScriptDirectory:
    """The migration scripts, read once: they change only with the code."""
    return ScriptDirectory.from_config(Config(alembic_ini()))


def head_revisions() -> frozenset[str]:
    """The revisions the code expects the database to be at."""
    return frozenset(script_directory().get_heads())


def is_at_head(connection: Connection) -> bool:
    """The database has every migration of the code applied (a query of alembic_version)."""
    current = MigrationContext.configure(connection).get_current_heads()
    return frozenset(current) == head_revisions()


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """`alembic revision --autogenerate` writes the project's own column types (UTCDateTime) as
    the SQLAlchemy type they store: the revision then imports nothing from the application and
    keeps running whatever later becomes of its code. Everything else is rendered by Alembic."""
    if (
        type_ == "type"
        and isinstance(obj, TypeDecorator)
        and type(obj).__module__.partition(".")[0] == PACKAGE
    ):
        return f"sa.{obj.impl_instance!r}"
    return False
