"""The options registry (extensions/specmodel/options.py) is the one home of the option rules:
copier's validators and the CLI say the same words, copier's choices are its offered values, and
the generated projects of a test run cover every pair of values that can go together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PROJECTS, _answers
from copier import run_copy
from support import SPEC_MODEL, load_spec, switched, with_answers

from python_specialist.mapping import TEMPLATE_ROOT, copier_data, spec_to_answers, template_vcs_ref
from python_specialist.validation import spec_errors

BAD_ANSWERS = {
    "async Flask": {"framework": "Flask", "async_support": True},
    "async FastAPI on a sync database": {"framework": "FastAPI", "async_support": True, "database_async": False},
    "sync FastAPI on an async database": {"framework": "FastAPI", "async_support": False, "database_async": True},
    "Django ORM with FastAPI": {"framework": "FastAPI", "database_orm": "Django ORM"},
    "SQLAlchemy with Django": {"framework": "Django", "database_orm": "SQLAlchemy"},
    "BackgroundTasks with Flask": {"framework": "Flask", "background_tasks_library": "FastAPI BackgroundTasks"},
    "a social provider without OAuth2": {"auth_method": "JWT", "auth_providers": ["local", "github"]},
    "no way to sign in": {"auth_method": "OAuth2", "auth_providers": []},
    "a broker not offered": {"background_tasks_broker": "Redis"},
}


@pytest.mark.parametrize("answers", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_copier_and_the_cli_refuse_with_the_same_words(tmp_path: Path, answers: dict[str, Any]) -> None:
    spec = load_spec("s01-todo", database__type="SQLite")
    spec["background_tasks"]["library"] = "none"
    spec = switched(spec, "framework", answers.get("framework", "FastAPI"))
    spec = with_answers(spec, answers)  # exactly these answers, nothing else moved
    cli_lines = spec_errors(spec, TEMPLATE_ROOT)
    assert cli_lines
    with pytest.raises(ValueError, match="Validation error") as raised:
        run_copy(
            str(TEMPLATE_ROOT),
            tmp_path / "project",
            data=copier_data(spec),
            defaults=True,
            unsafe=True,
            vcs_ref=template_vcs_ref(TEMPLATE_ROOT),
            quiet=True,
            skip_tasks=True,
        )
    copier_lines = [line for line in str(raised.value).split(": ", 1)[1].splitlines() if line.strip()]
    assert copier_lines
    assert set(copier_lines) <= set(cli_lines), (copier_lines, cli_lines)
    assert not (tmp_path / "project").exists()


def test_copier_choices_are_the_offered_values() -> None:
    questions = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    for option in SPEC_MODEL.OPTIONS:
        question = questions[option.question]
        choices = question.get("choices")
        if choices is not None:
            if question["type"] == "json":  # copier parses each choice as JSON
                choices = [json.loads(choice) for choice in choices]
            assert choices == option.offered, option.question


def test_every_question_has_its_validator() -> None:
    questions = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
    for option in SPEC_MODEL.OPTIONS:
        if option.values:
            assert f"option_errors('{option.question}')" in questions[option.question]["validator"]


def test_switch_moves_only_what_no_longer_fits() -> None:
    spec = load_spec("s01-todo")
    answers = SPEC_MODEL.switch(spec_to_answers(spec), "framework", "Django")
    assert answers["database_orm"] == "Django ORM"
    assert answers["async_support"] is False
    assert answers["background_tasks_library"] == "none"
    assert answers["database_type"] == spec["database"]["type"]
    assert SPEC_MODEL.spec_option_errors(answers) == []


def test_the_projects_of_a_test_run_cover_every_pair_of_values() -> None:
    given = [_answers(make()) for make in PROJECTS.values()]
    assert SPEC_MODEL.pairwise(given) == []
    assert all(SPEC_MODEL.spec_option_errors(answers) == [] for answers in given)


def test_pairwise_covers_every_pair_from_nothing() -> None:
    rows = SPEC_MODEL.pairwise([], seed=7)
    assert rows and SPEC_MODEL.pairwise(rows) == []
    frameworks = {row["framework"] for row in rows}
    assert frameworks == {"FastAPI", "Flask", "Django"}


def test_makefile_installs_the_manager_versions_the_projects_pin() -> None:
    """The Makefile installs poetry and pipenv at the versions the generated Dockerfiles and CI use."""
    makefile = (TEMPLATE_ROOT / "Makefile").read_text()
    for name in ("poetry", "pipenv"):
        version = SPEC_MODEL.managers.MANAGERS[name].version
        assert f"{name.upper()}_VERSION := {version}\n" in makefile
