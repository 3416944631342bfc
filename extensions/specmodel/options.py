"""The registry of options: every question of copier.yml, the spec field it carries, and for each
value of a choice what it goes with and whether the family generates it yet.

It is read by copier's validators (``option_errors``, one Jinja global), by the CLI (the same
function over a whole spec), by the tests (``switch`` moves a spec to a value; ``pairwise`` picks
the projects a test run builds) and by the documentation. Adding a value is one entry here plus
its own template files; see docs/adding-an-option.md.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


@dataclass(frozen=True)
class Value:
    """One value of a choice."""

    value: Any
    offered: bool = True  # False: the spec format names it, the family does not generate it yet
    # question -> the values it must have for this value to work at all (a rule of the spec format)
    works_with: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    # question -> the values with which this value is not generated yet
    not_yet_with: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


DERIVED = object()


@dataclass(frozen=True)
class Option:
    """A copier question and the spec field it carries."""

    question: str
    path: str  # the JSON path of the spec field
    values: tuple[Value, ...] = ()  # empty: free-form, checked by its own rule
    many: bool = False  # the answer is a list of values
    default: Any = DERIVED  # the spec format's default; DERIVED: copier derives it from earlier answers
    # a rule of the whole answer (not of one value): the answer -> its problems, each a sentence
    check: Callable[[Any], list[str]] | None = None

    @property
    def offered(self) -> list[Any]:
        return [v.value for v in self.values if v.offered]

    def value(self, answer: Any) -> Value | None:
        return next((v for v in self.values if v.value == answer), None)


FASTAPI_ONLY = {"framework": ("FastAPI",)}
SOCIAL = {"auth_method": ("OAuth2",)}


def _provider_errors(providers: Any) -> list[str]:
    if providers == []:
        return ['authentication.providers: name at least one way to sign in ("local", "google", "github")']
    return []


OPTIONS: tuple[Option, ...] = (
    Option("project_name", "project_name"),
    Option(
        "framework",
        "backend_architecture.framework",
        (Value("FastAPI"), Value("Flask"), Value("Django")),
        default="FastAPI",
    ),
    Option(
        "async_support",
        "backend_architecture.async_support",
        (Value(True, not_yet_with={"framework": ("Flask", "Django")}), Value(False)),
    ),
    Option("project_structure", "backend_architecture.project_structure"),
    Option(
        "dependency_manager",
        "backend_architecture.dependency_manager",
        (Value("uv"), Value("pip"), Value("poetry"), Value("pipenv")),
        default="uv",
    ),
    Option("api_prefix", "backend_architecture.api_prefix"),
    Option("api_endpoints", "api_endpoints"),
    Option(
        "database_type",
        "database.type",
        (Value("SQLite"), Value("PostgreSQL"), Value("MySQL")),
        default="SQLite",
    ),
    Option(
        "database_orm",
        "database.orm",
        (
            Value("SQLAlchemy", works_with={"framework": ("FastAPI", "Flask")}),
            Value("Django ORM", works_with={"framework": ("Django",)}),
        ),
    ),
    # The handlers and the database are async together or sync together: async handlers on a
    # blocking session would stall the event loop, and sync handlers cannot await an async one.
    # (So the FastAPI template reads `database_async` alone to choose its variant.)
    Option(
        "database_async",
        "database.async",
        (
            Value(True, works_with={"async_support": (True,)}, not_yet_with={"framework": ("Flask", "Django")}),
            Value(False, works_with={"async_support": (False,)}),
        ),
    ),
    Option("models", "database.models"),
    Option(
        "auth_method",
        "authentication.method",
        (
            Value("JWT"),
            Value("OAuth2"),
            Value("Token"),
            Value("none", offered=False),
        ),
        default="JWT",
    ),
    Option(
        "auth_providers",
        "authentication.providers",
        (Value("local"), Value("google", works_with=SOCIAL), Value("github", works_with=SOCIAL)),
        many=True,
        default=["local"],
        check=_provider_errors,
    ),
    Option(
        "background_tasks_library",
        "background_tasks.library",
        (
            Value("none"),
            Value("FastAPI BackgroundTasks", works_with=FASTAPI_ONLY),
            Value("Celery", works_with={"background_tasks_broker": ("Redis", "RabbitMQ")}),
            # ARQ's tasks are coroutines: they use the async database session.
            Value(
                "ARQ",
                works_with={**FASTAPI_ONLY, "database_async": (True,), "background_tasks_broker": ("Redis",)},
            ),
        ),
        default="none",
    ),
    Option(
        "background_tasks_broker",
        "background_tasks.broker",
        (
            Value(None, works_with={"background_tasks_library": ("none", "FastAPI BackgroundTasks")}),
            Value("Redis", works_with={"background_tasks_library": ("Celery", "ARQ")}),
            Value("RabbitMQ", works_with={"background_tasks_library": ("Celery",)}),
        ),
        default=None,
    ),
    Option("api_docs", "api_docs", (Value("OpenAPI (auto-generated)"),), default="OpenAPI (auto-generated)"),
    Option("testing_framework", "testing_framework", (Value("pytest"),), default="pytest"),
)
BY_QUESTION = {option.question: option for option in OPTIONS}


def show(value: Any) -> str:
    """A value as the spec writes it: JSON for null, booleans and lists, quoted for strings."""
    return repr(value) if isinstance(value, str) else json.dumps(value)


def _values(option: Option, answer: Any) -> list[Any]:
    return list(answer) if option.many and isinstance(answer, list) else [answer]


def value_errors(
    question: str, answers: Mapping[str, Any], others: Callable[[str], bool] = lambda _: True
) -> list[str]:
    """What is wrong with the answer to ``question`` given the other ``answers`` (those for which
    ``others`` is true): a value that needs another answer, or one not generated yet."""
    option = BY_QUESTION[question]
    errors = option.check(answers.get(question)) if option.check and question in answers else []
    for answer in _values(option, answers.get(question)):
        value = option.value(answer)
        if value is None:
            continue  # not a value of the spec format: the schema or copier's choices say so
        for other, allowed in value.works_with.items():
            if other in answers and others(other) and answers[other] not in allowed:
                needed = " or ".join(show(a) for a in allowed)
                errors.append(
                    f"{option.path}: {show(answer)} works only with {BY_QUESTION[other].path} {needed}"
                    f" (it is {show(answers[other])})"
                )
        if not value.offered:
            offered = ", ".join(str(v) if v is not None else "null" for v in option.offered)
            errors.append(f"{option.path}: {show(answer)} is not supported yet (supported: {offered})")
        for other, blocked in value.not_yet_with.items():
            if other in answers and others(other) and answers[other] in blocked:
                errors.append(
                    f"{option.path}: {show(answer)} is not supported yet with {BY_QUESTION[other].path}"
                    f" {show(answers[other])}"
                )
    return errors


def spec_option_errors(answers: Mapping[str, Any]) -> list[str]:
    """Every option rule the answers of a spec break (the CLI's check): the spec format's defaults
    stand in for the answers it leaves out, except those copier derives from earlier answers."""
    given = {o.question: o.default for o in OPTIONS if o.default is not DERIVED} | dict(answers)
    return [e for o in OPTIONS if o.values and o.question in answers for e in value_errors(o.question, given)]


@pass_context
def option_errors(context: Context, question: str) -> str:
    """copier's validator of ``question``: its own rules against the questions asked before it,
    and the rules of those earlier answers that name it. One problem per line."""
    order = [o.question for o in OPTIONS]
    earlier = set(order[: order.index(question)])
    answers = {q: context[q] for q in order if q in context}
    errors = value_errors(question, answers, lambda other: other in earlier)
    for other in earlier & answers.keys():
        if BY_QUESTION[other].values:
            errors += [e for e in value_errors(other, answers, lambda q: q == question)]
    return "\n".join(errors)


def switch(answers: Mapping[str, Any], question: str, value: Any) -> dict[str, Any]:
    """``answers`` moved to ``value`` for ``question``: every other choice that no longer fits
    moves to its first offered value that does."""
    moved = dict(answers)
    moved[question] = value
    for option in OPTIONS:
        if option.question == question or not option.values or option.many:
            continue
        if option.question in moved and not value_errors(option.question, moved):
            continue
        fitting = [v for v in option.offered if not value_errors(option.question, {**moved, option.question: v})]
        if fitting and (option.question in moved or _constrained(option.question, moved)):
            moved[option.question] = fitting[0]
    return moved


def _constrained(question: str, answers: Mapping[str, Any]) -> bool:
    """Some value of ``question`` is ruled out by the other answers (so a default may not fit)."""
    option = BY_QUESTION[question]
    return any(value_errors(question, {**answers, question: v}) for v in option.offered)


def complete(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with every choice left out filled in as copier would: the spec format's
    default, or, where copier derives it, the first offered value that fits the others."""
    full = dict(answers)
    for option in OPTIONS:
        if not option.values or option.question in full:
            continue
        if option.default is not DERIVED:
            full[option.question] = option.default
        else:
            fitting = [v for v in option.offered if not value_errors(option.question, {**full, option.question: v})]
            full[option.question] = fitting[0] if fitting else option.offered[0]
    return full


MATRIX_QUESTIONS = [o.question for o in OPTIONS if len(o.offered) > 1 and not o.many]


def combinations() -> list[dict[str, Any]]:
    """Every combination of offered values (of ``MATRIX_QUESTIONS``) that can go together."""
    domains = [BY_QUESTION[q].offered for q in MATRIX_QUESTIONS]
    rows = [dict(zip(MATRIX_QUESTIONS, combo, strict=True)) for combo in itertools.product(*domains)]
    return [row for row in rows if not spec_option_errors(row)]


def pairwise(given: list[Mapping[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """More combinations of offered values, so that with the ``given`` ones every pair of values
    (of ``MATRIX_QUESTIONS``) that can go together appears at least once: a greedy covering set,
    its ties broken by ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - picks a test matrix, not a secret
    rows = combinations()
    uncovered = {pair for row in rows for pair in _pairs(row)}
    uncovered -= {pair for row in given for pair in _pairs(complete(row))}
    chosen = []
    while uncovered:
        rng.shuffle(rows)
        best = max(rows, key=lambda row: len(set(_pairs(row)) & uncovered))
        chosen.append(best)
        uncovered -= set(_pairs(best))
    return chosen


def _pairs(row: Mapping[str, Any]) -> Iterator[tuple[tuple[str, Any], tuple[str, Any]]]:
    items = sorted((q, v) for q, v in row.items() if q in MATRIX_QUESTIONS)
    yield from itertools.combinations([(k, json.dumps(v)) for k, v in items], 2)
