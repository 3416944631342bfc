"""Settings by environment, the production checks, and the server's configuration."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
REAL_SECRET = "a-real-secret-for-the-deploy-checks-" + "x1y2z3" * 8
EXAMPLE_SECRET = "change-me-to-a-long-random-string"  # the one of .env.example


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`manage.py` in a process of its own, with `env` on top of a clean environment."""
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "ENV_FILE")}
    return subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "module"),
    [
        ("development", "config.settings.local"),
        ("test", "config.settings.test"),
        ("production", "config.settings.production"),
    ],
)
def test_environment_picks_the_settings(
    monkeypatch: pytest.MonkeyPatch, environment: str, module: str
) -> None:
    from config.env import settings_module

    monkeypatch.setenv("ENVIRONMENT", environment)
    assert settings_module() == module


def test_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from config.env import settings_module

    monkeypatch.setenv("ENVIRONMENT", "staging")
    with pytest.raises(ValueError, match="staging"):
        settings_module()


@pytest.mark.parametrize("secret", [EXAMPLE_SECRET, "short", "", "a" * 64, "ab" * 32, "0123" * 16])
def test_production_refuses_an_example_or_weak_secret(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        runpy.run_module("config.settings.production")


def test_production_settings_with_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", REAL_SECRET)
    production = runpy.run_module("config.settings.production")
    assert production["DEBUG"] is False
    assert production["SIMPLE_JWT"]["SIGNING_KEY"] == REAL_SECRET
    assert production["SECURE_SSL_REDIRECT"] is True


def test_development_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "true")
    assert runpy.run_module("config.settings.local")["DEBUG"] is True


def production_example(name: str) -> str:
    """The value of `name` in production.env.example."""
    found = re.search(rf"^{name}=(.*)$", (ROOT / "production.env.example").read_text(), re.M)
    assert found, name
    return found.group(1)


def deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    """`check --deploy` of the production settings of production.env.example, `env` on top.

    This process has read `.env` into the environment it passes on, and the environment wins
    over ENV_FILE: the mail server of production.env.example is passed explicitly.
    """
    return manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ENVIRONMENT="production",
        ENV_FILE=str(ROOT / "production.env.example"),
        SECRET_KEY=REAL_SECRET,
        **({"EMAIL_URL": production_example("EMAIL_URL")} | env),
    )


def test_production_settings_pass_the_deploy_checks() -> None:
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_warn_when_no_mail_is_sent() -> None:
    result = deploy_check(EMAIL_URL="console://")
    assert result.returncode != 0
    assert "core.W001" in result.stdout + result.stderr


def test_gunicorn_listens_on_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "127.0.0.2")
    monkeypatch.setenv("PORT", "9123")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.2:9123"
    assert config["worker_class"] == "gthread"
