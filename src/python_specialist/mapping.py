"""The one-to-one mapping between the input spec's fields and copier's questions."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

# A wheel ships the template family inside the package (pyproject.toml: force-include); an
# editable install or a checkout runs it from the repository, two levels above this package.
PACKAGED_TEMPLATE = Path(__file__).resolve().parent / "template"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_ROOT = PACKAGED_TEMPLATE if (PACKAGED_TEMPLATE / "copier.yml").is_file() else REPOSITORY_ROOT
# Bytecode pip compiles into the installed template's plain .py files. Copier's own default
# excludes (the same patterns) stop applying once copier.yml sets ``_subdirectory``.
COPY_EXCLUDE = ("__pycache__", "*.py[co]")

# JSON path of a spec field -> name of the copier question that carries it.
SPEC_TO_QUESTION: dict[str, str] = {
    "project_name": "project_name",
    "backend_architecture.framework": "framework",
    "backend_architecture.async_support": "async_support",
    "backend_architecture.project_structure": "project_structure",
    "backend_architecture.dependency_manager": "dependency_manager",
    "backend_architecture.api_prefix": "api_prefix",
    "api_endpoints": "api_endpoints",
    "database.type": "database_type",
    "database.orm": "database_orm",
    "database.async": "database_async",
    "database.models": "models",
    "authentication.method": "auth_method",
    "authentication.providers": "auth_providers",
    "background_tasks.library": "background_tasks_library",
    "background_tasks.broker": "background_tasks_broker",
    "api_docs": "api_docs",
    "testing_framework": "testing_framework",
}


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
