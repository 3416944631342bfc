"""An HTTP client for the contract, and the assertions every test shares."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from identity_provider import IdentityProvider

from .payloads import full_payload, new_token
from .spec import Contract, Model, Relation

USER_KEYS = {"id", "email", "full_name", "is_active", "created_at"}
PASSWORD = "correct horse battery staple"
MISSING_ID = 2_000_000_000  # an integer id no test creates
MAIL_FROM = "contract-suite@example.com"  # the live app's EMAIL_FROM (conftest)
# The client pages an OAuth2 provider may send the browser back to: the live app's
# OAUTH_REDIRECT_URIS (conftest). Nothing listens there; the tests carry code and state over.
OAUTH_CLIENT_PAGES = ("http://client.example/callback", "http://127.0.0.1:9/cb")
SIGN_IN_REDIS = "redis://127.0.0.1:6379/0"  # the live app's REDIS_URL: where its sign-ins wait


@dataclass
class User:
    """A registered user, logged in: a fresh token pair (JWT, OAuth2), or an API token (Token) in
    ``access_token`` and no refresh token."""

    id: int
    email: str
    password: str
    access_token: str
    refresh_token: str
    scheme: str = "Bearer"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"{self.scheme} {self.access_token}"}


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:16]}@example.com"


def describe(response: httpx.Response) -> str:
    """The request and response, for assertion messages."""
    request = response.request
    sent = request.content.decode(errors="replace")[:500] if request.content else ""
    return (
        f"\n{request.method} {request.url} {sent}\n-> {response.status_code} "
        f"{dict(response.headers)}\n{response.text[:2000]}"
    )


def expect(response: httpx.Response, status: int, context: str = "") -> Any:
    """Assert the status and return the JSON body (None when empty)."""
    assert response.status_code == status, f"{context}: expected {status}" + describe(response)
    return response.json() if response.content else None


def expect_error(response: httpx.Response, status: int, context: str = "") -> dict[str, Any]:
    """An error of the contract: JSON ``{"detail": "message"}`` with ``status``."""
    assert response.status_code == status, f"{context}: expected {status}" + describe(response)
    assert response.headers.get("content-type", "").startswith("application/json"), describe(response)
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("detail"), str), (
        "error body must be {'detail': str}" + describe(response)
    )
    if status == 401:
        expect_challenge(response)
    if status == 429:
        retry = response.headers.get("retry-after", "")
        assert retry.isdigit() and int(retry) > 0, "429 needs Retry-After in seconds" + describe(response)
    return body


def expect_challenge(response: httpx.Response, scheme: str = "") -> None:
    """A 401's ``WWW-Authenticate``: ``scheme`` when given, else Bearer (JWT, OAuth2) or Token (Token)."""
    challenge = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
    wanted = [scheme.lower()] if scheme else ["bearer", "token"]
    assert challenge in wanted, f"401 needs WWW-Authenticate: {' or '.join(wanted)}" + describe(response)


def validation_errors(response: httpx.Response, context: str = "") -> list[dict[str, Any]]:
    """The errors of a 422, checked against the contract's shape."""
    assert response.status_code == 422, f"{context}: expected 422" + describe(response)
    assert response.headers.get("content-type", "").startswith("application/json"), describe(response)
    detail = response.json().get("detail")
    assert isinstance(detail, list) and detail, "422 detail must be a non-empty list" + describe(response)
    for error in detail:
        assert isinstance(error, dict) and {"loc", "msg", "type"} <= error.keys(), describe(response)
        assert isinstance(error["loc"], list) and error["loc"], describe(response)
        assert error["loc"][0] in ("body", "query", "path"), describe(response)
        assert isinstance(error["msg"], str) and isinstance(error["type"], str), describe(response)
    return detail


def expect_validation_error(response: httpx.Response, *loc: str | int, context: str = "") -> list[dict[str, Any]]:
    """A 422 with at least one error whose ``loc`` starts with ``loc``."""
    errors = validation_errors(response, context)
    locs = [e["loc"] for e in errors]
    assert any(list(found[: len(loc)]) == list(loc) for found in locs), (
        f"{context}: no error at loc {list(loc)} (got {locs})" + describe(response)
    )
    return errors


