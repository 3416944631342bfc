"""`copier update` of a generated project: owner edits survive, template changes arrive, a
same-line conflict is left for the owner (with index stages, while copier exits normally), and a
framework change is refused.

Each test works on its own clone of a throw-away git copy of this template tagged ``v1.0.0``,
generates a project from it (hooks included: the project becomes a git repo with a first
commit), then moves the template on to ``v1.1.0`` and updates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from support import load_spec

from python_specialist.mapping import TEMPLATE_ROOT, spec_to_answers

pytestmark = pytest.mark.slow

# What of this repository makes up the template (copier.yml reaches nothing else).
TEMPLATE_PARTS = (
    "copier.yml",
    "template-fastapi",
    "template-flask",
    "template-django",
    "partials",
    "extensions",
    "hooks",
)
PACKAGE = "todo_api"  # package_name of the spec's "Todo API"
README_TEMPLATE = Path("template-fastapi/README.md.jinja")
CONFIG_TEMPLATE = Path("template-fastapi/src/{{ package_name }}/core/config.py.jinja")
THROTTLE = Path(f"src/{PACKAGE}/core/throttle.py")
CONFIG = Path(f"src/{PACKAGE}/core/config.py")


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}{result.stdout}"
    return result.stdout


def commit_all(repo: Path, message: str, tag: str | None = None) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "-m", message)
    if tag:
        git(repo, "tag", tag)


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence, so a template or project that drifted fails loudly here."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new))


def answers_of(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return data


def status(project: Path) -> list[str]:
    """`git status --porcelain` lines (untracked files included)."""
    return git(project, "status", "--porcelain", "--untracked-files=all").splitlines()


def unmerged(project: Path) -> set[str]:
    """Paths with conflict stages in the index (`git ls-files -u`)."""
    return {line.split("\t", 1)[1] for line in git(project, "ls-files", "-u").splitlines()}


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A git identity and config of our own (a fresh CI machine has none; a developer's may
    sign commits), and this run's tools (uv, ruff) first on PATH for the post-generation hook."""
    home = tmp_path_factory.mktemp("git-home")
    (home / "gitconfig").write_text("")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for who in ("AUTHOR", "COMMITTER"):
            mp.setenv(f"GIT_{who}_NAME", "Update Test")
            mp.setenv(f"GIT_{who}_EMAIL", "update-test@localhost")
        mp.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        yield


@pytest.fixture(scope="module")
def template_v1(tmp_path_factory: pytest.TempPathFactory, environment: None) -> Path:
    """A git repository holding this template as it is in the working tree, tagged v1.0.0."""
    repo = tmp_path_factory.mktemp("template-origin")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in TEMPLATE_PARTS:
        source = TEMPLATE_ROOT / part
        if source.is_dir():
            shutil.copytree(source, repo / part, ignore=ignore)
        else:
            shutil.copy2(source, repo / part)
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "Template 1.0.0", tag="v1.0.0")
    return repo


@pytest.fixture
def template(template_v1: Path, tmp_path: Path) -> Path:
    """This test's own clone of the v1.0.0 template, free to move on."""
    clone = tmp_path / "template"
    git(tmp_path, "clone", "--quiet", str(template_v1), str(clone))
    return clone


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    """A project generated from the template's latest tag (v1.0.0), hooks included."""
    dest = tmp_path / "project"
    answers = spec_to_answers(load_spec("s01-todo", database__type="SQLite"))
    copier.run_copy(str(template), dest, data=answers, defaults=True, unsafe=True, quiet=True)
    return dest


def update(project: Path, **kwargs: Any) -> None:
    copier.run_update(project, defaults=True, overwrite=True, unsafe=True, conflict="inline", quiet=True, **kwargs)


def test_generated_project_is_a_committed_git_repo_at_the_tag(project: Path) -> None:
    answers = answers_of(project)
    assert answers["_commit"] == "v1.0.0"
    assert answers["framework"] == "FastAPI"
    assert Path(answers["_src_path"]).is_absolute()
    assert git(project, "log", "--format=%s") == "Generated by python-specialist\n"
    assert status(project) == []  # everything the hook wrote is committed (.env is ignored)


