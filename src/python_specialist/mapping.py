"""The one-to-one mapping between the input spec's fields and copier's questions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]

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
