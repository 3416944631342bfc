"""The body size limit (core/http.py), deep JSON (core/parsers.py), the security headers and
the production secret check; with Django's own test client (`http`), which sends raw bodies."""

import json
import runpy
import secrets

import pytest
from django.conf import settings
from django.test import Client, override_settings

REGISTER = f"/{settings.API_PREFIX}auth/register"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture
def http() -> Client:
    return Client()


def test_production_takes_a_random_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    assert runpy.run_module("config.settings.production")["DEBUG"] is False


def test_every_response_carries_the_security_headers(http: Client) -> None:
    for response in (http.get("/health"), http.get("/nowhere"), http.get("/docs")):
        assert {name: response.headers[name] for name in SECURITY_HEADERS} == SECURITY_HEADERS


@override_settings(MAX_BODY_BYTES=64)
def test_a_body_over_the_limit_is_413(http: Client) -> None:
    body = json.dumps({"email": "x" * 100})
    response = http.post(REGISTER, body, content_type="application/json")
    assert response.status_code == 413
    assert isinstance(response.json()["detail"], str)


def test_json_nested_too_deeply_is_422(http: Client) -> None:
    body = "[" * 10_000 + "]" * 10_000
    response = http.post(REGISTER, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
