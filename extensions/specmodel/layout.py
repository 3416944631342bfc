"""Python source laid out as ruff format would write it, so rendered code needs no formatting."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from .literals import python_literal

LINE_LENGTH = 100  # the generated projects' ruff line length
_STDLIB = {"datetime", "decimal", "enum", "typing", "uuid", "collections.abc"}


def import_block(names: list[tuple[str, str]]) -> str:
    """``from x import a, b`` lines grouped and sorted the way ruff's isort wants them."""
    by_module: dict[str, set[str]] = {}
    for module, name in names:
        by_module.setdefault(module, set()).add(name)
    groups: list[list[str]] = [[], [], []]

    def module_key(module: str) -> tuple[int, str]:
        dots = len(module) - len(module.lstrip("."))
        return (-dots, module.lstrip("."))  # relative: furthest first, as ruff's default

    def member_key(name: str) -> tuple[int, str]:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[0].isupper() else 2
        return (kind, name)  # constants, classes, then the rest

    for module in sorted(by_module, key=module_key):
        group = 0 if module in _STDLIB else 2 if module.startswith(".") else 1
        members = sorted(by_module[module], key=member_key)
        line = f"from {module} import {', '.join(members)}"
        if width(line) > LINE_LENGTH:
            line = f"from {module} import (\n" + "".join(f"    {m},\n" for m in members) + ")"
        groups[group].append(line)
    return "\n\n".join("\n".join(lines) for lines in groups if lines)


def wrap(indent: int, opening: str, args: list[str], closing: str = ")", hug: bool = True) -> str:
    """A call or signature laid out as ruff format would (``fmt``); ``hug`` False for a bracket
    whose arguments ruff never keeps together on one indented line."""
    return fmt(Call(opening, args, closing, hug), indent)


def assignment(indent: int, target: str, value: str | list[str]) -> str:
    """``target = value`` (a list of values: a tuple) as ruff format writes it: on one line, or
    with the value parenthesised on lines of its own."""
    pad = " " * indent
    shown = value if isinstance(value, str) else ", ".join(value)
    if width(f"{pad}{target} = {shown}") <= LINE_LENGTH:
        return f"{pad}{target} = {shown}"
    if isinstance(value, str):
        return f"{pad}{target} = (\n{pad}    {value}\n{pad})"
    return fmt(Call(f"{target} = (", value, ")", hug=False), indent)


def width(text: str) -> int:
    """The width ruff measures a line with: wide East Asian characters and emoji count twice."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@dataclass
class Call:
    """A bracketed expression: ``opening`` + comma-separated ``items`` + ``closing``."""

    opening: str
    items: list[Any]
    closing: str = ")"
    hug: bool | None = None  # None: a call hugs its arguments, a literal collection does not

    def __str__(self) -> str:
        return self.opening + ", ".join(str(item) for item in self.items) + self.closing

    @property
    def is_call(self) -> bool:
        """A call (whose arguments ruff may keep on one indented line), not a literal collection
        (which ruff splits one item per line as soon as it does not fit)."""
        if self.hug is not None:
            return self.hug
        head = self.opening[:-1]
        return self.opening.endswith("(") and bool(head) and (head[-1].isalnum() or head[-1] in "_]")


def fmt(expr: Any, indent: int, suffix: str = "") -> str:
    """``expr`` laid out as ruff format would: on one line; else (a call) its arguments on one
    indented line; else one item per line (each laid out the same way) with a trailing comma."""
    pad, inner = " " * indent, " " * (indent + 4)
    if not isinstance(expr, Call) or width(pad + str(expr) + suffix) <= LINE_LENGTH:
        return f"{pad}{expr}{suffix}"
    joined = ", ".join(str(item) for item in expr.items)
    if expr.is_call and width(inner + joined) <= LINE_LENGTH:
        return f"{pad}{expr.opening}\n{inner}{joined}\n{pad}{expr.closing}{suffix}"
    body = "".join(fmt(item, indent + 4, ",") + "\n" for item in expr.items)
    return f"{pad}{expr.opening}\n{body}{pad}{expr.closing}{suffix}"


def fmt_pragma(expr: Any, indent: int, pragma: str) -> str:
    """``fmt`` with a pragma comment (``# type: ignore[...]``) where mypy reads it: the first line.
    ruff format leaves pragma comments out of the line length."""
    text = fmt(expr, indent)
    if not pragma:
        return text
    first, newline, rest = text.partition("\n")
    return f"{first}  {pragma}{newline}{rest}"


def assign(name: str, expr: Any) -> Any:
    """``name = expr`` as a Call that ``fmt`` can lay out."""
    if isinstance(expr, Call):
        return Call(f"{name} = {expr.opening}", expr.items, expr.closing)
    return f"{name} = {expr}"


def tuple_assign(indent: int, name: str, values: list[str]) -> str:
    """``name = ("a", "b")`` (strings), laid out as ruff format would."""
    items = [python_literal(value) for value in values]
    if len(items) == 1:
        return f"{' ' * indent}{name} = ({items[0]},)"
    return fmt(Call(f"{name} = (", items), indent)
