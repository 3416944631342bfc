from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from pytest_django import DjangoAssertNumQueries

from .conftest import API, Account, Client


def test_health_touches_nothing(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_the_database_answers(client: Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_ready_is_503_when_the_database_is_unreachable(client: Client) -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("unreachable"),
    ):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "error"}


def test_a_route_is_503_with_retry_after_when_the_database_is_unreachable(
    client: Client, account: Account
) -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("unreachable"),
    ):
        response = client.get(f"{API}/users/me", headers=account.headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json() == {"detail": "The database is unavailable; try again shortly"}


def test_ready_is_503_while_a_migration_is_not_applied(client: Client) -> None:
    MigrationRecorder(connection).record_unapplied("users", "0001_initial")  # rolled back after
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "behind"}


def test_openapi_document(client: Client) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/health" in document["paths"]


def test_docs_are_served_with_local_assets(client: Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    text = page.content.decode()
    assert "cdn" not in text
    assert "swagger-ui-bundle.js" in text


@pytest.mark.parametrize("path", ["/no/such/path", "/health/", "/api/nothing"])
def test_unknown_paths_are_json_404(client: Client, path: str) -> None:
    missing = client.get(path)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}


def test_wrong_method_is_json_405(client: Client) -> None:
    wrong = client.delete("/health")
    assert wrong.status_code == 405
    assert "detail" in wrong.json()


def test_admin_login_page(client: Client) -> None:
    assert client.get("/admin/login/").status_code == 200
