"""Shapes shared by every resource: pages, errors, health."""

from datetime import UTC, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, HttpUrl, field_validator

ItemT = TypeVar("ItemT")


def _check_http_url(value: str) -> str:
    HttpUrl(value)
    return value


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


class RequestModel(BaseModel):
    """Base of every request body: refuses NUL characters, which PostgreSQL cannot store."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: object) -> object:
        if _contains_nul(value):
            msg = "NUL characters are not allowed"
            raise ValueError(msg)
        return value


def _refuse_null(value: object) -> object:
    if value is None:
        msg = "may not be null"
        raise ValueError(msg)
    return value


# On an optional field of an update: the field may be left out, but not set to null.
NotNull = AfterValidator(_refuse_null)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# A datetime that must carry an offset; the API stores and returns it in UTC.
UTCDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]

# A URL validated as http(s) but kept as the string the client sent.
HttpUrlStr = Annotated[str, Field(max_length=2048), AfterValidator(_check_http_url)]


# The id of another object, as given in a request body.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Page(BaseModel, Generic[ItemT]):
    """One page of a collection."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=2**31 - 1)


class Message(BaseModel):
    """The body of every error but 422."""

    detail: str


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """The body of a 422."""

    detail: list[ValidationErrorItem]


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "error", "behind"]  # behind: migrations not applied yet
