"""Valid and invalid JSON values and bodies for a model, built from its spec fields alone.

Valid values come in *variants* 0, 1, 2 that are distinct where the field's constraints allow
and sort in that order (under any database collation: lowercase ASCII only), so the ordering
tests can predict the order. A *token* (lowercase hex) makes string-like values unique per test.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
import warnings
from decimal import ROUND_DOWN, Decimal
from typing import Any

from .spec import FieldLike, Model, Relation

OFFSET_RE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
LETTERS = "abc"


def new_token() -> str:
    return uuid.uuid4().hex[:12]


def has_offset(value: object) -> bool:
    """An ISO 8601 datetime string that carries a UTC offset (``Z`` or ``+00:00``)."""
    return isinstance(value, str) and "T" in value and bool(OFFSET_RE.search(value))


def parse_datetime(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------------------
# Valid values
# ---------------------------------------------------------------------------


def valid_value(field: FieldLike, variant: int = 0, token: str = "") -> Any:
    """A valid value of ``field``; variants 0 < 1 < 2 sort ascending."""
    token = token or new_token()
    spec, kind = field.spec, field.type
    letter = LETTERS[variant % len(LETTERS)]
    if kind in ("string", "text"):
        return _string(spec, letter + token, variant)
    if kind == "email":
        return f"{letter}{token}@example.com"
    if kind == "url":
        return f"https://example.com/{letter}{token}"
    if kind == "integer":
        return _integer(spec, variant, token if field.unique else "")
    if kind == "float":
        low = float(spec.get("minimum", min(0, spec.get("maximum", 0) - 1000)))
        step = (float(spec.get("maximum", low + 1e6)) - low) / 8
        return low + step * (variant + 1) + (step / 2 * _fraction(token) if field.unique else 0)
    if kind == "decimal":
        return _decimal(spec, variant, token if field.unique else "")
    if kind == "boolean":
        return variant > 0
    if kind == "date":
        return f"2026-01-{10 + variant:02d}"
    if kind == "datetime":
        # Variant 1 has a non-UTC offset: the API must keep the instant (11T10:30Z), not the wall time.
        offset = "+02:00" if variant == 1 else "+00:00"
        return f"2026-01-{10 + variant:02d}T12:30:00{offset}"
    if kind == "uuid":
        return str(uuid.UUID(f"{variant:x}" + uuid.uuid4().hex[1:]))
    if kind == "enum":
        choices: list[str] = spec["choices"]
        return sorted(choices)[min(variant, len(choices) - 1)]
    if kind == "json":
        return {"variant": variant, "token": token, "list": [1, "two", None, True]}
    raise ValueError(f"unknown field type {kind!r}")


def _fraction(token: str) -> float:
    return int(token[:6] or "0", 16) / 16**6


def _string(spec: dict[str, Any], base: str, variant: int) -> str:
    low: int = spec.get("min_length", 0)
    high: int = spec.get("max_length", 10_000)
    if "pattern" in spec:
        return _from_pattern(spec["pattern"], low, high, variant)
    value = base[:high]
    return value + "x" * (low - len(value))


def _from_pattern(pattern: str, low: int, high: int, variant: int) -> str:
    """A string matching ``pattern`` (ordering and uniqueness are not guaranteed here)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NonInteractiveExampleWarning

    found: list[str] = []
    strategy = st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)

    @settings(max_examples=5 + variant, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: str) -> None:
        found.append(value)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        collect()
    return found[-1]


