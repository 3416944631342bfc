"""The ARQ worker: `make worker` (`arq {{ package_name }}.worker.WorkerSettings`) runs the tasks of
`services/tasks.py` and their cron jobs. ARQ is asyncio all the way: tasks are coroutines on the
async database session, like the API.

ARQ is in maintenance mode upstream (it still gets fixes): its version is pinned in
pyproject.toml, and moving to another asyncio queue means changing this file and
`services/tasks.py` only.

No task is lost to a worker that dies mid-task: a job stays in Redis until it has finished, and a
job whose worker died is picked up again once its lease runs out (TASK_LEASE_SECONDS, ARQ's job
timeout, plus 10 seconds). A job that runs longer than the lease is cancelled and retried, so
keep tasks shorter. The price is at-least-once delivery: a task may run twice, so every task is
idempotent.
"""

from typing import Any

from arq import cron
from arq.connections import RedisSettings

from .core.config import get_settings
from .core.email import Mailer
from .database import Database
from .services.tasks import purge_expired_tokens, send_mail

settings = get_settings()


async def startup(ctx: dict[str, Any]) -> None:
    """What the tasks share in this worker process: the database engine and the mailer."""
    current = get_settings()
    ctx["database"] = Database(current)
    ctx["mailer"] = Mailer(current.email_url, current.email_from)


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["database"].dispose()


class WorkerSettings:
    functions = (send_mail,)
    # Every hour, and once when the worker starts.
    cron_jobs = (cron(purge_expired_tokens, minute=0, second=0, run_at_startup=True),)
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(settings.broker_url)
    queue_name = settings.task_queue
    job_timeout = settings.task_lease_seconds
    max_tries = 5
