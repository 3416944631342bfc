"""After `copier update`: the migration from the data model the project's migrations have reached
(`models.json` beside them) to the spec's, chained after the latest one.

Run by copier's `_tasks` on update (copier also runs it in the temporary copies it renders for
the three-way merge; they hold no `models.json`, so it does nothing there). Migrations already
written, generated or by hand, are never touched. Needs the interpreter that runs copier (Jinja
and PyYAML come with copier).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent


def say(message: str) -> None:
    print(f"[add-migration] {message}", flush=True)


def load_spec_model():  # type: ignore[no-untyped-def]
    path = TEMPLATE_ROOT / "extensions" / "spec_model.py"
    spec = importlib.util.spec_from_file_location("spec_model_for_hooks", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    answers = yaml.safe_load(Path(".copier-answers.yml").read_text(encoding="utf-8"))
    spec_model = load_spec_model()
    evolve = spec_model.evolve
    framework = answers["framework"]
    package = spec_model.snake(answers["project_name"])
    state_file = Path(evolve.state_path(framework, package))
    if not state_file.exists():
        return 0  # a copy rendered for copier's three-way merge, or a project from before models.json
    previous = yaml.safe_load(state_file.read_text(encoding="utf-8"))
    auth_enabled = answers["auth_method"] != "none"
    database = answers.get("database_type", "SQLite")
    plan = evolve.plan(previous, answers["models"], auth_enabled, allow_data_loss=True, database=database)
    if plan.errors:
        for error in plan.errors:
            say(error)
        return 1
    if not plan.changes:
        say("the data model is unchanged: no migration added")
        return 0
    directory = evolve.migrations_dir(Path("."), framework, package)
    written = evolve.render_migration(
        spec_model.environment(str(TEMPLATE_ROOT)), framework, plan, directory, evolve.next_number(directory)
    )
    if written is not None:
        name, source = written
        path = directory / name
        path.write_text(source, encoding="utf-8")
        ruff = shutil.which("ruff")
        for args in (["check", "--fix", "--quiet"], ["format", "--quiet"]) if ruff else ():
            subprocess.run([ruff, *args, str(path)], check=False, capture_output=True)
        say(f"added {path.as_posix()}:")
    else:
        say("no database change (defaults live in the code); no migration added:")
    for change in plan.changes:
        say(f"  {change.summary}")
    state_file.write_text(evolve.state_text(answers["models"], auth_enabled), encoding="utf-8")
    say("next: `make migrate` applies it to your database (/health/ready answers 503 until then)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
