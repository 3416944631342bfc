"""Work done off the request path by the ARQ worker (`worker.py`), through Redis.

A task is a coroutine that takes `ctx` (what the worker shares: its database engine and mailer)
and JSON-safe arguments, opens its own database session, may run twice without harm (delivery is
at least once: see `worker.py`), and retries transient failures with backoff. `send_mail` and
`purge_expired_tokens` are the pattern. Blocking work (smtplib) runs in a thread, off the
worker's event loop.
"""

import asyncio
import logging
from typing import Any

from arq import ArqRedis, Retry
from redis.exceptions import RedisError

from ..core.email import Mailer, is_transient
from ..database import Database
from . import accounts
from .emails import Mail

logger = logging.getLogger(__name__)


async def send_mail(ctx: dict[str, Any], to: str, subject: str, body: str) -> None:
    """Send one mail; transient failures are tried again after 2, 4, 8 and 16 seconds. Sending
    twice is possible (a worker dying right after the server said yes), and better than not at
    all."""
    mailer: Mailer = ctx["mailer"]
    try:
        await asyncio.to_thread(mailer.send, to, subject, body)
    except Exception as exc:
        if not is_transient(exc):
            raise
        raise Retry(defer=2 ** ctx["job_try"]) from exc


async def purge_expired_tokens(ctx: dict[str, Any]) -> int:
    """The periodic job: delete expired tokens."""
    database: Database = ctx["database"]
    async with database.sessionmaker() as session:
        purged = await accounts.purge_expired_tokens(session)
    logger.info("purged %d expired tokens", purged)
    return purged


class Outbox:
    """Where the API leaves the mail it sends: Redis, for the worker to send."""

    def __init__(self, queue: ArqRedis) -> None:
        self._queue = queue

    async def send(self, mail: Mail) -> None:
        try:
            await self._queue.enqueue_job(send_mail.__name__, mail.to, mail.subject, mail.body)
        except (RedisError, OSError):  # Redis is unreachable: the request goes on without it
            logger.exception("mail %r to %s not queued", mail.subject, mail.to)


BROKER_CHECK_SECONDS = 3.0


async def broker_answers(queue: ArqRedis) -> bool:
    """Redis answers a ping within BROKER_CHECK_SECONDS (the readiness check)."""
    try:
        async with asyncio.timeout(BROKER_CHECK_SECONDS):
            await queue.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        logger.warning("readiness check failed: broker: %s", exc)
        return False
    return True
