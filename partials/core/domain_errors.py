class NotFoundError(Exception):
    """The object does not exist, or belongs to somebody else (existence is not leaked)."""


class ConflictError(Exception):
    """The change would break a uniqueness rule, or delete an object others still refer to."""


class InvalidReferenceError(Exception):
    """A request body refers by id to an object that does not exist (or is somebody else's)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} refers to an object that does not exist")
        self.field = field
