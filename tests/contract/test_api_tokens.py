"""The Token method: a login gives an opaque API token; the caller lists, creates and revokes its
tokens; a token is shown once, works at once and stops at once."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from .client import Api, User, describe, expect, expect_challenge, expect_error, expect_validation_error

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("needs_token")]

TOKEN_KEYS = {"id", "name", "created_at", "last_used_at", "expires_at"}


def tokens_url(api: Api, token_id: int | None = None) -> str:
    return f"{api.prefix}/auth/tokens" + (f"/{token_id}" if token_id is not None else "")


def create(api: Api, user: User, **body: object) -> httpx.Response:
    return api.http.post(tokens_url(api), json=body, headers=user.headers)


def as_token(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_login_gives_an_api_token(api: Api) -> None:
    user = api.new_user("tokenlogin")
    response = api.token(user.email)
    body = expect(response, 200)
    assert set(body) == {"token", "token_type", "expires_in"}, describe(response)
    assert body["token_type"] == "token"
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0, describe(response)
    assert len(body["token"]) >= 32 and body["token"] != user.access_token
    expect(api.me(as_token(body["token"])), 200)


def test_the_token_goes_only_with_its_own_scheme(api: Api) -> None:
    user = api.new_user("scheme")
    for headers in (
        None,
        {"Authorization": f"Bearer {user.access_token}"},
        {"Authorization": "Token"},
        {"Authorization": "Token not-a-token"},
        {"Authorization": "Token " + "A" * 5_000},
        {"Authorization": f"Token {user.access_token[:-2]}"},
    ):
        response = api.me(headers)
        expect_error(response, 401)
        expect_challenge(response, "Token")


def test_a_new_token_is_shown_once_and_works(api: Api) -> None:
    user = api.new_user("newtoken")
    response = create(api, user, name="deploy bot")
    created = expect(response, 201)
    assert set(created) == TOKEN_KEYS | {"token"}, describe(response)
    assert created["name"] == "deploy bot" and created["last_used_at"] is None
    assert moment(created["expires_at"]) > moment(created["created_at"])
    expect(api.me(as_token(created["token"])), 200)

    listed = api.http.get(tokens_url(api), headers=user.headers)
    tokens = expect(listed, 200)
    assert isinstance(tokens, list), describe(listed)
    assert {t["name"] for t in tokens} == {"login", "deploy bot"}, describe(listed)
    assert all(set(t) == TOKEN_KEYS for t in tokens), describe(listed)
    assert created["token"] not in listed.text and user.access_token not in listed.text


def test_expires_in_days_sets_the_expiry(api: Api, alice: User) -> None:
    created = expect(create(api, alice, name="week", expires_in_days=7), 201)
    lifetime = moment(created["expires_at"]) - moment(created["created_at"])
    assert abs(lifetime - timedelta(days=7)) < timedelta(seconds=5), created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "n" * 101}, "name"),
        ({"name": "ok", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "ok", "expires_in_days": 366}, "expires_in_days"),
        ({"name": "ok", "expires_in_days": 1.5}, "expires_in_days"),
    ],
)
def test_a_bad_token_body_is_422(api: Api, alice: User, body: dict[str, object], field: str) -> None:
    expect_validation_error(create(api, alice, **body), "body", field)


def test_a_revoked_token_stops_at_once(api: Api) -> None:
    user = api.new_user("revoke")
    created = expect(create(api, user, name="laptop"), 201)
    expect(api.me(as_token(created["token"])), 200)
    response = api.http.delete(tokens_url(api, created["id"]), headers=user.headers)
    assert response.status_code == 204 and response.content == b"", describe(response)
    expect_error(api.me(as_token(created["token"])), 401, "a revoked token")
    expect_error(api.http.delete(tokens_url(api, created["id"]), headers=user.headers), 404)
    expect(api.me(user.headers), 200, "the other tokens of the user still work")


def test_another_users_token_does_not_exist(api: Api, alice: User, bob: User) -> None:
    created = expect(create(api, alice, name="alice's"), 201)
    theirs = expect(api.http.get(tokens_url(api), headers=bob.headers), 200)
    assert created["id"] not in {t["id"] for t in theirs}
    expect_error(api.http.delete(tokens_url(api, created["id"]), headers=bob.headers), 404)
    expect(api.me(as_token(created["token"])), 200, "bob's attempt left alice's token alone")


@pytest.mark.parametrize(("method", "path"), [("GET", ""), ("POST", ""), ("DELETE", "/1")])
def test_managing_tokens_needs_a_token(api: Api, method: str, path: str) -> None:
    response = api.http.request(method, tokens_url(api) + path, json={"name": "x"})
    expect_error(response, 401)
    expect_challenge(response, "Token")


def test_there_is_no_refresh_endpoint(api: Api) -> None:
    response = api.refresh("anything")
    assert response.status_code in (404, 405), describe(response)
