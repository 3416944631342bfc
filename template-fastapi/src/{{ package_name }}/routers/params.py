"""Path and query parameters shared by the routes."""

from typing import Annotated

from fastapi import Path, Query

# Ids and integer columns are 32-bit in every database: a wider value is a 422, never a
# database error.
ObjectId = Annotated[int, Path(ge=1, le=2**31 - 1)]
IdFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
IntFilter = Annotated[int | None, Query(ge=-(2**31), le=2**31 - 1)]
