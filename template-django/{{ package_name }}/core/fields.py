"""Serializer fields that validate the way the API contract says.

DRF's own fields are lenient where the contract is strict: a `CharField` turns 12345 into "12345",
a `DateTimeField` makes a naive datetime aware in the server's timezone, a `FloatField` takes
"NaN". The fields here refuse those inputs with a 422 instead.
"""

import math
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.core.validators import RegexValidator
from django.db.models import Model, QuerySet
from rest_framework import serializers

MAX_ID = 2**63 - 1


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


class StrictCharField(serializers.CharField):
    """A string, and only a string; kept as sent (no trimming), empty unless `min_length` says
    otherwise, optionally matching `pattern` (anywhere, as `re.search`)."""

    default_error_messages: ClassVar[dict[str, Any]] = {"invalid": "Not a valid string."}

    def __init__(self, *, pattern: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("allow_blank", not kwargs.get("min_length"))
        super().__init__(**kwargs)
        if pattern is not None:
            self.validators.append(RegexValidator(pattern, message=f"Must match {pattern}"))

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictEmailField(serializers.EmailField):
    default_error_messages: ClassVar[dict[str, Any]] = {"invalid": "Enter a valid email address."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictURLField(serializers.URLField):
    default_error_messages: ClassVar[dict[str, Any]] = {"invalid": "Enter a valid http(s) URL."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for validator in self.validators:
            if hasattr(validator, "schemes"):
                validator.schemes = ["http", "https"]

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    """An integer (or a string of one); never a boolean or a fraction."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class FiniteFloatField(serializers.FloatField):
    """A number that JSON can carry back: no NaN, no infinity, no boolean."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        value = float(super().to_internal_value(data))
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class StrictBooleanField(serializers.BooleanField):
    """true or false (and the usual spellings of them in query strings)."""


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime that must carry a UTC offset; stored and given back in UTC."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "naive": "Datetime has no UTC offset (add Z or +00:00)."
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail("naive")
        try:
            return value.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")


class StrictJSONField(serializers.JSONField):
    """Any JSON value but one holding a NUL character, which PostgreSQL cannot store."""

    default_error_messages: ClassVar[dict[str, Any]] = {"nul": "NUL characters are not allowed."}

    def to_internal_value(self, data: Any) -> Any:
        if _contains_nul(data):
            self.fail("nul")
        return super().to_internal_value(data)


class ReferenceField(serializers.PrimaryKeyRelatedField[Model]):
    """Another object, given by its integer id.

    With `owned=True` the target belongs to users, so only the caller's own objects may be
    referred to: somebody else's is answered as if it did not exist.
    """

    def __init__(self, *, owned: bool = False, **kwargs: Any) -> None:
        self.owned = owned
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Model] | None:
        queryset = super().get_queryset()
        if queryset is not None and self.owned:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return queryset.none()
            queryset = queryset.filter(owner=user)
        return queryset

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        pk: Any = data
        value: Model = super().to_internal_value(pk)
        return value
