"""OAuth2 (authentication.method OAuth2): logins with Google (OpenID Connect) and GitHub (OAuth2
and its user API), against the fake identity provider of tests/identity_provider.py that the
live app is pointed at (conftest's ``identity_provider``). The API issues its own JWT pair.

A login, as a client page and a browser make it:

1. ``GET {prefix}/auth/{provider}/authorize?redirect_uri=<client page>``: 302 to the provider,
   with a ``state`` and a PKCE S256 challenge (and a ``nonce`` for Google);
2. the provider logs the user in (``IdentityProvider.follow``) and sends the browser back to the
   client page with ``code`` and ``state``;
3. the client page passes them on to ``GET {prefix}/auth/{provider}/callback``: 200 with the pair.

The tests run once per provider of the spec (``provider``); those for one provider only skip
when the spec does not have it.
"""

from __future__ import annotations

import secrets
import subprocess
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from identity_provider import Callback, IdentityProvider, with_query

from .client import (
    OAUTH_CLIENT_PAGES,
    PASSWORD,
    SIGN_IN_REDIS,
    USER_KEYS,
    Api,
    describe,
    expect,
    expect_error,
    expect_validation_error,
    unique_email,
)
from .spec import Contract

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("needs_oauth")]

PROVIDERS = ("google", "github")
CLIENT_PAGE, OTHER_CLIENT_PAGE = OAUTH_CLIENT_PAGES
TOKEN_KEYS = {"access_token", "refresh_token", "token_type", "expires_in"}
# What no allow-list of OAUTH_CLIENT_PAGES may let through: look-alikes of the allowed pages.
REFUSED_REDIRECT_URIS = {
    "empty": "",
    "another-site": "http://evil.example/callback",
    "suffix": CLIENT_PAGE + "x",
    "trailing-slash": CLIENT_PAGE + "/",
    "extra-query": CLIENT_PAGE + "?next=http://evil.example/",
    "fragment": CLIENT_PAGE + "#evil",
    "prefix": CLIENT_PAGE[:-3],
    "https": CLIENT_PAGE.replace("http://", "https://"),
    "another-scheme": CLIENT_PAGE.replace("http://", "ftp://"),
    "another-port": CLIENT_PAGE.replace("client.example", "client.example:8080"),
    "look-alike-host": CLIENT_PAGE.replace("client.example", "client.example.evil.example"),
    "userinfo": CLIENT_PAGE.replace("client.example", "client.example@evil.example"),
    "port-of-the-other-page": OTHER_CLIENT_PAGE.replace(":9/", ":19/"),
    "default-port-of-the-other-page": OTHER_CLIENT_PAGE.replace(":9/", "/"),
    "the-whole-setting": ",".join(OAUTH_CLIENT_PAGES),
}
ID_TOKEN_FLAWS = ("foreign_key", "wrong_nonce", "wrong_audience", "expired")
URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # base64url's alphabet


# -- fixtures and steps ---------------------------------------------------------------------------


def need_provider(contract: Contract, name: str) -> str:
    if name not in contract.oauth_providers:
        pytest.skip(f"the spec has no provider {name!r} (authentication.providers: {list(contract.providers)})")
    return name


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest, contract: Contract) -> str:
    """Each OAuth2 provider in turn (skipped when the spec does not have it)."""
    return need_provider(contract, request.param)


@pytest.fixture
def idp(identity_provider: IdentityProvider | None) -> IdentityProvider:
    assert identity_provider is not None, "an OAuth2 project runs with the identity provider (conftest)"
    return identity_provider


def the_other(provider: str) -> str:
    return next(p for p in PROVIDERS if p != provider)


def authorize_endpoint(idp: IdentityProvider, provider: str) -> str:
    return idp.google_authorize_url if provider == "google" else f"{idp.github_oauth_url}/authorize"


def client_id(idp: IdentityProvider, provider: str) -> str:
    return idp.GOOGLE_CLIENT_ID if provider == "google" else idp.GITHUB_CLIENT_ID


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def mixed_case(email: str) -> str:
    """``email`` with upper-case letters, as a provider may spell an address."""
    local, _, domain = email.partition("@")
    return f"{local.capitalize()}@{domain.capitalize()}"


