# A database that could not be reached or dropped the connection (a server that is down or
# restarting, a connection it cut, a pool with no connection free in time) is a 503 the client
# may retry after DATABASE_RETRY_AFTER seconds, not a 500.
DATABASE_RETRY_AFTER = 5


def is_database_unavailable(exc: BaseException) -> bool:
    """The error says the database is out of reach, not that a statement was wrong: the driver
    calls it operational, the connection was lost, or it came while connecting (no statement)."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(exc, DBAPIError) and (exc.connection_invalidated or exc.statement is None)


class NotFoundError(Exception):
    """The object does not exist, or belongs to somebody else (existence is not leaked)."""


class ConflictError(Exception):
    """The change would break a uniqueness rule, or delete an object others still refer to."""


class InvalidReferenceError(Exception):
    """A request body refers by id to an object that does not exist (or is somebody else's)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} refers to an object that does not exist")
        self.field = field
