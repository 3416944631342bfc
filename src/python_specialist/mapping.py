"""Where the template family is, and the one-to-one mapping between the input spec's fields and
copier's questions (read from the template's options registry)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

# A wheel ships the template family inside the package (pyproject.toml: force-include); an
# editable install or a checkout runs it from the repository, two levels above this package.
PACKAGED_TEMPLATE = Path(__file__).resolve().parent / "template"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_ROOT = PACKAGED_TEMPLATE if (PACKAGED_TEMPLATE / "copier.yml").is_file() else REPOSITORY_ROOT
# Bytecode pip compiles into the installed template's plain .py files. Copier's own default
# excludes (the same patterns) stop applying once copier.yml sets ``_subdirectory``.
COPY_EXCLUDE = ("__pycache__", "*.py[co]")


def load_spec_model(template_root: Path) -> ModuleType:
    """``extensions/spec_model.py`` of the template (copier's entry to ``extensions/specmodel``),
    imported by path: the template is not a package of this one."""
    path = template_root / "extensions" / "spec_model.py"
    name = f"_python_specialist_spec_model_{abs(hash(path))}"
    if name in sys.modules:
        return sys.modules[name]
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    module_spec.loader.exec_module(module)
    return module


# JSON path of a spec field -> name of the copier question that carries it (the options registry).
SPEC_TO_QUESTION: dict[str, str] = {option.path: option.question for option in load_spec_model(TEMPLATE_ROOT).OPTIONS}


def spec_to_answers(spec: dict[str, Any]) -> dict[str, Any]:
    """Copier answers for the fields the spec gives; copier's defaults fill the rest."""
    answers: dict[str, Any] = {}
    for path, question in SPEC_TO_QUESTION.items():
        node: Any = spec
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                break
            node = node[key]
        else:
            answers[question] = node
    return answers


def copier_data(spec: dict[str, Any]) -> dict[str, Any]:
    """The answers of ``spec`` as copier's ``data``: copier parses a string given to a ``json``
    question as JSON text, so a string value there (a broker's name) goes as its JSON text."""
    questions = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    types = {name: q.get("type") for name, q in questions.items() if isinstance(q, dict)}
    return {
        question: json.dumps(value) if types.get(question) == "json" and isinstance(value, str) else value
        for question, value in spec_to_answers(spec).items()
    }


def is_git_work_tree_root(path: Path) -> bool:
    """Whether ``path`` is the top of a git work tree: the test copier applies before it treats a
    local template as a git repository (clones it, honours ``vcs_ref``)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True, check=False
        )
    except OSError:  # no git, or no such directory
        return False
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == path.resolve()


def template_vcs_ref(template_root: Path) -> str | None:
    """``vcs_ref`` for copier: ``HEAD`` for a git work tree (its current state, uncommitted edits
    included, rather than its latest tag); None for a plain directory such as the packaged copy."""
    return "HEAD" if is_git_work_tree_root(template_root) else None
