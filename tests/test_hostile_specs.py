"""Hostile specs: each is refused with a line naming its JSON path, or generates a project that
passes its own checks, and no spec value ever runs as code."""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from specfuzz import CANARY, INJECTIONS, fuzz_seeds, hostile_spec
from support import as_django, as_flask, generate, load_spec

from python_specialist.mapping import TEMPLATE_ROOT
from python_specialist.validation import spec_errors

FUZZ_COUNT = int(os.environ.get("FUZZ_COUNT", "48"))
# A problem line: a JSON path (``database.models[1].fields[0].name``) and a colon.
PATH_LINE = re.compile(r"^[a-z_]+(\.[a-z_]+|\[\d+\])*: \S")


def s01(**changes: Any) -> dict[str, Any]:
    spec = load_spec("s01-todo", database__type="SQLite")
    spec["api_endpoints"] = []
    for dotted, value in changes.items():
        node = spec
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        node[last] = value
    return spec


def field(name: str, kind: str = "string", **options: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, **options}


def model(name: str, *fields: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "fields": list(fields) or [field("title")]}


def todo_fields(*fields: dict[str, Any]) -> list[Any]:
    return ["User", model("Todo", field("title"), *fields)]


def with_models(*models: dict[str, Any]) -> dict[str, Any]:
    return s01(database__models=["User", *models])


def with_field(**options: Any) -> dict[str, Any]:
    """S01 with one more Todo field (``name`` and ``kind`` default to a string ``extra``)."""
    name, kind = options.pop("name", "extra"), options.pop("kind", "string")
    return s01(database__models=todo_fields(field(name, kind, **options)))


def endpoint(path: str, method: str = "GET") -> list[dict[str, Any]]:
    return [{"method": method, "path": "/api/v1" + path, "auth_required": True}]


FIELD = "database.models[1].fields[1]"
LONG = "b" * 40
REFUSED = {
    "model name with a newline": (with_models(model("Todo\n")), "database.models[1].name"),
    "field name with a newline": (with_field(name="note\n"), f"{FIELD}.name"),
    "project name with a newline": (s01(project_name="Todo API\n"), "project_name"),
    "api prefix with a newline": (s01(backend_architecture__api_prefix="/api/v1\n"), "backend_architecture.api_prefix"),
    "keyword path parameter": (s01(api_endpoints=endpoint("/stats/{class}")), "api_endpoints[0].path"),
    "look-around pattern": (with_field(pattern="(?<=a)b"), f"{FIELD}.pattern"),
    "pattern with one value": (with_field(pattern="^x$"), f"{FIELD}.pattern"),
    "pattern the two engines read differently": (with_field(pattern="[[:alpha:]]+"), f"{FIELD}.pattern"),
    "tables that clash": (with_models(model("Box"), model("Boxe")), "database.models[2].name"),
    "model named Request": (with_models(model("Request")), "database.models[1].name"),
    "model named Class": (with_models(model("Class")), "database.models[1].name"),
    "model beside an enum class": (
        s01(database__models=[*todo_fields(field("priority", "enum", choices=["a", "b"])), model("TodoPriority")]),
        "database.models[2].name",
    ),
    "field model_config": (with_field(name="model_config"), f"{FIELD}.name"),
    "field registry": (with_field(name="registry"), f"{FIELD}.name"),
    "field json": (with_field(name="json"), f"{FIELD}.name"),
    "field save": (with_field(name="save", kind="boolean"), f"{FIELD}.name"),
    "field objects": (with_field(name="objects", kind="integer"), f"{FIELD}.name"),
    "one handler for two paths": (s01(api_endpoints=[*endpoint("/a-b"), *endpoint("/a_b")]), "api_endpoints[1].path"),
    "custom endpoint on a built-in path": (s01(api_endpoints=endpoint("/auth/token", "POST")), "api_endpoints[0].path"),
    "custom endpoint a CRUD route takes": (s01(api_endpoints=endpoint("/todos/stats")), "api_endpoints[0].path"),
    "json field with an object default": (with_field(kind="json", default={"a": 1}), f"{FIELD}.default"),
    "max_length past PostgreSQL's limit": (with_field(max_length=10_485_761), f"{FIELD}.max_length"),
    "identifiers equal once cut to 63": (
        with_models(model("A" * 40, field(LONG, index=True), field(LONG[:-1] + "c", index=True))),
        "database.models[1].name",
    ),
    "control character in a choice": (with_field(kind="enum", choices=["a\nb", "c"]), f"{FIELD}.choices"),
    "package name too long": (s01(project_name="x" * 41), "project_name"),
}


