"""A seeded fuzzer of hostile specs: valid random specs (``specgen``) with hostile values put in.

Each spec it makes carries one to three mutations: names that end a string literal or a line,
Python and SQL keywords, names that clash with generated classes, tables or attributes, emoji and
control characters in choices and defaults, regular expressions one engine refuses, custom paths
that generated routes shadow, lengths past a database's limits. A spec is either refused by the
rules (every line naming a JSON path) or must render into a project that passes its own checks;
no value may ever run as code. Every hostile string that would run code writes ``CANARY``.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from specgen import default_seeds, random_spec

CANARY = "CANARY"
# Strings that, pasted raw into Python, TOML, YAML, JSON or Markdown, end the literal and run code.
INJECTIONS = [
    f'x"); open("{CANARY}", "w"); ("',
    f'"""; open("{CANARY}", "w"); """',
    f"x'); open('{CANARY}', 'w'); ('",
    f'a\\"; open("{CANARY}", "w") #',
    f'name"\n[tool.hatch.build.hooks.custom]\npath = "{CANARY}.py"',
    f"{{{{ lipsum.__globals__.os.mkdir('{CANARY}') }}}}",
    f"{{% set o=lipsum.__globals__.os %}}{{{{o.mkdir('{CANARY}')}}}}",
    "Todo API\n",
    "emoji 🚀 naïve café",
    "tab\there\u2028line\u0085next",
    "**bold** [link](javascript:alert(1)) <script>",
    "back\\slash \\N{BULLET} \\x00",
    "x" * 101,
]
HOSTILE_IDENTIFIERS = [
    "class", "def", "None", "select", "user", "id", "owner_id", "model_config", "registry", "json",
    "objects", "save", "page", "order_by", "data", "metadata", "title\n", "Title", "a" * 41, "naïve",
    "x-y", "_private", "9lives",
]  # fmt: skip
HOSTILE_MODEL_NAMES = [
    "Request", "Response", "Base", "User", "Page", "String", "Field", "TodoCreate", "Class",
    "Todo\n", "todo", "A" * 41, "Ünicode", "Order", "Boxe",
]  # fmt: skip
HOSTILE_CHOICES = [
    ["🚀"], ["a", "A"], ["", "x"], ['say "hi"', "back\\slash"], ["line\nbreak", "x"], ["\u2028", "ok"],
    ['"""', "'''"], ["{{ 7 * 7 }}", "{% raw %}"], ["x" * 256, "y"], ["ok", "fine", "🚀 launch"],
]  # fmt: skip
HOSTILE_PATTERNS = [
    "(?=a)b", "(a)\\1", "\\Z", "[[:alpha:]]+", '^[A-Z]{2}-\\d{3}$', "^x$", "^\"quoted\"", "back\\\\slash",
    "(", "^[a-z]+$", "\\d{4}", "é+", "^(?:ab)+$",
]  # fmt: skip
HOSTILE_PATHS = [
    "/stats/{class}", "/auth/token", "/a-b", "/a_b", "/x/{data}", "/x/{a}/{a}", "/UPPER", "/reports/monthly",
    "/x/{id}/y", "/health", "/with space",
]  # fmt: skip


def hostile_spec(seed: int) -> tuple[dict[str, Any], list[str]]:
    """A spec with hostile values, and what was done to it (for the failure message)."""
    rng = random.Random(seed)
    spec = random_spec(seed, "SQLite")
    spec["backend_architecture"]["framework"] = rng.choice(["FastAPI", "Flask", "Django"])
    if spec["backend_architecture"]["framework"] == "Django":
        spec["database"]["orm"] = "Django ORM"
    applied = []
    for mutate in rng.sample(MUTATIONS, rng.randint(1, 3)):
        applied.append(mutate(rng, spec))
    return spec, applied


def _models(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in spec["database"]["models"] if isinstance(m, dict)]


