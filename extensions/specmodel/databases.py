"""The databases a generated project can use: the DATABASE_URL of each place that names one (the
development default, compose's service, CI's service) and the server compose and CI start. The
templates get the project's as ``db``; what differs in code (drivers, column types) stays in the
files made for each database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Server:
    """A database server in a container: compose's ``db`` service and CI's service."""

    image: str
    port: int
    user: str  # the application's user, with the password "{user}"; CI's tests use the same
    environment: dict[str, str]  # the image's settings; "{name}" is the database's name
    data: str  # where the image keeps its files (a named volume in compose)
    healthcheck: str  # "{name}" is the database's name
    command: tuple[str, ...] = ()  # server options (compose only: CI's services take none)
    ci_host: str = "localhost"  # where CI's tests reach the service

    def env(self, name: str) -> dict[str, str]:
        return {key: value.replace("{name}", name) for key, value in self.environment.items()}

    def check(self, name: str) -> str:
        return self.healthcheck.replace("{name}", name)


@dataclass(frozen=True)
class Database:
    name: str
    scheme: str  # of DATABASE_URL
    local_user: str = ""  # the user of the development default (a server on 127.0.0.1, no password)
    server: Server | None = None

    def local_url(self, name: str) -> str:
        """The development default: a file beside the project, or a server on this machine."""
        if self.server is None:
            return "sqlite:///./app.db"
        return f"{self.scheme}://{self.local_user}@127.0.0.1:{self.server.port}/{name}"

    def compose_url(self, name: str) -> str:
        """The URL of compose's server (host ``db``), or of the file in compose's volume."""
        return self._server_url("db", name) if self.server else "sqlite:////app/data/app.db"

    def ci_url(self, name: str) -> str:
        """The URL of CI's service, or of a file in the checkout."""
        return self._server_url(self.server.ci_host, name) if self.server else "sqlite:///./app.db"

    def production_example(self, name: str) -> str:
        """DATABASE_URL as a production environment might give it."""
        return self._server_url("db.example.com", name, "app:password") if self.server else "sqlite:////app/data/app.db"

    def _server_url(self, host: str, name: str, credentials: str = "") -> str:
        assert self.server is not None
        credentials = credentials or f"{self.server.user}:{self.server.user}"
        return f"{self.scheme}://{credentials}@{host}:{self.server.port}/{name}"


DATABASES = {
    "SQLite": Database("SQLite", "sqlite"),
    "PostgreSQL": Database(
        "PostgreSQL",
        "postgresql",
        local_user="postgres",
        server=Server(
            image="postgres:16",
            port=5432,
            user="postgres",
            environment={"POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": "postgres", "POSTGRES_DB": "{name}"},
            data="/var/lib/postgresql/data",
            healthcheck="pg_isready -U postgres -d {name}",
        ),
    ),
    "MySQL": Database(
        "MySQL",
        "mysql",
        local_user="root",
        server=Server(
            image="mysql:8.4",
            port=3306,
            user="root",
            environment={"MYSQL_ROOT_PASSWORD": "root", "MYSQL_DATABASE": "{name}"},
            data="/var/lib/mysql",
            healthcheck="mysqladmin ping --host 127.0.0.1 --user root --password=root --silent",
            # The tables of a database created without a collation take these (Django's do).
            command=("--character-set-server=utf8mb4", "--collation-server=utf8mb4_bin"),
            ci_host="127.0.0.1",  # MySQL's clients take "localhost" to mean the Unix socket
        ),
    ),
}
