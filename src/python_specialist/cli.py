"""``python-specialist generate SPEC DEST``: validate a spec, generate the backend, report on it.

With ``--skill NAME`` the spec is one skill's input (``skills.py``) and the report covers only
that skill's part of the project.

Exit status: 0 generated (and verified, with ``--verify``); 1 generation, measurement or
verification failed; 2 the spec or the command line is wrong (nothing written).
Progress and problems go to stderr; stdout carries only the path of the report.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from python_specialist import measure
from python_specialist.mapping import (
    COPY_EXCLUDE,
    TEMPLATE_ROOT,
    copier_data,
    load_spec_model,
    spec_to_answers,
    template_vcs_ref,
)
from python_specialist.skills import METRICS, SKILLS, Generated, Skill
from python_specialist.validation import (
    INPUT_SCHEMA,
    OUTPUT_SCHEMA,
    framework_of,
    load_json,
    load_spec,
    lookup,
    schema_file,
    spec_errors,
)

AGENT = "@python-specialist"
REPORT_DIR = ".python-specialist"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
NEXT_PHASE = {"PostgreSQL": "@postgresql-specialist"}


class CliError(Exception):
    """A problem reported as one or more stderr lines, with its exit status."""

    def __init__(self, lines: Sequence[str], status: int) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)
        self.status = status


def log(message: str) -> None:
    print(f"python-specialist: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python-specialist",
        description="Generate a Python backend from an orchestrator's spec.",
        epilog="exit status: 0 done, 1 generation or verification failed, 2 bad spec or arguments",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="generate a backend from a spec")
    generate.add_argument("spec", type=Path, help="the input spec (JSON or YAML)")
    generate.add_argument("dest", type=Path, help="directory of the generated project")
    generate.add_argument("--force", action="store_true", help="generate into a non-empty DEST (overwrites)")
    generate.add_argument("--verify", action="store_true", help="run the project's tests, ruff and mypy")
    generate.add_argument("--template", type=Path, default=TEMPLATE_ROOT, help="root of the template family")
    generate.add_argument(
        "--skill",
        choices=sorted(SKILLS),
        help="SPEC is this skill's input; report only its part of the project (not with --verify)",
    )
    update = commands.add_parser("update", help="apply a changed spec to a generated project (adds a migration)")
    update.add_argument("spec", type=Path, help="the changed spec (JSON or YAML)")
    update.add_argument("project", type=Path, help="the generated project (a git repository with a clean tree)")
    update.add_argument(
        "--allow-data-loss", action="store_true", help="allow dropping tables or columns and narrowing columns"
    )
    update.add_argument("--vcs-ref", help="template version to update to (default: its latest tag)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "update":
        try:
            project = args.project.absolute()
            return update(args.spec, project, allow_data_loss=args.allow_data_loss, vcs_ref=args.vcs_ref)
        except CliError as exc:
            for line in exc.lines:
                print(line, file=sys.stderr)
            return exc.status
    if args.skill and args.verify:
        parser.error("--verify checks the whole project: use it without --skill")
    skill = SKILLS[args.skill] if args.skill else None
    try:
        return generate(
            args.spec, args.dest, args.template.resolve(), force=args.force, verify=args.verify, skill=skill
        )
    except CliError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.status


# ---------------------------------------------------------------------------
# generate
# ---------------------------------------------------------------------------


def generate(
    spec_path: Path, dest: Path, template_root: Path, *, force: bool, verify: bool, skill: Skill | None = None
) -> int:
    """Generate the project of the agent's spec, or of one skill's spec (``verify`` is the agent's only)."""
    dest = dest.absolute()
    spec = read_valid_spec(spec_path, template_root, skill.input_schema if skill else INPUT_SCHEMA)
    check_destination(dest, force)
    report_path = dest / REPORT_DIR / (skill.report_name if skill else "output.json")
    for_skill = f" for the {skill.name} skill" if skill else ""
    log(f"generating {framework_of(spec)} project {spec['project_name']!r} into {dest}{for_skill}")
    report_path.unlink(missing_ok=True)  # never leave a stale report behind
    created = not dest.exists()
    try:
        render(spec, dest, template_root, overwrite=force)
        package = str(load_spec_model(template_root).snake(spec["project_name"]))
        if skill:
            report = build_skill_report(skill, spec, dest, package)
        else:
            report = build_report(spec, dest, package, verify=verify)
        check_report(report, template_root, skill.output_schema if skill else OUTPUT_SCHEMA)
    except BaseException:
        # A project that could not be generated or measured is not left half-made.
        if created and dest.exists():
            log(f"removing {dest}: generation failed")
            shutil.rmtree(dest)
        raise
    write_report(report, report_path)
    print(report_path)
    verification = report.get("verification")
    if verification is not None and not verification["passed"]:
        log("verification failed")
        return EXIT_FAILED
    log("done")
    return EXIT_OK


# ---------------------------------------------------------------------------
# update
# ---------------------------------------------------------------------------


def update(spec_path: Path, project: Path, *, allow_data_loss: bool, vcs_ref: str | None) -> int:
    """Apply a changed spec to a project generated earlier: copier's three-way update of the
    code, plus the migration for the difference (written by the template's add_migration hook).
    Prints a JSON report: the differences seen, the migration added, files left in conflict."""
    answers_file = project / ".copier-answers.yml"
    if not answers_file.is_file():
        raise CliError([f"{project}: no .copier-answers.yml; not a generated project"], EXIT_USAGE)
    previous = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    template_root = Path(previous["_src_path"])
    spec = read_valid_spec(spec_path, TEMPLATE_ROOT, INPUT_SCHEMA)
    answers = copier_data(spec)
    spec_model = load_spec_model(TEMPLATE_ROOT)
    framework = framework_of(spec)
    if framework != previous["framework"]:
        raise CliError([f"backend_architecture.framework: the project is {previous['framework']}; refused"], EXIT_USAGE)
    package = str(spec_model.snake(previous["project_name"]))
    state_file = project / spec_model.evolve.state_path(framework, package)
    models = spec_to_answers(spec)["models"]
    auth_enabled = spec_to_answers(spec)["auth_method"] != "none"
    plan = None
    if state_file.is_file():
        plan = spec_model.evolve.plan(yaml.safe_load(state_file.read_text()), models, auth_enabled, allow_data_loss)
        if plan.errors:
            raise CliError([*plan.errors, f"{len(plan.errors)} problem(s) in {spec_path}; nothing written"], EXIT_USAGE)
    migrations = spec_model.evolve.migrations_dir(project, framework, package)
    before = set(migrations.glob("*.py"))
    log(f"updating {project} from {spec_path}")
    import copier

    try:
        with warnings.catch_warnings(), stdout_to_stderr():
            warnings.simplefilter("ignore")
            copier.run_update(
                project,
                data={**answers, "allow_data_loss": allow_data_loss},
                defaults=True,
                overwrite=True,
                unsafe=True,
                conflict="inline",
                quiet=True,
                vcs_ref=vcs_ref,
            )
    except Exception as exc:
        raise CliError([f"copier update failed: {type(exc).__name__}: {exc}".rstrip()], EXIT_FAILED) from exc
    added = sorted(p.relative_to(project).as_posix() for p in set(migrations.glob("*.py")) - before)
    conflicts = _git_lines(project, "diff", "--name-only", "--diff-filter=U")
    report = {
        "project": str(project),
        "template": str(template_root),
        "changes": [c.summary for c in plan.changes] if plan else [],
        "migrations_added": added,
        "conflicts": conflicts,
        "next": "make migrate" if added else None,
    }
    print(json.dumps(report, indent=2))
    log("done" if not conflicts else f"done, with conflicts to resolve in: {', '.join(conflicts)}")
    return EXIT_OK


def _git_lines(project: Path, *args: str) -> list[str]:
    result = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)
    return result.stdout.splitlines()


