"""The CLI installed as a tool: a wheel carries the template family and generates from it.

Builds happen outside the repository (temporary directories, removed afterwards), so the
repository's own tree is never touched and the installed CLI cannot fall back on it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from python_specialist.mapping import REPOSITORY_ROOT, TEMPLATE_ROOT

SPEC = Path(__file__).parent / "specs" / "s01-todo.json"
PACKAGED = "python_specialist/template"
TEMPLATE_PARTS = (
    "copier.yml", "template-fastapi", "template-flask", "template-django", "partials", "extensions", "hooks", "schemas",
)  # fmt: skip

pytestmark = pytest.mark.skipif(
    not (REPOSITORY_ROOT / "pyproject.toml").is_file(), reason="needs the repository (an editable install)"
)


def uv() -> str:
    """The uv of this test run: on PATH, or the binary the ``uv`` package ships."""
    found = shutil.which("uv")
    if found:
        return found
    from uv import find_uv_bin  # the test extra installs it

    return str(find_uv_bin())


def run(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, f"{cmd} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture
def outside() -> Iterator[Path]:
    """A temporary directory outside the repository (pytest's tmp_path may sit anywhere)."""
    path = Path(tempfile.mkdtemp(prefix="python-specialist-packaging-"))
    assert not path.resolve().is_relative_to(REPOSITORY_ROOT)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def build(kind: str, out: Path) -> Path:
    """Build the repository's ``--wheel`` or ``--sdist`` into ``out``; the built file."""
    run(uv(), "build", kind, "--out-dir", out, REPOSITORY_ROOT)
    pattern = "*.whl" if kind == "--wheel" else "*.tar.gz"
    (built,) = out.glob(pattern)
    return built


def tool_environment(venv: Path) -> dict[str, str]:
    """The environment of a user who installed the tool: its venv, not this test run's, on PATH."""
    ours = {str(Path(sys.executable).parent), os.environ.get("VIRTUAL_ENV", "") + "/bin"}
    path = [str(venv / "bin"), *(p for p in os.environ.get("PATH", "").split(os.pathsep) if p not in ours)]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(path)
    return env


def test_editable_install_uses_the_repository() -> None:
    assert TEMPLATE_ROOT == REPOSITORY_ROOT
    assert (TEMPLATE_ROOT / "copier.yml").is_file()


@pytest.mark.slow
def test_installed_wheel_generates_from_its_packaged_template(outside: Path) -> None:
    wheel = build("--wheel", outside / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for part in TEMPLATE_PARTS:
        assert any(n == f"{PACKAGED}/{part}" or n.startswith(f"{PACKAGED}/{part}/") for n in names), part

    venv = outside / "venv"
    run(uv(), "venv", "--quiet", "--python", sys.executable, venv)
    # As pip and pipx do: bytecode compiled into the installed template must not reach a project.
    run(uv(), "pip", "install", "--quiet", "--compile-bytecode", "--python", venv / "bin" / "python", wheel)
    packaged = run(venv / "bin" / "python", "-c", "from python_specialist.mapping import TEMPLATE_ROOT as t; print(t)")
    assert Path(packaged.strip()).is_relative_to(venv)

    dest = outside / "generated"
    result = subprocess.run(
        [venv / "bin" / "python-specialist", "generate", SPEC, dest],
        cwd=outside,
        env=tool_environment(venv),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    report_path = dest / ".python-specialist" / "output.json"
    assert result.stdout.strip() == str(report_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["package_name"] == "todo_api"
    assert (dest / "src" / "todo_api" / "main.py").is_file()
    assert (dest / "migrations").is_dir()
    assert report["metrics"]["endpoints"] > 0
    answers = (dest / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "_commit:" not in answers  # a plain directory: no git revision to record
    # The report's measurements import the app (so src/ may hold bytecode now), never the tests.
    assert list((dest / "tests").rglob("__pycache__")) == []


@pytest.mark.slow
def test_sdist_holds_the_template_and_builds_the_wheel(outside: Path) -> None:
    sdist = build("--sdist", outside / "dist")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"copier.yml", "pyproject.toml", "hooks/post_generate.py", "extensions/spec_model.py"} <= names
    assert any(n.startswith("template-fastapi/") for n in names)
    # What pip does with an sdist: build the wheel from it; the template must come along.
    run(uv(), "build", "--wheel", "--out-dir", outside / "wheel", sdist)
    (wheel,) = (outside / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert f"{PACKAGED}/copier.yml" in archive.namelist()
