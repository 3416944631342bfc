"""`manage.py makemigrations` whose new files pass the project's ruff as they are written:
Django's command, then `ruff check --fix` and `ruff format` on the files it wrote."""

import importlib.util
import subprocess
import sys
from typing import Any

from django.core.management.commands import makemigrations


class Command(makemigrations.Command):
    written_files: list[str]  # set by Django's command: the paths of the files it wrote

    def handle(self, *app_labels: Any, **options: Any) -> None:
        super().handle(*app_labels, **options)
        written = self.written_files
        if not written:  # nothing changed, or --check / --dry-run
            return
        if importlib.util.find_spec("ruff") is None:
            self.stderr.write("ruff is not installed: the new migrations are left unformatted.")
            return
        for ruff_arguments in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
            command = [sys.executable, "-m", "ruff", *ruff_arguments, *written]
            subprocess.run(command, check=False)  # noqa: S603 (this Python, the files it wrote)
