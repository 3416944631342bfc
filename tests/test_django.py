"""The Django template: what tests/test_generated_project.py and tests/contract/ do not cover.

The generated Django projects themselves go through the same checks as the FastAPI ones: they are
listed in tests/conftest.py's PROJECTS.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from copier.errors import CopierError
from specgen import random_spec
from support import as_django, generate, load_spec


@pytest.mark.parametrize(
    "spec",
    [load_spec("s01-todo"), load_spec("blog"), load_spec("all-types"), random_spec(7), random_spec(11)],
    ids=["s01", "blog", "all-types", "random-7", "random-11"],
)
def test_rendered_django_code_needs_no_formatting(tmp_path: Path, spec: dict[str, Any]) -> None:
    destination = generate(as_django(spec), tmp_path / "raw", skip_tasks=True)
    for command in (["ruff", "format", "--check", "."], ["ruff", "check", "--no-cache", "."]):
        result = subprocess.run(command, cwd=destination, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_django_orm_goes_with_django_only(tmp_path: Path) -> None:
    spec = as_django(load_spec("s01-todo"))
    spec["database"]["orm"] = "SQLAlchemy"
    with pytest.raises((CopierError, ValueError), match="database_orm"):
        generate(spec, tmp_path / "mismatch", skip_tasks=True)
