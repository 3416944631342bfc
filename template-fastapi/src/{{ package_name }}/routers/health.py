"""Liveness and readiness, outside the API prefix."""

import asyncio
import logging

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.exc import SQLAlchemyError

from ..core.migrations import BEHIND
from ..database import Database
from ..schemas.common import Health, Readiness

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def health() -> Health:
    """The process is up; touches no database."""
    return Health(status="ok")


@router.get(
    "/ready",
    responses={503: {"model": Readiness, "description": "Database unreachable or not migrated"}},
)
async def ready(request: Request, response: Response) -> Readiness:
    """The process can serve requests: the database answers within 3 seconds and has every
    migration of the code applied."""
    database: Database = request.app.state.database
    try:
        async with asyncio.timeout(3):
            at_head = await database.is_at_head()
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        logger.warning("readiness check failed: %s", exc)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(status="unavailable", database="error")
    if not at_head:
        logger.warning("readiness check failed: %s", BEHIND)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(status="unavailable", database="behind")
    return Readiness(status="ok", database="ok")