def test_update_keeps_owner_edits_and_brings_template_changes(template: Path, project: Path) -> None:
    # The owner edits two generated files and commits.
    owner_paragraph = "## Our deployment\n\nWe run this behind the company gateway.\n"
    with (project / "README.md").open("a") as handle:
        handle.write("\n" + owner_paragraph)
    owner_docstring = '"""Throttling of failed logins (owner: tuned for the gateway), per account and client address.'
    replace_once(project / THROTTLE, '"""Throttling of failed logins, per account and client address.', owner_docstring)
    commit_all(project, "Owner edits")
    answers_before = answers_of(project)
    tracked_before = set(git(project, "ls-files").splitlines())

    # The template changes other lines (README far from the owner's paragraph; a new setting in
    # config.py) and moves on to v1.1.0.
    template_line = "> Keep this project current with `copier update`."
    replace_once(template / README_TEMPLATE, "\n## Run\n", f"\n{template_line}\n\n## Run\n")
    new_setting = "request_timeout_seconds: float = 30.0"
    replace_once(
        template / CONFIG_TEMPLATE, "    db_echo: bool = False\n", f"    db_echo: bool = False\n    {new_setting}\n"
    )
    commit_all(template, "Template 1.1.0", tag="v1.1.0")

    update(project)

    readme = (project / "README.md").read_text()
    assert readme.endswith(owner_paragraph), "the owner's README paragraph was lost"
    assert template_line in readme, "the template's README change did not arrive"
    throttle = (project / THROTTLE).read_text()
    assert owner_docstring in throttle, "the owner's throttle.py edit was lost"
    assert new_setting in (project / CONFIG).read_text(), "the template's new setting did not arrive"
    answers_after = answers_of(project)
    assert answers_after.pop("_commit") == "v1.1.0"
    answers_before.pop("_commit")
    assert answers_after == answers_before, "the update changed (re-asked or recomputed) an answer"
    assert unmerged(project) == set()
    assert "<<<<<<<" not in readme
    # Exactly the files the template changed are modified; nothing deleted, nothing new.
    assert sorted(status(project)) == sorted([" M .copier-answers.yml", " M README.md", f" M {CONFIG.as_posix()}"]), (
        "update touched more (or fewer) files than the template changed"
    )
    assert set(git(project, "ls-files").splitlines()) == tracked_before


def test_same_line_change_is_a_conflict_left_for_the_owner(template: Path, project: Path) -> None:
    replace_once(project / "README.md", "# Todo API\n", "# Todo API (owner's title)\n")
    commit_all(project, "Owner retitles the README")
    heading = "# {{ project_name | md_text }}"
    replace_once(template / README_TEMPLATE, f"{heading}\n", f"{heading} service\n")
    commit_all(template, "Template 1.1.0", tag="v1.1.0")

    update(project)  # returns normally: copier does not fail on conflicts

    assert unmerged(project) == {"README.md"}, "the conflict is not recorded in the index"
    readme = (project / "README.md").read_text()
    assert "<<<<<<< " in readme
    assert "\n=======\n" in readme
    assert ">>>>>>> " in readme
    assert "# Todo API (owner's title)\n" in readme
    assert "# Todo API service\n" in readme
    assert answers_of(project)["_commit"] == "v1.1.0"


def test_framework_change_on_update_is_refused(template: Path, project: Path) -> None:
    # A new template version; the project asks for another framework that the template offers
    # (template-flask/ is there: only the validator stands between the owner's files and copier).
    with (template / "copier.yml").open("a") as config:
        config.write("# 1.1.0\n")
    commit_all(template, "Template 1.1.0", tag="v1.1.0")
    readme_before = (project / "README.md").read_bytes()
    head_before = git(project, "rev-parse", "HEAD")

    # The validator's ValueError; without it copier would replace the FastAPI files by Flask's.
    with pytest.raises(ValueError, match="question 'framework'") as refused:
        update(project, data={"framework": "Flask"})

    message = str(refused.value)
    assert "changing the framework of an existing project (FastAPI -> Flask) is refused" in message
    assert status(project) == [], "a refused update changed the project"
    assert (project / "README.md").read_bytes() == readme_before
    assert git(project, "rev-parse", "HEAD") == head_before
    assert answers_of(project)["_commit"] == "v1.0.0"
    assert answers_of(project)["framework"] == "FastAPI"
