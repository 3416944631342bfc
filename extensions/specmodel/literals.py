"""Spec values written into generated files: one escaping function per target language.

Every string of a spec that reaches generated source (names of people, choices, defaults,
patterns, titles) goes through the function of the file's language, so that no value can end a
literal early and run as code, and the rendered file parses to the same value the spec gave.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Characters shown as they are inside a quoted literal; everything else is escaped.
_SHORT_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _quoted(value: str, hex_escape: str, quote: str = '"') -> str:
    """``value`` in ``quote``s, with backslash, that quote and every non-printable character
    escaped; ``hex_escape`` formats the code points up to U+FFFF that have no short escape."""
    out = []
    for char in value:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif char == quote:
            out.append("\\" + quote)
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(hex_escape.format(ord(char)))
        else:
            out.append(f"\\U{ord(char):08x}")
    return quote + "".join(out) + quote


def python_string(value: str) -> str:
    """A Python string literal as ruff format writes it: double quotes, unless the value holds more
    double quotes than single ones; lower-case hex escapes."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    return _quoted(value, "\\u{:04x}", quote)


def python_literal(value: Any) -> str:
    """A JSON value as Python source in ruff's style (double quotes; long runs as ``"x" * n``)."""
    if isinstance(value, str):
        if len(value) > 20 and len(set(value)) == 1:
            return f"{python_string(value[0])} * {len(value)}"
        return python_string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return repr(value)
    raise TypeError(f"not a JSON value: {value!r}")


def python_docstring(value: str) -> str:
    """Text for the inside of a ``\"\"\"docstring\"\"\"``: one line, quotes and backslashes escaped."""
    return _quoted(" ".join(value.split()), "\\u{:04x}")[1:-1]


def toml_string(value: str) -> str:
    """A TOML basic string (``"..."``)."""
    return _quoted(value, "\\u{:04x}")


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar; every line break YAML knows (NEL, LS, PS too) is escaped."""
    return _quoted(value, "\\u{:04x}")


def json_string(value: Any) -> str:
    """JSON text of a value, non-ASCII kept readable (JSON needs no more escaping than this)."""
    return json.dumps(value, ensure_ascii=False)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def markdown_text(value: str) -> str:
    """Inline Markdown text that shows ``value`` as it is: one line, every markup character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))
