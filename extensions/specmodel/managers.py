"""The dependency managers a generated project can use: for each, the commands of the operating
contract (``make install``, ``make lock``, how a tool runs in the project's environment), its
lock files and the tool versions the Dockerfile and CI install. The dependency lists themselves
are each framework's (``[project].dependencies``) plus the development tools below; every
manager reads the same lists, in the file it is made for."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Manager:
    name: str
    run: str  # what runs a tool in the project's environment ("" when the Makefile puts .venv/bin on PATH)
    install: tuple[str, ...]  # `make install`: exactly what the lock lists (locking first without one)
    lock: tuple[str, ...]  # the recipe of `make lock`
    lock_files: tuple[str, ...]
    dev_group: str  # where pyproject.toml keeps the development tools: "dependency-groups", "extra" or ""
    version: str = ""  # of the tool, as the Dockerfile and CI install it (pip comes with Python)

    @property
    def prefix(self) -> str:
        """What goes before a command of the project's environment outside the Makefile."""
        return f"{self.run} " if self.run else ".venv/bin/"

    def tool(self, command: str) -> str:
        return self.prefix + command


MANAGERS = {
    "uv": Manager(
        "uv",
        run="uv run",
        install=("test -f uv.lock || $(MAKE) lock", "uv sync --locked"),
        lock=("uv lock",),
        lock_files=("uv.lock",),
        dev_group="dependency-groups",
        version="0.13.9",
    ),
    "pip": Manager(
        "pip",
        run="",
        install=(
            "test -f requirements-dev.txt || $(MAKE) lock",
            "python3 -m venv .venv",
            ".venv/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt",
            ".venv/bin/python -m pip install --quiet --no-deps --editable .",
        ),
        lock=(
            "test -x .venv/bin/pip-compile || python3 -m venv .venv",
            "test -x .venv/bin/pip-compile || .venv/bin/python -m pip install --quiet pip-tools",
            "$(PIP_COMPILE) --output-file requirements.txt pyproject.toml",
            "$(PIP_COMPILE) --extra dev --output-file requirements-dev.txt pyproject.toml",
        ),
        lock_files=("requirements.txt", "requirements-dev.txt"),
        dev_group="extra",
    ),
    "poetry": Manager(
        "poetry",
        run="poetry run",
        install=("test -f poetry.lock || $(MAKE) lock", "poetry sync"),
        lock=("poetry lock",),
        lock_files=("poetry.lock",),
        dev_group="dependency-groups",
        version="2.5.1",
    ),
    "pipenv": Manager(
        "pipenv",
        run="pipenv run",
        install=("test -f Pipfile.lock || $(MAKE) lock", "pipenv install --deploy --dev"),
        lock=("pipenv lock",),
        lock_files=("Pipfile.lock",),
        dev_group="",
        version="2026.10.3",
    ),
}

# The development tools of every generated project, then each framework's own.
DEV_COMMON = ("mypy>=1.13", "pre-commit>=4.0", "pytest>=8.3", "pytest-cov>=6.0", "ruff>=0.8")
DEV_BY_FRAMEWORK = {
    "FastAPI": ("httpx>=0.28",),
    "Flask": (),
    "Django": (
        "django-stubs[compatible-mypy]>=5.2",
        "djangorestframework-stubs[compatible-mypy]>=3.16",
        "factory-boy>=3.3",
        "pytest-django>=4.9",
    ),
}
DEV_ASYNC = ("pytest-asyncio>=0.25",)  # an async project's tests run on an event loop
DEV_BY_MANAGER = {"pip": ("pip-tools>=7.5",)}  # `make lock` of a pip project runs pip-compile
DEV_BY_TASK_LIBRARY = {"Celery": ("celery-types>=0.26",)}  # Celery ships no type hints


def manager(name: str) -> Manager:
    return MANAGERS[name]


def dev_dependencies(
    framework: str, manager_name: str, is_async: bool = False, task_library: str = "none"
) -> list[str]:
    """The development tools of a project, sorted by name."""
    found = DEV_COMMON + DEV_BY_FRAMEWORK[framework] + (DEV_ASYNC if is_async else ())
    found += DEV_BY_MANAGER.get(manager_name, ()) + DEV_BY_TASK_LIBRARY.get(task_library, ())
    return sorted(found, key=lambda r: _REQUIREMENT.match(r).group("name").lower())  # type: ignore[union-attr]


_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(?:\[(?P<extras>[^\]]+)\])?(?P<version>.*)$")


def pipfile_entry(requirement: str) -> str:
    """``name = "version"`` or ``name = {version = "...", extras = [...]}`` for a Pipfile."""
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    version = match.group("version").strip() or "*"
    if not match.group("extras"):
        return f'{match.group("name")} = "{version}"'
    extras = ", ".join(f'"{e.strip()}"' for e in match.group("extras").split(","))
    return f'{match.group("name")} = {{version = "{version}", extras = [{extras}]}}'
