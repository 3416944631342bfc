"""The ``pattern`` of a string field: checked with both engines that will run it, and the values
the generated tests send, derived from it.

FastAPI and Flask validate with Pydantic, whose default engine is Rust's ``regex`` crate (no
look-arounds, no back-references); Django validates with Python's ``re``. A pattern must compile
in both, and the values the generated tests use must match in both (``search`` semantics, as
both validators apply it).
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

try:  # the parser behind ``re`` (a private module: without it, samples fall back to plain words)
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    sre_parse = None

SAMPLES_NEEDED = 3  # distinct values the generated tests need (create, update, ordering)
_MAX_VARIANTS = 6  # alternatives kept per node of the pattern, so the search stays small
_MAX_CANDIDATES = 400


@cache
def _rust_validator(pattern: str) -> Callable[[str], bool] | None:
    """A matcher with Pydantic's engine, or None when pydantic-core is not installed here."""
    try:
        from pydantic_core import SchemaValidator, ValidationError, core_schema
    except ImportError:  # pragma: no cover - copier depends on pydantic
        return None
    validator = SchemaValidator(core_schema.str_schema(pattern=pattern))

    def matches(value: str) -> bool:
        try:
            validator.validate_python(value)
        except ValidationError:
            return False
        return True

    return matches


def pattern_errors(pattern: Any) -> list[str]:
    """Why ``pattern`` cannot be used (each line without the JSON path), or an empty list."""
    if not isinstance(pattern, str) or not pattern:
        return ["must be a non-empty string"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)  # "possible nested set": read otherwise by Rust
            re.compile(pattern)
            if sre_parse is not None:  # re.compile may answer from its cache, without warning again
                sre_parse.parse(pattern)
    except re.error as exc:
        return [f"not a valid regular expression for Python's re, which Django uses ({exc})"]
    except FutureWarning as exc:
        return [f"means different things to Python's re and Pydantic's engine ({exc}); escape the bracket"]
    try:
        _rust_validator(pattern)
    except Exception as exc:  # pydantic_core.SchemaError
        reason = str(exc).strip().splitlines()[-1].removeprefix("error: ")
        return [f"not a valid regular expression for Pydantic's engine (Rust regex: {reason})"]
    return []


def matches(pattern: str, value: str) -> bool:
    """``value`` matches ``pattern`` (anywhere in it) with both engines."""
    if re.search(pattern, value) is None:
        return False
    rust = _rust_validator(pattern)
    return rust is None or rust(value)


def pattern_samples(pattern: str, min_length: int, max_length: int) -> list[str]:
    """Distinct values, sorted, that match ``pattern`` with both engines and fit the length
    bounds; fewer than ``SAMPLES_NEEDED`` when the pattern leaves too little room."""
    found: set[str] = set()
    for candidate in itertools.islice(_candidates(pattern, min_length), _MAX_CANDIDATES):
        if min_length <= len(candidate) <= max_length and matches(pattern, candidate):
            found.add(candidate)
            if len(found) >= 2 * SAMPLES_NEEDED:
                break
    return sorted(found)


def _candidates(pattern: str, min_length: int) -> Iterator[str]:
    """Strings built from the pattern's own parse tree, then padded to ``min_length``."""
    cores = _variants(sre_parse.parse(pattern)) if sre_parse else []
    for core in [*cores, "value"]:
        yield core
        for pad in "a0":
            if len(core) < min_length:
                yield core + pad * (min_length - len(core))
                yield pad * (min_length - len(core)) + core


def _variants(parsed: Any) -> list[str]:
    """Up to ``_MAX_VARIANTS`` strings for a sequence of parsed items (the product of each
    item's alternatives, keeping the first ones)."""
    results = [""]
    for op, arg in parsed:
        options = _item(op, arg)
        results = [a + b for a, b in itertools.islice(itertools.product(results, options), _MAX_VARIANTS)]
        if not results:
            return []
    return results


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0123",
    "CATEGORY_NOT_DIGIT": "abcx",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "abc0",
    "CATEGORY_WORD": "abc0",
    "CATEGORY_NOT_WORD": "-. ",
}


def _item(op: Any, arg: Any) -> list[str]:
    """Alternatives for one parsed item of a regular expression."""
    name = str(op)
    if name == "LITERAL":
        return [chr(arg)]
    if name == "NOT_LITERAL":
        return [c for c in "abc0" if ord(c) != arg][:2]
    if name == "ANY":
        return ["a", "b", "0"]
    if name == "IN":
        return _in_set(arg)
    if name == "CATEGORY":
        return list(_CATEGORY_CHARS.get(str(arg), "a"))
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, sub = arg
        inner = _variants(sub) or [""]
        counts = [n for n in (low, low + 1, low + 2) if n <= high]
        starts = range(min(2, len(inner)))
        return ["".join(inner[(start + k) % len(inner)] for k in range(n)) for n in counts for start in starts]
    if name in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _variants(arg[-1] if name == "SUBPATTERN" else arg)
    if name == "BRANCH":
        return [v for branch in arg[1] for v in _variants(branch)]
    if name == "AT":
        return [""]
    return []  # look-arounds, back-references: no candidate from here; "value" is still tried


def _in_set(items: list[Any]) -> list[str]:
    """Characters of a ``[...]`` set, in order (or outside it, for a negated set)."""
    chars: list[str] = []
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE":
            chars += [chr(c) for c in range(arg[0], min(arg[1], arg[0] + 3) + 1)]
        elif name == "CATEGORY":
            chars += list(_CATEGORY_CHARS.get(str(arg), ""))
    if negate:
        return [c for c in "abcxyz0123-" if c not in chars][:3]
    return chars[:4]
