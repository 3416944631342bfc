"""The brokers of a task queue: BROKER_URL in development, in compose and in CI, and the server
compose and CI start. The templates get the project's as ``broker`` (absent without a queue)."""

from __future__ import annotations

from dataclasses import dataclass

from .databases import Server


@dataclass(frozen=True)
class Broker:
    name: str
    url: str  # BROKER_URL with "{host}" and "{credentials}" to fill in
    server: Server  # its user, if any, has the password "{user}" in compose (like a database's)

    def local_url(self) -> str:
        """The development default: a broker on this machine, as its package installs it."""
        return self.url.format(host="127.0.0.1", credentials="guest:guest@")

    def compose_url(self) -> str:
        user = self.server.user
        return self.url.format(host="broker", credentials=f"{user}:{user}@" if user else "")

    def ci_url(self) -> str:
        return self.url.format(host=self.server.ci_host, credentials="guest:guest@")


BROKERS = {
    "Redis": Broker(
        "Redis",
        "redis://{host}:6379/0",
        Server(
            image="redis:7",
            port=6379,
            user="",
            environment={},
            data="/data",
            healthcheck="redis-cli ping",
            command=("redis-server", "--appendonly", "yes"),  # queued tasks survive a restart
        ),
    ),
    "RabbitMQ": Broker(
        "RabbitMQ",
        "amqp://{credentials}{host}:5672//",
        Server(
            image="rabbitmq:4",
            port=5672,
            user="app",  # compose's own: RabbitMQ lets "guest" in from localhost only
            environment={"RABBITMQ_DEFAULT_USER": "app", "RABBITMQ_DEFAULT_PASS": "app"},
            data="/var/lib/rabbitmq",
            healthcheck="rabbitmq-diagnostics -q ping",
        ),
    ),
}