def tampered(value: str) -> str:
    """``value`` with one character in its middle changed."""
    i = len(value) // 2
    return value[:i] + ("A" if value[i] != "A" else "B") + value[i + 1 :]


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def start(api: Api, provider: str, redirect_uri: str = CLIENT_PAGE) -> str:
    """Step 1: the provider's URL the API redirects the browser to."""
    response = api.oauth_authorize(provider, redirect_uri)
    assert response.status_code == 302, f"GET /auth/{provider}/authorize: expected 302" + describe(response)
    location: str = response.headers["location"]
    return location


def at_provider(api: Api, idp: IdentityProvider, provider: str, email: str, **login: Any) -> Callback:
    """Steps 1 and 2: what the client page gets back from the provider once ``email`` logged in."""
    return idp.follow(start(api, provider), email=email, **login)


def log_in(api: Api, idp: IdentityProvider, provider: str, email: str, **login: Any) -> tuple[dict[str, Any], Any]:
    """A whole login (steps 1 to 3): the token pair and the user it is for (``users/me``)."""
    response = api.oauth_callback(provider, at_provider(api, idp, provider, email, **login).params)
    tokens = expect(response, 200, f"the {provider} callback")
    assert set(tokens) == TOKEN_KEYS, describe(response)
    response = api.me(bearer(tokens))
    me = expect(response, 200, f"users/me after the {provider} login")
    assert set(me) == USER_KEYS, describe(response)
    return tokens, me


def register(api: Api, email: str) -> int:
    """A local user (with a password) of ``email``: its id."""
    user_id: int = expect(api.register(email), 201)["id"]
    return user_id


# -- authorize ------------------------------------------------------------------------------------


@pytest.mark.parametrize("redirect_uri", OAUTH_CLIENT_PAGES, ids=["client-page", "other-client-page"])
def test_authorize_redirects_to_the_provider_with_state_and_pkce(
    api: Api, idp: IdentityProvider, provider: str, redirect_uri: str
) -> None:
    location = start(api, provider, redirect_uri)
    assert location.startswith(authorize_endpoint(idp, provider) + "?"), location
    params = query_of(location)
    assert params.get("client_id") == client_id(idp, provider), location
    assert params.get("redirect_uri") == redirect_uri, "the client page is passed on as it is"
    assert params.get("response_type", "code" if provider == "github" else "") == "code", location
    assert len(params.get("state", "")) >= 16, f"a state that cannot be guessed: {location}"
    assert params.get("code_challenge_method") == "S256", location
    challenge = params.get("code_challenge", "")
    assert len(challenge) == 43 and set(challenge) <= set(URL_SAFE), f"an S256 challenge: {location}"
    scopes = set(params.get("scope", "").replace(",", " ").split())
    if provider == "google":
        assert {"openid", "email"} <= scopes, location
        assert len(params.get("nonce", "")) >= 16, f"a nonce for the ID token: {location}"
    else:
        assert scopes & {"user:email", "user"}, f"a scope that may read the user's addresses: {location}"

    again = query_of(start(api, provider, redirect_uri))
    for fresh in ("state", "code_challenge", "nonce"):
        if fresh in params:
            assert again[fresh] != params[fresh], f"every login has its own {fresh}"


def test_authorize_needs_a_redirect_uri(api: Api, provider: str) -> None:
    expect_validation_error(api.oauth_authorize(provider, None), "query", "redirect_uri")


@pytest.mark.parametrize("redirect_uri", REFUSED_REDIRECT_URIS.values(), ids=REFUSED_REDIRECT_URIS.keys())
def test_authorize_refuses_a_redirect_uri_off_the_allow_list(api: Api, provider: str, redirect_uri: str) -> None:
    response = api.oauth_authorize(provider, redirect_uri)
    expect_validation_error(response, "query", "redirect_uri", context=f"redirect_uri {redirect_uri!r}")


def test_a_provider_the_spec_does_not_have_is_404(api: Api, contract: Contract) -> None:
    absent = [name for name in (*PROVIDERS, "local", "facebook") if name not in contract.oauth_providers]
    for name in absent:
        expect_error(api.oauth_authorize(name, CLIENT_PAGE), 404, f"GET /auth/{name}/authorize")
        expect_error(api.oauth_callback(name, {"code": "x", "state": "y"}), 404, f"GET /auth/{name}/callback")


# -- callback: who logs in ------------------------------------------------------------------------


