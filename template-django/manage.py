#!/usr/bin/env python
"""Django's command-line utility; the settings module follows ENVIRONMENT."""

import os
import sys

from config.env import settings_module


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