def read_valid_spec(spec_path: Path, template_root: Path, schema: Path) -> dict[str, Any]:
    log(f"validating {spec_path} against {schema.name}")
    try:
        spec = load_spec(spec_path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise CliError([f"{spec_path}: cannot read the spec: {exc}"], EXIT_USAGE) from exc
    errors = spec_errors(spec, template_root, schema)
    if errors:
        summary = f"{len(errors)} problem{'s' * (len(errors) != 1)} in {spec_path}; nothing written"
        raise CliError([*errors, summary], EXIT_USAGE)
    assert isinstance(spec, dict)  # the schema requires an object
    return spec


def check_destination(dest: Path, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise CliError([f"{dest}: exists and is not a directory"], EXIT_USAGE)
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise CliError([f"{dest}: exists and is not empty; use --force to generate into it"], EXIT_USAGE)


def render(spec: dict[str, Any], dest: Path, template_root: Path, *, overwrite: bool) -> None:
    """Run copier (its failures as a CliError)."""
    import copier  # slow to import: only when a project is really generated
    from copier.errors import DirtyLocalWarning, MissingFileWarning

    try:
        with warnings.catch_warnings(), stdout_to_stderr():
            # Expected: a git template has uncommitted edits, and a new project has no answers file yet.
            warnings.simplefilter("ignore", DirtyLocalWarning)
            warnings.simplefilter("ignore", MissingFileWarning)
            copier.run_copy(
                str(template_root),
                dest,
                data=copier_data(spec),
                defaults=True,
                unsafe=True,
                vcs_ref=template_vcs_ref(template_root),
                exclude=COPY_EXCLUDE,
                quiet=True,
                overwrite=overwrite,
            )
    except Exception as exc:
        raise CliError([f"copier failed: {type(exc).__name__}: {exc}".rstrip()], EXIT_FAILED) from exc


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send file descriptor 1 to stderr, so copier's tasks cannot write to our stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 1)
        os.close(saved)


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def build_report(spec: dict[str, Any], dest: Path, package: str, *, verify: bool) -> dict[str, Any]:
    """The agent's report: the whole project."""
    artefacts = measure.artefacts(dest, package)
    with measuring():
        log(METRICS["type_hint_coverage"].doing)
        hints = measure.type_hint_coverage(measure.package_dir(dest, package))
        log(METRICS["endpoints"].doing)
        endpoints = measure.count_endpoints(dest, package)
        verification = measure.verify(dest, dest / REPORT_DIR, log) if verify else None
    return {
        "agent": AGENT,
        "framework": framework_of(spec),
        "project_name": spec["project_name"],
        "project_path": str(dest),
        "package_name": package,
        "artefacts": artefacts,
        "metrics": {
            "endpoints": endpoints,
            "type_hint_coverage": hints,
            "test_coverage": verification.test_coverage if verification else None,
        },
        "verification": verification.as_json() if verification else None,
        "next_phase": next_phase(spec),
    }


def build_skill_report(skill: Skill, spec: dict[str, Any], dest: Path, package: str) -> dict[str, Any]:
    """One skill's report: its artefact categories and its metrics, measured on them."""
    project = Generated(dest, package, measure.artefacts(dest, package, skill.categories))
    metrics: dict[str, int | float] = {}
    with measuring():
        for name in skill.metrics:
            log(METRICS[name].doing)
            metrics[name] = METRICS[name].measure(project)
    return {
        "skill": skill.name,
        "agent": AGENT,
        "project_path": str(dest),
        "package_name": package,
        "artefacts": project.artefacts,
        "metrics": metrics,
        "next_phase": next_phase(spec),
    }


@contextlib.contextmanager
def measuring() -> Iterator[None]:
    try:
        yield
    except (measure.MeasureError, SyntaxError, OSError) as exc:
        raise CliError([f"measuring the generated project failed: {exc}"], EXIT_FAILED) from exc


def next_phase(spec: dict[str, Any]) -> str | None:
    return NEXT_PHASE.get(str(lookup(spec, "database.type", "SQLite")))


def check_report(report: dict[str, Any], template_root: Path, schema_path: Path) -> None:
    schema = load_json(schema_file(template_root, schema_path))
    problems = [e.message for e in Draft202012Validator(schema).iter_errors(report)]
    if problems:
        lines = [f"internal error: the report breaks {schema_path}: {p}" for p in problems]
        raise CliError(lines, EXIT_FAILED)


def write_report(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
