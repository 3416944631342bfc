"""Authentication: register, token (form and JSON), refresh rotation, /users/me, throttling.
The API tokens of the Token method are test_api_tokens.py's."""

from __future__ import annotations

import pytest

from .client import (
    PASSWORD,
    USER_KEYS,
    Api,
    describe,
    expect,
    expect_challenge,
    expect_error,
    expect_validation_error,
    secrets_in,
    unique_email,
    validation_errors,
)
from .payloads import has_offset
from .spec import Contract

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("needs_auth")]

TOKEN_KEYS = {"access_token", "refresh_token", "token_type", "expires_in"}


PASSWORD_ENDPOINTS = ("register", "token", "password-reset", "password-reset/confirm")


def test_without_local_there_are_no_password_endpoints(api: Api, contract: Contract) -> None:
    if contract.local:
        pytest.skip("the spec's providers have 'local'")
    for endpoint in PASSWORD_ENDPOINTS:
        expect_error(api.http.post(f"{api.prefix}/auth/{endpoint}", json={}), 404, f"POST /auth/{endpoint}")
    paths = expect(api.http.get("/openapi.json"), 200)["paths"]
    listed = [path for path in paths if path.removeprefix(f"{api.prefix}/auth/") in PASSWORD_ENDPOINTS]
    assert not listed, f"the OpenAPI document lists {listed}"


@pytest.mark.usefixtures("needs_local")
def test_register_returns_the_user_without_secrets(api: Api) -> None:
    email = unique_email("register")
    response = api.register(email, full_name="Ada Lovelace")
    user = expect(response, 201)
    assert set(user) == USER_KEYS, describe(response)
    assert isinstance(user["id"], int)
    assert user["email"].lower() == email.lower()
    assert user["full_name"] == "Ada Lovelace"
    assert user["is_active"] is True
    assert has_offset(user["created_at"]), describe(response)
    assert not list(secrets_in(user, PASSWORD)), describe(response)


@pytest.mark.usefixtures("needs_local")
def test_register_without_full_name(api: Api) -> None:
    user = expect(api.register(unique_email("noname")), 201)
    assert user["full_name"] is None


@pytest.mark.usefixtures("needs_local")
def test_register_email_taken_case_insensitively_is_409(api: Api) -> None:
    email = unique_email("Taken")
    expect(api.register(email), 201)
    expect_error(api.register(email.upper()), 409)
    expect_error(api.register(email.lower()), 409)


@pytest.mark.usefixtures("needs_local")
@pytest.mark.parametrize("password", ["short12", "x" * 129], ids=["7-chars", "129-chars"])
def test_register_password_length_is_8_to_128(api: Api, password: str) -> None:
    expect_validation_error(api.register(unique_email("pw"), password), "body", "password")


@pytest.mark.usefixtures("needs_local")
def test_register_password_of_8_chars_is_fine(api: Api) -> None:
    expect(api.register(unique_email("pw8"), "12345678"), 201)


@pytest.mark.usefixtures("needs_local")
@pytest.mark.parametrize("email", ["not-an-email", "someone@", ""])
def test_register_invalid_email_is_422(api: Api, email: str) -> None:
    expect_validation_error(api.register(email), "body", "email")


@pytest.mark.usefixtures("needs_local")
def test_register_without_password_is_422(api: Api) -> None:
    response = api.http.post(f"{api.prefix}/auth/register", json={"email": unique_email("nopw")})
    expect_validation_error(response, "body", "password")


@pytest.mark.usefixtures("needs_local", "needs_jwt")
@pytest.mark.parametrize("form", [True, False], ids=["form-encoded", "json"])
def test_token_gives_a_bearer_pair(api: Api, form: bool) -> None:
    email = unique_email("token")
    expect(api.register(email), 201)
    response = api.token(email, form=form)
    tokens = expect(response, 200)
    assert set(tokens) == TOKEN_KEYS, describe(response)
    assert tokens["token_type"] == "bearer"
    assert isinstance(tokens["expires_in"], int) and tokens["expires_in"] > 0, describe(response)
    assert tokens["access_token"] != tokens["refresh_token"]
    me = expect(api.me({"Authorization": f"Bearer {tokens['access_token']}"}), 200)
    assert me["email"].lower() == email.lower()


