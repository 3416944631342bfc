"""Liveness and readiness, outside the API prefix."""

import logging

from flask import Blueprint, Response
from sqlalchemy.exc import SQLAlchemyError

from ..core.migrations import BEHIND
from ..extensions import db
from ..schemas.common import Health, Readiness
from .openapi import operation, respond

logger = logging.getLogger(__name__)
health = Blueprint("health", __name__, url_prefix="/health")


@health.get("")
@operation(tags=["health"], response=Health)
def alive() -> Response:
    """The process is up; touches no database."""
    return respond(Health(status="ok"))


@health.get("/ready")
@operation(tags=["health"], response=Readiness, errors=[503])
def ready() -> Response:
    """The process can serve requests: the database answers and has every migration of the code
    applied."""
    try:
        at_head = db.is_at_head()
    except (OSError, SQLAlchemyError) as exc:
        logger.warning("readiness check failed: %s", exc)
        return respond(Readiness(status="unavailable", database="error"), 503)
    if not at_head:
        logger.warning("readiness check failed: %s", BEHIND)
        return respond(Readiness(status="unavailable", database="behind"), 503)
    return respond(Readiness(status="ok", database="ok"))
