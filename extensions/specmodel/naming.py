"""Names derived from the spec: Python identifiers, URL words, plurals."""

from __future__ import annotations

import re

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(value: str) -> str:
    """``BookCopy`` / ``book-copy`` / ``Book copy`` -> ``book_copy``."""
    value = _WORD_BOUNDARY.sub("_", value.strip())
    value = re.sub(r"[^0-9A-Za-z]+", "_", value)
    return value.strip("_").lower()


def kebab(value: str) -> str:
    """``BookCopy`` -> ``book-copy``."""
    return snake(value).replace("_", "-")


def pascal(value: str) -> str:
    """``book_copy`` -> ``BookCopy``."""
    return "".join(part[:1].upper() + part[1:] for part in snake(value).split("_"))


def plural(value: str) -> str:
    """English plural of the last word: ``book_copy`` -> ``book_copies``."""
    if re.search(r"[^aeiou]y$", value):
        return value[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", value):
        return value + "es"
    return value + "s"


def singular(value: str) -> str:
    """English singular of the last word: ``tags`` -> ``tag``, ``categories`` -> ``category``."""
    if value.endswith("ies"):
        return value[:-3] + "y"
    if re.search(r"(s|x|z|ch|sh)es$", value):
        return value[:-2]
    if value.endswith("s") and not value.endswith("ss"):
        return value[:-1]
    return value


def constant(value: str) -> str:
    """An enum member name for a choice: ``in progress`` -> ``IN_PROGRESS``."""
    name = snake(value).upper() or "EMPTY"
    return f"V_{name}" if name[0].isdigit() else name