def test_a_login_creates_a_user_and_gives_the_token_pair(api: Api, idp: IdentityProvider, provider: str) -> None:
    email = mixed_case(unique_email(f"{provider}-new"))
    tokens, me = log_in(api, idp, provider, email)
    assert tokens["token_type"] == "bearer"
    assert isinstance(tokens["expires_in"], int) and tokens["expires_in"] > 0, tokens
    assert tokens["access_token"] != tokens["refresh_token"]
    assert me["email"] == email.lower(), "the email as the provider gave it, lower-cased"
    assert me["is_active"] is True
    expect(api.refresh(tokens["refresh_token"]), 200, "the pair's refresh token")
    if api.contract.local:  # a user that came from a provider has no password, and keeps its address
        expect_error(api.token(email.lower(), PASSWORD), 401, "a password login of a provider's user")
        expect_error(api.register(email.lower()), 409, "registering the address of a provider's user")


def test_the_same_identity_gets_the_same_user(api: Api, idp: IdentityProvider, provider: str) -> None:
    email = unique_email(f"{provider}-again")
    _, first = log_in(api, idp, provider, email)
    _, second = log_in(api, idp, provider, email)
    assert second["id"] == first["id"]
    _, someone_else = log_in(api, idp, provider, unique_email(f"{provider}-else"))
    assert someone_else["id"] != first["id"]


@pytest.mark.usefixtures("needs_local")
def test_a_verified_email_links_the_registered_user(api: Api, idp: IdentityProvider, provider: str) -> None:
    email = unique_email(f"{provider}-link")
    user_id = register(api, email)
    _, me = log_in(api, idp, provider, mixed_case(email), verified=True)
    assert me["id"] == user_id, "the provider vouches for the address: its registered user"
    assert me["email"] == email
    expect(api.token(email, PASSWORD), 200, "the linked user's password still works")
    _, again = log_in(api, idp, provider, email, verified=True)
    assert again["id"] == user_id


@pytest.mark.usefixtures("needs_local")
def test_an_unverified_email_of_a_registered_user_is_403(api: Api, idp: IdentityProvider, provider: str) -> None:
    """For GitHub, unverified is the primary address: the user's other, verified address (the
    identity provider lists one, first) does not vouch for it."""
    email = unique_email(f"{provider}-unverified")
    user_id = register(api, email)
    callback = at_provider(api, idp, provider, email, verified=False)
    expect_error(api.oauth_callback(provider, callback.params), 403, "an unverified address of a registered user")
    expect(api.token(email, PASSWORD), 200, "the registered user is untouched")
    _, me = log_in(api, idp, provider, email, verified=True)
    assert me["id"] == user_id, "once verified, the same address links"


def test_an_unverified_email_of_the_other_providers_user_is_403(
    api: Api, idp: IdentityProvider, provider: str, contract: Contract
) -> None:
    """Linking across providers follows the same rule: only a verified address links."""
    if len(contract.oauth_providers) < 2:
        pytest.skip("the spec has one provider")
    email = unique_email(f"{provider}-across")
    _, first = log_in(api, idp, the_other(provider), email, verified=True)
    callback = at_provider(api, idp, provider, email, verified=False)
    expect_error(api.oauth_callback(provider, callback.params), 403, "an unverified address of another's user")
    _, linked = log_in(api, idp, provider, email, verified=True)
    assert linked["id"] == first["id"], "once verified, the same address links"


def test_an_unverified_email_of_nobody_makes_a_new_user(api: Api, idp: IdentityProvider, provider: str) -> None:
    email = unique_email(f"{provider}-newunverified")
    _, me = log_in(api, idp, provider, email, verified=False)
    assert me["email"] == email
    _, again = log_in(api, idp, provider, email, verified=False)
    assert again["id"] == me["id"]


def test_github_uses_the_primary_address(api: Api, idp: IdentityProvider, contract: Contract) -> None:
    """GitHub lists the primary address (private, so not on /user) after another, verified one:
    the user is the primary address's, also while that address is unverified."""
    need_provider(contract, "github")
    for verified in (True, False):
        email = unique_email(f"github-primary-{int(verified)}")
        _, me = log_in(api, idp, "github", email, verified=verified)
        assert me["email"] == email, f"the primary address (verified: {verified}), not the other one"


# -- callback: what is refused --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "forged", "tampered"])
def test_a_state_the_api_did_not_issue_is_401(api: Api, idp: IdentityProvider, provider: str, kind: str) -> None:
    callback = at_provider(api, idp, provider, unique_email(f"{provider}-state"))
    assert callback.code and callback.state
    state = {"missing": None, "forged": secrets.token_urlsafe(32), "tampered": tampered(callback.state)}[kind]
    params = {"code": callback.code} | ({"state": state} if state is not None else {})
    expect_error(api.oauth_callback(provider, params), 401, f"a {kind} state")
    expect(api.oauth_callback(provider, callback.params), 200, "the genuine state, afterwards (the code is unused)")