def _integer(spec: dict[str, Any], variant: int, token: str) -> int:
    high = spec.get("maximum")
    low = spec.get("minimum", 0 if high is None else min(0, high - 1000))
    high = low + 10**9 if high is None else high
    step = max(1, (high - low) // 8)
    offset = int(token[:8], 16) % step if token and step > 1 else 0
    return int(min(high, low + step * (variant + 1) + offset))


def _decimal(spec: dict[str, Any], variant: int, token: str) -> str:
    places = spec.get("decimal_places", 2)
    digits = spec.get("max_digits", 12)
    quantum = Decimal(1).scaleb(-places)
    largest = Decimal(10) ** (digits - places) - quantum
    high = min(largest, Decimal(str(spec["maximum"]))) if "maximum" in spec else largest
    low = Decimal(str(spec["minimum"])) if "minimum" in spec else Decimal(0)
    step = max(quantum, ((high - low) / 8).quantize(quantum, rounding=ROUND_DOWN))
    value = low + step * (variant + 1)
    if places and value + quantum <= high:
        value += quantum  # show that the fraction survives
    if token:
        value += quantum * (int(token[:6], 16) % max(1, int(step / quantum) - 1))
    value = min(value, high).quantize(quantum, rounding=ROUND_DOWN)
    return f"{value:f}"


def different_value(field: FieldLike, value: Any, token: str) -> Any:
    """A valid value of ``field`` other than ``value`` (or ``value`` when the field allows one only)."""
    for variant in (1, 2, 0):
        candidate = valid_value(field, variant, token + "d")
        if not same_value(field, value, candidate):
            return candidate
    return value


def full_payload(
    model: Model, variant: int = 0, token: str = "", relations: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every field of ``model`` (and every relation key given) with a valid value."""
    token = token or new_token()
    body = {f.name: valid_value(f, variant, token) for f in model.fields}
    body.update(relations or {})
    return body


def minimal_payload(model: Model, token: str = "", relations: dict[str, Any] | None = None) -> dict[str, Any]:
    """Only what a create must give: the required fields without a default and required relations."""
    token = token or new_token()
    body = {f.name: valid_value(f, 0, token) for f in model.required_fields}
    required = {r.key for r in model.relations if r.required}
    body.update({k: v for k, v in (relations or {}).items() if k in required})
    return body


# ---------------------------------------------------------------------------
# Invalid values
# ---------------------------------------------------------------------------


def invalid_values(field: FieldLike) -> list[tuple[str, Any]]:
    """``(why, value)`` pairs every framework must refuse with 422 for ``field``."""
    spec, kind = field.spec, field.type
    cases: list[tuple[str, Any]] = []
    if not field.nullable:
        cases.append(("null for a non-nullable field", None))
    if kind in ("string", "text"):
        cases.append(("an object", {"not": "a string"}))
        if kind == "string" or "max_length" in spec:
            limit = spec.get("max_length", 255)
            cases.append((f"longer than max_length {limit}", "x" * (limit + 1)))
        if spec.get("min_length", 0) > 0:
            cases.append((f"shorter than min_length {spec['min_length']}", "x" * (spec["min_length"] - 1)))
    elif kind in ("integer", "float"):
        cases += [("a word", "abc"), ("a list", [1])]
        if kind == "integer":
            cases.append(("a fraction", 1.5))
        if "minimum" in spec:
            cases.append((f"below minimum {spec['minimum']}", spec["minimum"] - 1))
        if "maximum" in spec:
            cases.append((f"above maximum {spec['maximum']}", spec["maximum"] + 1))
    elif kind == "decimal":
        places = spec.get("decimal_places", 2)
        digits = spec.get("max_digits", 12)
        cases += [("a word", "abc"), (f"more than {places} decimal places", "1." + "1" * (places + 1))]
        cases.append((f"more than {digits - places} digits before the point", "9" * (digits - places + 1)))
        if "minimum" in spec:
            cases.append((f"below minimum {spec['minimum']}", str(Decimal(str(spec["minimum"])) - 1)))
        if "maximum" in spec:
            cases.append((f"above maximum {spec['maximum']}", str(Decimal(str(spec["maximum"])) + 1)))
    elif kind == "boolean":
        cases += [("a word", "maybe"), ("a list", [True])]
    elif kind == "date":
        cases += [("an impossible date", "2026-13-45"), ("a word", "yesterday")]
    elif kind == "datetime":
        cases += [("an impossible datetime", "2026-13-45T25:61:00Z"), ("a word", "tomorrow")]
    elif kind == "email":
        cases += [("no at sign", "not-an-email"), ("no domain", "someone@")]
    elif kind == "url":
        cases += [("not a URL", "not a url"), ("no scheme", "example.com/no-scheme")]
    elif kind == "uuid":
        cases += [("not a UUID", "not-a-uuid"), ("too short", "1234")]
    elif kind == "enum":
        cases += [("not a choice", "__not_a_choice__"), ("a number", 1)]
    return cases


# ---------------------------------------------------------------------------
# Reading values back
# ---------------------------------------------------------------------------


def same_value(field: FieldLike, sent: Any, got: Any) -> bool:
    """Whether the API's ``got`` is the value ``sent`` in the field's JSON form."""
    if sent is None or got is None:
        return sent is got
    kind = field.type
    try:
        if kind == "datetime":
            return has_offset(got) and parse_datetime(got) == parse_datetime(sent)
        if kind == "decimal":
            return isinstance(got, str) and Decimal(got) == Decimal(str(sent))
        if kind == "float":
            return isinstance(got, int | float) and math.isclose(got, sent, rel_tol=1e-9)
        if kind == "url":
            return isinstance(got, str) and got.rstrip("/") == str(sent).rstrip("/")
        if kind == "email":
            return isinstance(got, str) and got.lower() == str(sent).lower()
        if kind == "uuid":
            return isinstance(got, str) and uuid.UUID(got) == uuid.UUID(sent)
    except ValueError:
        return False
    return bool(got == sent) and type(got) is type(sent)


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def same_reference(relation: Relation, sent: Any, got: Any) -> bool:
    """Whether ``got`` refers to what ``sent`` does (a many-to-many list in any order)."""
    if relation.many:
        return isinstance(got, list) and isinstance(sent, list) and sorted(got) == sorted(sent)
    return bool(got == sent) and (got is None or is_id(got))


def sort_key(field: FieldLike, value: Any) -> Any:
    """The key by which the API must order ``value`` of ``field``."""
    if field.type == "datetime":
        return parse_datetime(value)
    if field.type == "decimal":
        return Decimal(value)
    if field.type == "uuid":
        return uuid.UUID(value).int
    return value


def default_value(field: FieldLike) -> Any:
    """The JSON form of a field's spec default, as a create without the field must store it."""
    return field.default
