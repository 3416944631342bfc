"""The fake identity provider (tests/identity_provider.py), driven the way a real client drives
Google and GitHub: Authlib's OAuth2Session with PKCE S256, and joserfc to verify the ID tokens.
Each of its checks is shown to bite."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from identity_provider import IdentityProvider, Login, with_query
from joserfc import jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError
from joserfc.jwk import KeySet

REDIRECT_URI = "http://client.example/callback?from=tests"  # never requested: the provider only names it
GOOGLE_SCOPE = "openid email profile"
GITHUB_SCOPE = "read:user user:email"


@pytest.fixture(scope="module")
def idp() -> Iterator[IdentityProvider]:
    with IdentityProvider() as running:
        yield running


def discovery(idp: IdentityProvider) -> dict[str, Any]:
    response = requests.get(idp.google_discovery_url, timeout=10)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def jwks(idp: IdentityProvider) -> KeySet:
    return KeySet.import_key_set(requests.get(discovery(idp)["jwks_uri"], timeout=10).json())


class Flow:
    """One login of a client at one provider: the session, its PKCE verifier and nonce, and where
    the provider sent the browser back to."""

    def __init__(self, idp: IdentityProvider, provider: str, **session: Any) -> None:
        self.idp = idp
        self.provider = provider
        self.verifier = secrets.token_urlsafe(48)
        self.nonce = secrets.token_urlsafe(16)
        options: dict[str, Any] = {"redirect_uri": REDIRECT_URI, "code_challenge_method": "S256"}
        if provider == "google":
            options |= {"scope": GOOGLE_SCOPE}
            self.client = OAuth2Session(idp.GOOGLE_CLIENT_ID, idp.GOOGLE_CLIENT_SECRET, **options | session)
            metadata = discovery(idp)
            self.authorize_endpoint = metadata["authorization_endpoint"]
            self.token_endpoint = metadata["token_endpoint"]
        else:
            options |= {"scope": GITHUB_SCOPE, "token_endpoint_auth_method": "client_secret_post"}  # as GitHub's docs
            self.client = OAuth2Session(idp.GITHUB_CLIENT_ID, idp.GITHUB_CLIENT_SECRET, **options | session)
            self.authorize_endpoint = f"{idp.github_oauth_url}/authorize"
            self.token_endpoint = f"{idp.github_oauth_url}/access_token"

    def authorize_url(self) -> tuple[str, str]:
        """The URL the client sends the browser to, and its state."""
        extra = {"nonce": self.nonce} if self.provider == "google" else {}
        url, state = self.client.create_authorization_url(self.authorize_endpoint, code_verifier=self.verifier, **extra)
        return str(url), str(state)

    def login(self, email: str, **login: Any) -> str:
        """Log ``email`` in; the URL the provider sends the browser back to (its state checked)."""
        url, state = self.authorize_url()
        callback = self.idp.follow(url, email=email, **login)
        assert callback.location.startswith(REDIRECT_URI + "&"), callback.location
        assert callback.state == state
        return callback.location

    def token(self, callback: str, verifier: str = "") -> dict[str, Any]:
        token: dict[str, Any] = self.client.fetch_token(
            self.token_endpoint, authorization_response=callback, code_verifier=verifier or self.verifier
        )
        return token

    def claims(self, id_token: str) -> dict[str, Any]:
        """The claims of an ID token that verifies against the JWKS, with the right iss, aud and nonce."""
        decoded = jwt.decode(id_token, jwks(self.idp), algorithms=["RS256"])
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": discovery(self.idp)["issuer"]},
            aud={"essential": True, "value": self.idp.GOOGLE_CLIENT_ID},
            nonce={"essential": True, "value": self.nonce},
            sub={"essential": True},
            exp={"essential": True},
        )
        registry.validate(decoded.claims)
        return decoded.claims


# -- Google ---------------------------------------------------------------------


def test_discovery_names_the_providers_endpoints(idp: IdentityProvider) -> None:
    metadata = discovery(idp)
    assert metadata["issuer"] == f"{idp.url}/google" == idp.google_issuer
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        assert metadata[endpoint].startswith(idp.google_issuer + "/"), endpoint
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "code" in metadata["response_types_supported"]


def test_jwks_is_the_providers_public_key_only(idp: IdentityProvider) -> None:
    keys = requests.get(discovery(idp)["jwks_uri"], timeout=10).json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["kid"] == idp.key.kid
    assert "d" not in keys[0] and "p" not in keys[0], "the JWKS must not publish the private key"


def test_google_login_end_to_end(idp: IdentityProvider) -> None:
    flow = Flow(idp, "google")
    url, _ = flow.authorize_url()
    assert "code_challenge=" in url and "code_challenge_method=S256" in url and "nonce=" in url
    callback = flow.login("Ada.Lovelace@example.com")
    token = flow.token(callback)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3599
    assert token["scope"] == GOOGLE_SCOPE and token["access_token"]
    claims = flow.claims(token["id_token"])
    assert claims["email"] == "Ada.Lovelace@example.com"
    assert claims["email_verified"] is True, "Google sends email_verified as a JSON boolean"
    assert claims["name"] == "Ada Lovelace" and claims["azp"] == idp.GOOGLE_CLIENT_ID
    assert claims["sub"] == Login("ada.lovelace@example.com").subject and len(claims["sub"]) == 21
    assert claims["exp"] - claims["iat"] == 3600
    userinfo = flow.client.get(discovery(idp)["userinfo_endpoint"], timeout=10)
    assert userinfo.status_code == 200 and userinfo.json()["sub"] == claims["sub"]


def test_google_login_as_someone_unverified_with_a_given_subject(idp: IdentityProvider) -> None:
    flow = Flow(idp, "google", token_endpoint_auth_method="client_secret_post")  # the secret in the body
    token = flow.token(flow.login("grace@example.com", verified=False, subject="1234", name="Grace H"))
    claims = flow.claims(token["id_token"])
    assert claims["email_verified"] is False
    assert (claims["sub"], claims["name"]) == ("1234", "Grace H")


def test_the_same_email_is_the_same_subject(idp: IdentityProvider) -> None:
    def subject(email: str) -> str:
        flow = Flow(idp, "google")
        return str(flow.claims(flow.token(flow.login(email))["id_token"])["sub"])

    assert subject("same@example.com") == subject("same@example.com")
    assert subject("same@example.com") != subject("another@example.com")


@pytest.mark.parametrize("provider", ["google", "github"])
def test_a_code_works_once(idp: IdentityProvider, provider: str) -> None:
    flow = Flow(idp, provider)
    callback = flow.login("once@example.com")
    flow.token(callback)
    check = discovery(idp)["userinfo_endpoint"] if provider == "google" else f"{idp.github_api_url}/user"
    assert flow.client.get(check, timeout=10).status_code == 200
    with pytest.raises(OAuthError) as refused:
        flow.token(callback)
    assert refused.value.error == ("invalid_grant" if provider == "google" else "bad_verification_code")
    assert flow.client.get(check, timeout=10).status_code == 401, "a reused code revokes its access token"


@pytest.mark.parametrize("provider", ["google", "github"])
def test_a_reusable_code_works_twice(idp: IdentityProvider, provider: str) -> None:
    flow = Flow(idp, provider)
    callback = flow.login("lax@example.com", misbehave="reusable_code")
    first, second = flow.token(callback), flow.token(callback)
    assert first["access_token"] != second["access_token"]


@pytest.mark.parametrize("provider", ["google", "github"])
def test_a_wrong_code_verifier_is_refused(idp: IdentityProvider, provider: str) -> None:
    flow = Flow(idp, provider)
    with pytest.raises(OAuthError) as refused:
        flow.token(flow.login("pkce@example.com"), verifier=secrets.token_urlsafe(48))
    assert refused.value.error == ("invalid_grant" if provider == "google" else "bad_verification_code")


@pytest.mark.parametrize("provider", ["google", "github"])
def test_a_wrong_client_secret_is_refused(idp: IdentityProvider, provider: str) -> None:
    flow = Flow(idp, provider)
    callback = flow.login("secret@example.com")
    flow.client.client_secret = "not-the-secret"
    with pytest.raises(OAuthError) as refused:
        flow.token(callback)
    assert refused.value.error == ("invalid_client" if provider == "google" else "incorrect_client_credentials")
    flow.client.client_secret = idp.GOOGLE_CLIENT_SECRET if provider == "google" else idp.GITHUB_CLIENT_SECRET
    assert flow.token(callback)["access_token"], "only the secret was wrong (the code was not used up)"


@pytest.mark.parametrize("provider", ["google", "github"])
def test_the_token_request_needs_the_authorize_redirect_uri(idp: IdentityProvider, provider: str) -> None:
    flow = Flow(idp, provider)
    callback = flow.login("redirect@example.com")
    flow.client.redirect_uri = REDIRECT_URI + "&more=1"
    with pytest.raises(OAuthError) as refused:
        flow.token(callback)
    assert refused.value.error == ("invalid_grant" if provider == "google" else "redirect_uri_mismatch")


def test_an_id_token_signed_by_another_key_does_not_verify(idp: IdentityProvider) -> None:
    flow = Flow(idp, "google")
    id_token = flow.token(flow.login("forged@example.com", misbehave="foreign_key"))["id_token"]
    assert jwt.decode(id_token, idp.foreign_key).header["kid"] == idp.key.kid, "the same kid, another key"
    with pytest.raises(BadSignatureError):
        jwt.decode(id_token, jwks(idp), algorithms=["RS256"])


@pytest.mark.parametrize(
    ("misbehave", "error"),
    [("wrong_nonce", InvalidClaimError), ("wrong_audience", InvalidClaimError), ("expired", ExpiredTokenError)],
)
def test_a_spoilt_id_token_verifies_but_its_claims_do_not(
    idp: IdentityProvider, misbehave: str, error: type[Exception]
) -> None:
    flow = Flow(idp, "google")
    id_token = flow.token(flow.login("spoilt@example.com", misbehave=misbehave))["id_token"]
    jwt.decode(id_token, jwks(idp), algorithms=["RS256"])  # the signature is fine
    with pytest.raises(error):
        flow.claims(id_token)


@pytest.mark.parametrize("provider", ["google", "github"])
def test_misbehave_error_redirects_with_access_denied(idp: IdentityProvider, provider: str) -> None:
    url, state = Flow(idp, provider).authorize_url()
    callback = idp.follow(url, email="denied@example.com", misbehave="error")
    assert callback.error == "access_denied" and callback.state == state and callback.code is None
    assert callback.params == {"error": "access_denied", "state": state}
    assert callback.query["from"] == "tests", "the redirect_uri's own query is kept"


@pytest.mark.parametrize("provider", ["google", "github"])
@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"client_id": "unknown-client"}, "unknown client_id"),
        ({"code_challenge": None}, "code_challenge"),
        ({"code_challenge_method": "plain"}, "S256"),
        ({"code_challenge_method": None}, "S256"),
        ({"redirect_uri": None}, "redirect_uri"),
        ({"login_email": None}, "login_email"),
        ({"misbehave": "sometimes"}, "misbehave"),
    ],
    ids=["unknown-client", "no-challenge", "plain-method", "no-method", "no-redirect-uri", "no-login", "bad-misbehave"],
)
def test_the_authorize_endpoint_refuses_a_bad_request(
    idp: IdentityProvider, provider: str, change: dict[str, str | None], complaint: str
) -> None:
    url, _ = Flow(idp, provider).authorize_url()
    params = dict(httpx.URL(url).params) | {"login_email": "bad@example.com"}
    for name, value in change.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    response = httpx.get(httpx.URL(url).copy_with(params=params), follow_redirects=False)
    assert response.status_code == 400 and complaint in response.text, response.text


def test_google_wants_openid_and_github_has_no_id_token_to_spoil(idp: IdentityProvider) -> None:
    url, _ = Flow(idp, "google").authorize_url()
    without_openid = httpx.URL(url).copy_set_param("scope", "email")
    assert httpx.get(with_query(str(without_openid), {"login_email": "x@example.com"})).status_code == 400
    url, _ = Flow(idp, "github").authorize_url()
    with pytest.raises(AssertionError, match="400"):
        idp.follow(url, email="x@example.com", misbehave="foreign_key")


def test_follow_only_goes_to_this_provider(idp: IdentityProvider) -> None:
    with pytest.raises(AssertionError, match="not this identity provider"):
        idp.follow("https://accounts.google.com/o/oauth2/v2/auth?client_id=x", email="x@example.com")


# -- GitHub ---------------------------------------------------------------------


def test_github_login_end_to_end(idp: IdentityProvider) -> None:
    flow = Flow(idp, "github")
    url, _ = flow.authorize_url()
    assert url.startswith(f"{idp.url}/github/login/oauth/authorize?") and "code_challenge_method=S256" in url
    token = flow.token(flow.login("Linus@example.com", name="Linus T"))
    assert token["access_token"].startswith("gho_") and token["token_type"] == "bearer"
    assert token["scope"] == "read:user,user:email"
    user = flow.client.get(f"{idp.github_api_url}/user", timeout=10).json()
    assert isinstance(user["id"], int) and user["login"] and user["name"] == "Linus T" and user["email"] is None
    emails = flow.client.get(f"{idp.github_api_url}/user/emails", timeout=10).json()
    primary = [e for e in emails if e["primary"]]
    assert primary == [{"email": "Linus@example.com", "primary": True, "verified": True, "visibility": "private"}]
    others = [e for e in emails if not e["primary"]]
    assert [e["email"] for e in others] == [f"other-{user['id']}@users.noreply.github.com"]
    assert others[0]["verified"] is True

    again = Flow(idp, "github")
    again.token(again.login("Linus@example.com"))
    assert again.client.get(f"{idp.github_api_url}/user", timeout=10).json()["id"] == user["id"], "a stable id"


def test_github_primary_address_may_be_unverified(idp: IdentityProvider) -> None:
    flow = Flow(idp, "github")
    flow.token(flow.login("unverified@example.com", verified=False))
    emails = flow.client.get(f"{idp.github_api_url}/user/emails", timeout=10).json()
    assert [e["verified"] for e in emails if e["primary"]] == [False]
    assert [e["verified"] for e in emails if not e["primary"]] == [True]


def test_github_api_takes_bearer_and_token_but_no_unknown_token(idp: IdentityProvider) -> None:
    flow = Flow(idp, "github")
    access = flow.token(flow.login("schemes@example.com"))["access_token"]
    for scheme in ("Bearer", "token"):
        response = httpx.get(f"{idp.github_api_url}/user", headers={"Authorization": f"{scheme} {access}"})
        assert response.status_code == 200, scheme
    for headers in ({"Authorization": "Bearer gho_unknown"}, {}):
        response = httpx.get(f"{idp.github_api_url}/user/emails", headers=headers)
        assert (response.status_code, response.json()) == (401, {"message": "Bad credentials"})


def test_github_emails_need_the_user_email_scope(idp: IdentityProvider) -> None:
    flow = Flow(idp, "github", scope="read:user")
    flow.token(flow.login("scopes@example.com"))
    assert flow.client.get(f"{idp.github_api_url}/user", timeout=10).status_code == 200
    assert flow.client.get(f"{idp.github_api_url}/user/emails", timeout=10).status_code == 404


def test_github_answers_form_encoded_unless_json_is_accepted(idp: IdentityProvider) -> None:
    flow = Flow(idp, "github")
    code = httpx.URL(flow.login("form@example.com")).params["code"]
    body = {
        "client_id": idp.GITHUB_CLIENT_ID,
        "client_secret": idp.GITHUB_CLIENT_SECRET,
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": flow.verifier,
    }
    response = httpx.post(flow.token_endpoint, data=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert httpx.QueryParams(response.text)["access_token"].startswith("gho_")
    refused = httpx.post(flow.token_endpoint, data=body, headers={"Accept": "application/json"})
    assert refused.status_code == 200, "GitHub refuses with 200 and an error in the body"
    assert refused.json()["error"] == "bad_verification_code"


# -- the server -----------------------------------------------------------------


def test_environ_points_an_app_at_the_provider(idp: IdentityProvider) -> None:
    environ = idp.environ("http://client.example/callback")
    assert environ == {
        "GOOGLE_CLIENT_ID": idp.GOOGLE_CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": idp.GOOGLE_CLIENT_SECRET,
        "GOOGLE_DISCOVERY_URL": f"{idp.url}/google/.well-known/openid-configuration",
        "GITHUB_CLIENT_ID": idp.GITHUB_CLIENT_ID,
        "GITHUB_CLIENT_SECRET": idp.GITHUB_CLIENT_SECRET,
        "GITHUB_OAUTH_URL": f"{idp.url}/github/login/oauth",
        "GITHUB_API_URL": f"{idp.url}/github/api",
        "OAUTH_REDIRECT_URIS": "http://client.example/callback",
    }


def test_no_request_log(idp: IdentityProvider, capfd: pytest.CaptureFixture[str]) -> None:
    flow = Flow(idp, "google")
    flow.token(flow.login("quiet@example.com"))
    httpx.get(f"{idp.url}/nowhere")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_the_server_stops_on_exit_also_after_an_error() -> None:
    with pytest.raises(RuntimeError), IdentityProvider() as idp:
        port = idp.port
        assert httpx.get(idp.google_discovery_url).status_code == 200
        raise RuntimeError("a test fails")
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
