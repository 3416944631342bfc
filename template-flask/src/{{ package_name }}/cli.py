"""`flask` commands: migrations (`flask db upgrade`, `flask db check`...), accounts and tokens."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .core.errors import ConflictError
from .schemas.auth import UserCreate

db_commands = AppGroup("db", help="Database migrations (Alembic; alembic.ini in the project root).")


def alembic_config() -> Config:
    path = Path("alembic.ini")
    if not path.exists():
        msg = "alembic.ini not found: run this command from the project's root folder"
        raise click.ClickException(msg)
    return Config(str(path))


@db_commands.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (default: head)."""
    command.upgrade(alembic_config(), revision)


@db_commands.command("downgrade")
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Revert the migrations down to REVISION (default: the last one)."""
    command.downgrade(alembic_config(), revision)


@db_commands.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree."""
    try:
        command.check(alembic_config())
    except CommandError as exc:
        raise click.ClickException(str(exc)) from exc


@db_commands.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does")
def revision(message: str) -> None:
    """Write a new migration from the differences between the models and the database."""
    command.revision(alembic_config(), message=message, autogenerate=True)


@click.command("create-user")
@click.argument("email")
@click.password_option()
@click.option("--full-name", default=None)
@with_appcontext
def create_user(email: str, password: str, full_name: str | None) -> None:
    """Register an account from the command line."""
    from .api.deps import accounts

    try:
        user = accounts().register(UserCreate(email=email, password=password, full_name=full_name))
    except ConflictError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created user {user.id} <{user.email}>")


@click.command("purge-tokens")
@with_appcontext
def purge_tokens() -> None:
    """Delete the expired tokens (daily, e.g. from cron, without a task queue)."""
    from .extensions import db
    from .services.accounts import purge_expired_tokens

    click.echo(f"purged {purge_expired_tokens(db.session)} expired tokens")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_commands)
    app.cli.add_command(create_user)
    app.cli.add_command(purge_tokens)