@pytest.mark.usefixtures("needs_local")
def test_token_with_wrong_password_or_unknown_email_is_401(api: Api) -> None:
    email = unique_email("wrongpw")
    expect(api.register(email), 201)
    expect_error(api.token(email, "wrong password!"), 401)
    expect_error(api.token(unique_email("nobody")), 401)
    expect_error(api.token(email, "wrong password!", form=False), 401)


@pytest.mark.usefixtures("needs_local")
def test_token_is_throttled_after_5_failures(api: Api) -> None:
    email = unique_email("throttled")  # a user of its own: nothing else logs in as it
    expect(api.register(email), 201)
    for attempt in range(1, 6):
        response = api.token(email, f"wrong password {attempt}")
        assert response.status_code == 401, f"failure {attempt} of 5" + describe(response)
    expect_error(api.token(email, "wrong password 6"), 429)


@pytest.mark.usefixtures("needs_jwt")
def test_refresh_rotates_the_pair(api: Api) -> None:
    user = api.new_user("refresh")
    first = user.refresh_token
    response = api.refresh(first)
    pair = expect(response, 200)
    assert set(pair) == TOKEN_KEYS, describe(response)
    assert pair["token_type"] == "bearer"
    assert pair["refresh_token"] != first
    expect(api.me({"Authorization": f"Bearer {pair['access_token']}"}), 200)
    # The new refresh token works once more; the first one never again.
    again = expect(api.refresh(pair["refresh_token"]), 200)
    assert again["refresh_token"] not in (first, pair["refresh_token"])
    expect_error(api.refresh(first), 401)
    expect_error(api.refresh(pair["refresh_token"]), 401)


@pytest.mark.usefixtures("needs_jwt")
@pytest.mark.parametrize("kind", ["access-token", "garbage", "empty"])
def test_refresh_refuses_what_is_not_a_refresh_token(api: Api, kind: str) -> None:
    user = api.new_user("badrefresh")
    token = {"access-token": user.access_token, "garbage": "not.a.jwt", "empty": ""}[kind]
    response = api.refresh(token)
    if kind == "empty" and response.status_code == 422:
        expect_validation_error(response, "body")  # an empty string may be refused as invalid input
    else:
        expect_error(response, 401)


def test_users_me_is_the_caller(api: Api) -> None:
    user = api.new_user("me")
    response = api.me(user.headers)
    me = expect(response, 200)
    assert set(me) == USER_KEYS, describe(response)
    assert me["id"] == user.id and me["email"].lower() == user.email.lower()
    assert not list(secrets_in(me, PASSWORD)), describe(response)


@pytest.mark.usefixtures("needs_jwt")
def test_users_me_needs_a_valid_access_token(api: Api) -> None:
    user = api.new_user("me401")
    head, payload, signature = user.access_token.split(".")
    tampered = f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    for headers in (
        None,
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {tampered}"},
        {"Authorization": f"Bearer {user.refresh_token}"},  # a refresh token is not an access token
        {"Authorization": f"Basic {user.access_token}"},
    ):
        expect_challenge(api.me(headers), "Bearer")
        expect_error(api.me(headers), 401)


@pytest.mark.parametrize("endpoint", ["register", "token", "refresh"])
@pytest.mark.parametrize("content", [b'{"email": ', b'{"text": "\xff\xfe not UTF-8"}'], ids=["truncated", "not-utf8"])
def test_malformed_json_body_is_422(api: Api, endpoint: str, content: bytes) -> None:
    api.without_refresh(endpoint)
    api.without_local(endpoint)
    response = api.http.post(
        f"{api.prefix}/auth/{endpoint}", content=content, headers={"Content-Type": "application/json"}
    )
    errors = validation_errors(response, f"POST /auth/{endpoint} with a malformed JSON body")
    assert any(e["loc"][0] == "body" for e in errors), describe(response)