@pytest.mark.parametrize(("spec", "where"), REFUSED.values(), ids=REFUSED.keys())
def test_hostile_spec_is_refused_naming_its_path(spec: dict[str, Any], where: str) -> None:
    errors = spec_errors(spec, TEMPLATE_ROOT)
    assert any(e.startswith(where + ":") for e in errors), errors


ONE_LINE_INJECTIONS = [name for name in INJECTIONS if name.isprintable() and len(name) <= 100]


@pytest.mark.parametrize("name", ONE_LINE_INJECTIONS, ids=[f"injection-{i}" for i in range(len(ONE_LINE_INJECTIONS))])
def test_project_name_is_written_as_data(tmp_path: Path, name: str) -> None:
    """Every file the name reaches reads back the same name: Python, TOML, Markdown."""
    spec = s01(project_name=name, backend_architecture__project_structure=name)
    assert spec_errors(spec, TEMPLATE_ROOT) == []
    for framework, convert in (("FastAPI", lambda s: s), ("Flask", as_flask), ("Django", as_django)):
        dest = generate(convert(copy.deepcopy(spec)), tmp_path / framework, skip_tasks=True)
        assert not list(dest.rglob(CANARY + "*"))
        assert name in _python_strings(dest), framework
        description = tomllib.loads((dest / "pyproject.toml").read_text())["project"]["description"]
        assert description.startswith(name + ":")
        heading = (dest / "README.md").read_text().splitlines()[0]
        assert "\n" not in heading and heading.startswith("# ")


def _python_strings(root: Path) -> set[str]:
    """Every string constant of every generated Python file (each must parse)."""
    found: set[str] = set()
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found


def test_enum_choices_keep_every_character(tmp_path: Path) -> None:
    choices = ["🚀 launch", 'say "hi"', "back\\slash", "naïve café"]
    spec = with_field(kind="enum", choices=choices)
    for framework, convert in (("FastAPI", lambda s: s), ("Django", as_django)):
        dest = generate(convert(copy.deepcopy(spec)), tmp_path / framework, skip_tasks=True)
        assert set(choices) <= _python_strings(dest), framework


@pytest.mark.parametrize("seed", fuzz_seeds(FUZZ_COUNT))
def test_fuzzed_spec_is_refused_or_renders_clean(tmp_path: Path, seed: int) -> None:
    """Refused with a JSON path per problem, or rendered into code that parses, is ruff-clean
    as rendered, and ran nothing (no canary file)."""
    spec, applied = hostile_spec(seed)
    errors = spec_errors(copy.deepcopy(spec), TEMPLATE_ROOT)
    if errors:
        assert all(PATH_LINE.match(e) for e in errors), (applied, errors)
        return
    dest = generate(spec, tmp_path / "project", skip_tasks=True)
    assert not list(tmp_path.rglob(CANARY + "*")), applied
    _python_strings(dest)  # every file parses
    for check in (["ruff", "check", "--quiet", "."], ["ruff", "format", "--check", "--quiet", "."]):
        result = subprocess.run(check, cwd=dest, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (applied, json.dumps(spec)[:3000], result.stdout[-3000:])


def test_fuzzer_mixes_refused_and_accepted_specs() -> None:
    """The fuzzer is worth its time only if both outcomes occur; prints the share refused."""
    outcomes = [bool(spec_errors(hostile_spec(seed)[0], TEMPLATE_ROOT)) for seed in fuzz_seeds(FUZZ_COUNT)]
    print(f"fuzzed specs: {len(outcomes)}, refused: {sum(outcomes)} ({sum(outcomes) / len(outcomes):.0%})")
    assert 0 < sum(outcomes) < len(outcomes)


@pytest.mark.slow
@pytest.mark.parametrize("framework", ["FastAPI", "Flask", "Django"])
def test_cli_runs_no_spec_value_as_code(tmp_path: Path, framework: str) -> None:
    """The CLI generates (hook included) and imports the app to count its endpoints: a name that
    would close its string literal stays a name."""
    name = INJECTIONS[0]
    spec = s01(project_name=name)
    spec = {"FastAPI": spec, "Flask": as_flask(spec), "Django": as_django(spec)}[framework]
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    dest = tmp_path / "project"
    result = subprocess.run(
        [sys.executable, "-m", "python_specialist", "generate", str(spec_path), str(dest)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not list(tmp_path.rglob(CANARY + "*"))
    report = json.loads((dest / ".python-specialist" / "output.json").read_text())
    assert report["project_name"] == name
