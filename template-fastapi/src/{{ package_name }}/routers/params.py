"""Path and query parameters shared by the routes."""

from typing import Annotated

from fastapi import Path

# Ids are 32-bit integers in every database; a larger one is a 422, never a database error.
ObjectId = Annotated[int, Path(ge=1, le=2**31 - 1)]
