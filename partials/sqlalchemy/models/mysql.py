"""How the portable column types of the models and migrations are created on MySQL (and MariaDB).

Registered for the MySQL dialect only (importing `models` registers them), so the models and
migrations stay the same on every database while MySQL gets what keeps the API's contract:

- DateTime: DATETIME(6). MySQL's DATETIME drops the microseconds; the values are in UTC.
- Float: DOUBLE. MySQL's FLOAT is single precision.
- Text: LONGTEXT. MySQL's TEXT holds 64 KiB.
- every table: utf8mb4 (4-byte characters such as emoji) with the binary collation, so that
  comparisons, uniqueness and ordering are case- and accent-sensitive, as on PostgreSQL and SQLite.
"""

from typing import Any

from sqlalchemy import DateTime, Float, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.compiler import DDLCompiler, GenericTypeCompiler

TABLE_OPTIONS = "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"


@compiles(DateTime, "mysql")
def _datetime(_type: DateTime, _compiler: GenericTypeCompiler, **_kw: Any) -> str:
    return "DATETIME(6)"


@compiles(Float, "mysql")
def _float(_type: Float[Any], _compiler: GenericTypeCompiler, **_kw: Any) -> str:
    return "DOUBLE"


@compiles(Text, "mysql")
def _text(_type: Text, _compiler: GenericTypeCompiler, **_kw: Any) -> str:
    return "LONGTEXT"


@compiles(CreateTable, "mysql")
def _create_table(create: CreateTable, compiler: DDLCompiler, **kw: Any) -> str:
    statement = compiler.visit_create_table(create, **kw)  # type: ignore[no-untyped-call]
    return f"{statement.rstrip()} {TABLE_OPTIONS}"
