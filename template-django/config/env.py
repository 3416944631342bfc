"""The environment, read once: `.env` (or the file named by ENV_FILE) fills in what the real
environment does not set, so real environment variables always win."""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"  # noqa: S105 - refused in production
SETTINGS_MODULES = {
    "development": "config.settings.local",
    "test": "config.settings.test",
    "production": "config.settings.production",
}

env = environ.Env()
_env_file = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if _env_file.is_file():
    env.read_env(_env_file, overwrite=False)


def settings_module() -> str:
    """The settings module for ENVIRONMENT (development, test or production)."""
    environment = env.str("ENVIRONMENT", default="development")
    if environment not in SETTINGS_MODULES:
        msg = f"ENVIRONMENT={environment!r}: use one of {', '.join(SETTINGS_MODULES)}"
        raise ValueError(msg)
    return SETTINGS_MODULES[environment]
