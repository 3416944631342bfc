"""The caller's own account."""

from fastapi import APIRouter

from ..dependencies import CurrentUser
from ..schemas.auth import UserResponse
from .responses import UNAUTHORIZED

router = APIRouter(prefix="/users", tags=["users"], responses=UNAUTHORIZED)


@router.get("/me")
async def read_me(user: CurrentUser) -> UserResponse:
    return UserResponse.model_validate(user)