def secrets_in(value: Any, password: str, where: str = "$") -> Iterator[str]:
    """Where a password, a password hash or a key naming one appears in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if any(word in str(key).lower() for word in ("password", "hash")):
                yield f"{where}.{key}"
            yield from secrets_in(item, password, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from secrets_in(item, password, f"{where}[{i}]")
    elif isinstance(value, str) and (password in value or value.startswith(("$argon2", "$2b$", "pbkdf2"))):
        yield where


class Api:
    """The live app, seen through the contract of its spec."""

    def __init__(self, base_url: str, contract: Contract, idp: IdentityProvider | None = None) -> None:
        self.base_url = base_url
        self.contract = contract
        self.idp = idp  # where users sign in when they have no passwords (no "local" provider)
        self.http = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    @property
    def prefix(self) -> str:
        return self.contract.prefix

    # -- authentication -------------------------------------------------------
    def register(self, email: str, password: str = PASSWORD, **extra: Any) -> httpx.Response:
        return self.http.post(f"{self.prefix}/auth/register", json={"email": email, "password": password, **extra})

    def token(self, email: str, password: str = PASSWORD, *, form: bool = True) -> httpx.Response:
        credentials = {"username": email, "password": password}
        if form:
            return self.http.post(f"{self.prefix}/auth/token", data=credentials)
        return self.http.post(f"{self.prefix}/auth/token", json=credentials)

    def refresh(self, refresh_token: str) -> httpx.Response:
        return self.http.post(f"{self.prefix}/auth/refresh", json={"refresh_token": refresh_token})

    def password_reset(self, email: str) -> httpx.Response:
        return self.http.post(f"{self.prefix}/auth/password-reset", json={"email": email})

    def password_reset_confirm(self, token: str, new_password: str) -> httpx.Response:
        body = {"token": token, "new_password": new_password}
        return self.http.post(f"{self.prefix}/auth/password-reset/confirm", json=body)

    def oauth_authorize(self, provider: str, redirect_uri: str | None = OAUTH_CLIENT_PAGES[0]) -> httpx.Response:
        """Start a login with ``provider`` (OAuth2) for the client page ``redirect_uri`` (left out when None)."""
        params = {} if redirect_uri is None else {"redirect_uri": redirect_uri}
        return self.http.get(f"{self.prefix}/auth/{provider}/authorize", params=params)

    def oauth_callback(self, provider: str, params: dict[str, str]) -> httpx.Response:
        """Finish a login with ``provider``: what the client page got back from it (``code``, ``state``, ``error``)."""
        return self.http.get(f"{self.prefix}/auth/{provider}/callback", params=params)

    def me(self, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.get(f"{self.prefix}/users/me", headers=headers)

    def new_user(self, tag: str = "user") -> User:
        """Register a user and log in (about a second: password hashing is deliberately slow);
        without "local", a first sign-in with the spec's first provider."""
        email = unique_email(tag)
        if not self.contract.local:
            return self.login(email)
        user = expect(self.register(email), 201)
        return self.login(email, user_id=user["id"])

    def login(self, email: str, password: str = PASSWORD, user_id: int = 0) -> User:
        """Log in as a registered user: a new session (token pair, or API token); without
        "local", a sign-in with the spec's first provider (``password`` is not used then)."""
        if not self.contract.local:
            return self.sign_in(email)
        tokens = expect(self.token(email, password), 200)
        if self.contract.method == "Token":
            return User(user_id, email, password, tokens["token"], "", scheme="Token")
        return User(user_id, email, password, tokens["access_token"], tokens["refresh_token"])

    def sign_in(self, email: str) -> User:
        """A whole sign-in of ``email`` (verified) with the spec's first provider, as a client page
        and a browser make it: the API's redirect, the identity provider's login, the callback."""
        assert self.idp is not None, "no identity provider for this spec"
        provider = self.contract.oauth_providers[0]
        started = self.oauth_authorize(provider)
        assert started.status_code == 302, f"GET /auth/{provider}/authorize: expected 302" + describe(started)
        callback = self.idp.follow(started.headers["location"], email=email)
        tokens = expect(self.oauth_callback(provider, callback.params), 200, f"the {provider} callback")
        user_id = expect(self.me({"Authorization": f"Bearer {tokens['access_token']}"}), 200)["id"]
        return User(user_id, email, "", tokens["access_token"], tokens["refresh_token"])

    def without_local(self, endpoint: str) -> None:
        """Skip a test of ``endpoint`` that does not exist without the "local" provider."""
        if endpoint in ("register", "token") and not self.contract.local:
            pytest.skip(f"authentication.providers {list(self.contract.providers)}: no {endpoint} endpoint")

    def without_refresh(self, endpoint: str) -> None:
        """Skip a test of ``endpoint`` that does not exist with this auth method."""
        if endpoint == "refresh" and not self.contract.token_pairs:
            pytest.skip(f"authentication.method {self.contract.method}: no refresh endpoint")

    def auth(self, user: User | None) -> dict[str, str]:
        return user.headers if user is not None and self.contract.auth else {}

    # -- resources ------------------------------------------------------------
    def request(
        self, method: str, url: str, user: User | None, *, json: Any = None, params: Any = None
    ) -> httpx.Response:
        return self.http.request(method, url, headers=self.auth(user), json=json, params=params)

    def create(self, model: Model, user: User | None, body: dict[str, Any]) -> dict[str, Any]:
        created: dict[str, Any] = expect(self.request("POST", model.path, user, json=body), 201)
        return created

    def relations(self, model: Model, user: User | None, trail: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The relation keys of a full body: each refers to a new object of its target (made with its
        own references in turn, down the chain), to the caller for a ``User`` target, and to nothing
        for a reference of a model to itself (always optional).

        many_to_one references never form a cycle (the spec refuses them), but many_to_many links may
        (``A.b_ids -> B``, ``B.a_id -> A``): a link whose target would need a new object of a model
        already being built (``trail``) is left empty. So the chain is finite, and making an object
        of a model makes no other object of that model (the list tests count them)."""
        trail = trail | {model.name}
        return {relation.key: self.reference(relation, user, trail) for relation in model.relations}

    def reference(self, relation: Relation, user: User | None, trail: frozenset[str] = frozenset()) -> Any:
        """A valid value of ``relation`` for ``user``'s bodies (see ``relations``)."""
        loops = relation.many and not relation.to_user and bool(self.contract.builds(relation.target) & trail)
        if relation.to_self or loops:
            return relation.value()
        return relation.value(self.target_id(relation, user, trail))

    def target_id(self, relation: Relation, user: User | None, trail: frozenset[str] = frozenset()) -> int:
        """The id of an object ``relation`` may refer to in ``user``'s bodies: the caller itself for a
        ``User`` target, else a new object of the target (owned by ``user`` where targets are owned)."""
        if relation.to_user:
            assert user is not None, f"{relation.source}.{relation.name} refers to a user"
            return user.id
        target = self.contract.model(relation.target)
        body = full_payload(target, 0, new_token(), self.relations(target, user, trail))
        target_id: int = self.create(target, user, body)["id"]
        return target_id

    def new_object(self, model: Model, user: User | None, variant: int = 0, token: str = "") -> dict[str, Any]:
        """Create an object with every field given (and its references); returns the API's object."""
        body = full_payload(model, variant, token or new_token(), self.relations(model, user))
        return self.create(model, user, body)

    def list(self, model: Model, user: User | None, **params: Any) -> dict[str, Any]:
        page: dict[str, Any] = expect(self.request("GET", model.path, user, params=params), 200)
        return page

    def list_all(self, model: Model, user: User | None, **params: Any) -> builtins.list[dict[str, Any]]:
        """Every item the list gives ``user`` (page after page of 100), in the list's order."""
        items: builtins.list[dict[str, Any]] = []
        while True:
            page = self.list(model, user, **params, limit=100, offset=len(items))
            items += page["items"]
            if not page["items"] or len(items) >= page["total"]:
                assert len(items) == page["total"], f"{model.path}: {len(items)} items but total {page['total']}"
                return items