def keys_holding(text: str) -> list[str]:
    """The keys of the live app's Redis whose name holds ``text``."""
    found = subprocess.run(
        ["redis-cli", "-u", SIGN_IN_REDIS, "--scan", "--pattern", f"*{text}*"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    )
    return found.stdout.split()


def test_a_sign_in_under_way_waits_in_redis(api: Api, idp: IdentityProvider, provider: str) -> None:
    """With REDIS_URL set, the state is kept there (every instance sees it) until the callback spends it."""
    callback = at_provider(api, idp, provider, unique_email(f"{provider}-redis"))
    assert callback.state and keys_holding(callback.state), "the state of a sign-in under way is not in Redis"
    expect(api.oauth_callback(provider, callback.params), 200, f"the {provider} callback")
    assert not keys_holding(callback.state), "the spent state is still in Redis"


def test_a_replayed_callback_is_401(api: Api, idp: IdentityProvider, provider: str) -> None:
    """The provider would take the code again (``reusable_code``): only the API's single-use
    state stops the replay."""
    callback = at_provider(api, idp, provider, unique_email(f"{provider}-replay"), misbehave="reusable_code")
    expect(api.oauth_callback(provider, callback.params), 200, "the first callback")
    expect_error(api.oauth_callback(provider, callback.params), 401, "the same code and state again")


def test_the_other_providers_state_is_401(api: Api, idp: IdentityProvider, provider: str, contract: Contract) -> None:
    """A state the API issued for the other provider is no good at this one's callback: neither
    with the other provider's code, nor carried (with its PKCE challenge and nonce) through a
    login at this provider, whose code the stored verifier would redeem."""
    other = need_provider(contract, the_other(provider))
    theirs = at_provider(api, idp, other, unique_email(f"{other}-cross"))
    expect_error(api.oauth_callback(provider, theirs.params), 401, f"{other}'s code and state at {provider}")

    issued = query_of(start(api, other))
    carried = {
        key: issued[key] for key in ("state", "code_challenge", "code_challenge_method", "nonce") if key in issued
    }
    ours = query_of(start(api, provider))
    carried |= {key: ours[key] for key in ("client_id", "response_type", "scope") if key in ours}
    carried["redirect_uri"] = issued["redirect_uri"]
    callback = idp.follow(with_query(authorize_endpoint(idp, provider), carried), email=unique_email("cross"))
    assert callback.state == issued["state"]
    expect_error(api.oauth_callback(provider, callback.params), 401, f"{other}'s state through a {provider} login")


def test_a_provider_error_is_401(api: Api, idp: IdentityProvider, provider: str) -> None:
    callback = at_provider(api, idp, provider, unique_email(f"{provider}-denied"), misbehave="error")
    assert callback.error == "access_denied" and callback.code is None
    expect_error(api.oauth_callback(provider, callback.params), 401, "the provider's error=access_denied")


@pytest.mark.parametrize("kind", ["forged", "another-logins"])
def test_a_code_the_provider_refuses_is_401(api: Api, idp: IdentityProvider, provider: str, kind: str) -> None:
    """``another-logins``: the code of one login with the state of another, so redeemed with the
    other login's PKCE verifier, which the provider refuses."""
    ours = at_provider(api, idp, provider, unique_email(f"{provider}-code"))
    if kind == "forged":
        code = secrets.token_urlsafe(24)
    else:
        code = at_provider(api, idp, provider, unique_email(f"{provider}-code")).code or ""
    expect_error(api.oauth_callback(provider, {"code": code, "state": ours.state or ""}), 401, f"a {kind} code")


@pytest.mark.parametrize("flaw", ID_TOKEN_FLAWS)
def test_an_id_token_that_does_not_verify_is_401(
    api: Api, idp: IdentityProvider, contract: Contract, flaw: str
) -> None:
    """The ID token names a registered user's verified address, but it is signed by another key
    with the provider's kid, carries another nonce, is for another client, or has expired."""
    need_provider(contract, "google")
    email = unique_email(f"google-{flaw.replace('_', '-')}")
    if api.contract.local:
        register(api, email)
    else:
        api.sign_in(email)
    callback = at_provider(api, idp, "google", email, misbehave=flaw)
    expect_error(api.oauth_callback("google", callback.params), 401, f"an ID token with the flaw {flaw}")
