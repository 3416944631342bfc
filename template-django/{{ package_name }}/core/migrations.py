"""Whether the database has every migration of the code applied (for /health/ready)."""

from functools import cache

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

BEHIND = "the database is behind the code's migrations: apply them (make migrate)"


@cache
def migration_keys() -> frozenset[tuple[str, str]]:
    """Every migration of the code, (app label, name), read from the files once: they change only
    with the code."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def pending_migrations() -> frozenset[tuple[str, str]]:
    """The migrations of the code the database has not applied (a query of django_migrations)."""
    return migration_keys() - MigrationRecorder(connection).applied_migrations().keys()