def _field(rng: random.Random, spec: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    fields = [f for m in _models(spec) for f in m["fields"] if kind is None or f["type"] == kind]
    if not fields:
        model = rng.choice(_models(spec))
        model["fields"].append({"name": "fuzzed", "type": kind or "string"})
        return model["fields"][-1]  # type: ignore[no-any-return]
    return rng.choice(fields)


def project_name(rng: random.Random, spec: dict[str, Any]) -> str:
    spec["project_name"] = rng.choice(INJECTIONS)
    spec["backend_architecture"]["project_structure"] = rng.choice(INJECTIONS)
    return f"project_name={spec['project_name']!r}"


def model_name(rng: random.Random, spec: dict[str, Any]) -> str:
    model = rng.choice(_models(spec))
    old, new = model["name"], rng.choice(HOSTILE_MODEL_NAMES)
    model["name"] = new
    for other in _models(spec):  # keep references pointing at it
        for relation in other.get("relationships", []):
            if relation["target"] == old:
                relation["target"] = new
    return f"model {old} -> {new!r}"


def field_name(rng: random.Random, spec: dict[str, Any]) -> str:
    field = _field(rng, spec)
    field["name"] = rng.choice(HOSTILE_IDENTIFIERS)
    return f"field name {field['name']!r}"


def relation_name(rng: random.Random, spec: dict[str, Any]) -> str:
    relations = [r for m in _models(spec) for r in m.get("relationships", [])]
    if not relations:
        return field_name(rng, spec)
    relation = rng.choice(relations)
    relation["name"] = rng.choice(HOSTILE_IDENTIFIERS)
    return f"relationship name {relation['name']!r}"


def choices(rng: random.Random, spec: dict[str, Any]) -> str:
    field = _field(rng, spec, "enum")
    field["choices"] = rng.choice(HOSTILE_CHOICES)
    field.pop("default", None)
    if rng.random() < 0.5:
        field["default"] = field["choices"][-1]
    return f"choices {field['choices']!r}"


def string_default(rng: random.Random, spec: dict[str, Any]) -> str:
    field = _field(rng, spec, "string")
    field["default"] = rng.choice(INJECTIONS)[: field.get("max_length", 255)]
    return f"default {field['default']!r}"


def json_default(rng: random.Random, spec: dict[str, Any]) -> str:
    field = _field(rng, spec, "json")
    field["default"] = rng.choice([{"a": [1, 2]}, [], "text", 3, None, {"quote": '"""'}])
    return f"json default {field['default']!r}"


def pattern(rng: random.Random, spec: dict[str, Any]) -> str:
    field = _field(rng, spec, "string")
    field["pattern"] = rng.choice(HOSTILE_PATTERNS)
    field.pop("default", None)
    return f"pattern {field['pattern']!r}"


def lengths(rng: random.Random, spec: dict[str, Any]) -> str:
    field = _field(rng, spec, "string")
    field.update(rng.choice([{"max_length": 20_000_000}, {"max_length": 1}, {"min_length": 300}, {"max_length": 0}]))
    return f"lengths {field}"


def custom_path(rng: random.Random, spec: dict[str, Any]) -> str:
    paths = rng.sample(HOSTILE_PATHS, rng.randint(1, 2))
    spec["api_endpoints"] = [{"method": "GET", "path": "/api/v1" + p, "auth_required": True} for p in paths]
    return f"custom paths {paths}"


MUTATIONS: list[Callable[[random.Random, dict[str, Any]], str]] = [
    project_name, model_name, field_name, relation_name, choices, string_default, json_default, pattern,
    lengths, custom_path,
]  # fmt: skip


def fuzz_seeds(count: int) -> list[int]:
    """``count`` seeds for this run: they change every day like the random specs' (``SPEC_SEED``)."""
    base = default_seeds(1)[0]
    return [base + i for i in range(count)]


def first_accepted(seeds: list[int], errors: Callable[[dict[str, Any]], list[str]]) -> dict[str, Any]:
    """The first hostile spec of ``seeds`` that the rules accept (for a fully checked project),
    one with a hostile project name if there is one."""
    accepted = [spec for spec, _ in map(hostile_spec, seeds) if not errors(copy.deepcopy(spec))]
    if not accepted:
        raise LookupError("no hostile spec of these seeds was accepted")
    return next((spec for spec in accepted if spec["project_name"] in INJECTIONS), accepted[0])
