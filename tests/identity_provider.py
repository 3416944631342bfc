"""A fake identity provider on 127.0.0.1 that is a real HTTP server: Google (OpenID Connect) and
GitHub (OAuth2 and its REST API), for the OAuth2 tests.

It serves, in a thread of its own (the stdlib's ``ThreadingHTTPServer``):

- Google under ``{url}/google``: discovery (``/.well-known/openid-configuration``), ``/jwks``,
  ``/authorize``, ``/token`` (an RS256 ID token signed with the provider's RSA key) and ``/userinfo``;
- GitHub under ``{url}/github``: ``/login/oauth/authorize``, ``/login/oauth/access_token`` and the
  API's ``/api/user`` and ``/api/user/emails``.

Both insist on PKCE (S256), take only their own client (``*_CLIENT_ID`` / ``*_CLIENT_SECRET``
below), hand out codes that work once, for the redirect URI and the verifier they were issued
for. Any ``redirect_uri`` is accepted at authorize (the app's allow-list is what is under test);
the token endpoint then insists on the same one.

There is no consent page: the authorize endpoint answers 302 at once. Who logs in is told by
test-only query parameters added to the authorize URL, which ``follow`` adds (see ``LOGIN_PARAMETERS``
and ``MISBEHAVIOURS``)::

    with IdentityProvider() as idp:
        environ = idp.environ("http://client.example/callback")  # the app's settings
        ...  # the app answers 302 to idp's authorize URL: `location`
        callback = idp.follow(location, email="ada@example.com", verified=False)
        ...  # hand callback.code and callback.state to the app's callback endpoint

Nothing is logged (no request log: codes and tokens travel in URLs and bodies).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

HOST = "127.0.0.1"
KEY_ID = "fake-idp-rs256-1"
ID_TOKEN_LIFETIME = 3600  # seconds
ACCESS_TOKEN_LIFETIME = 3599  # what Google answers as expires_in
MAX_BODY = 64 * 1024

# The test-only query parameters of both authorize endpoints (``follow`` sets them).
LOGIN_PARAMETERS = ("login_email", "login_verified", "login_subject", "login_name", "misbehave")
# ``misbehave`` values. ``error`` and ``reusable_code`` work with both providers, the others spoil
# Google's ID token:
ID_TOKEN_MISBEHAVIOURS = frozenset(
    {
        "foreign_key",  # signed by another RSA key that carries the provider's kid
        "wrong_nonce",  # a nonce that is not the one the client sent
        "wrong_audience",  # issued to another client (aud and azp)
        "expired",  # exp an hour ago
    }
)
# error: redirect with error=access_denied, no code. reusable_code: a code the token endpoint takes
# again and again (as a lax provider might), so that only the client's single-use state stops a replay.
FLOW_MISBEHAVIOURS = frozenset({"error", "reusable_code"})
MISBEHAVIOURS = ID_TOKEN_MISBEHAVIOURS | FLOW_MISBEHAVIOURS

GITHUB_EMAIL_SCOPES = frozenset({"user:email", "user"})  # the scopes that may read /user/emails


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE ``verifier`` (RFC 7636): base64url(sha256), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def with_query(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` added to the query it may already have."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _digest_number(text: str, digits: int) -> int:
    """A number of at most ``digits`` digits derived from ``text`` (stable across runs)."""
    number: int = int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**digits
    return number


@dataclass(frozen=True)
class Login:
    """Who logs in at the provider, as the authorize URL's test-only parameters say."""

    email: str
    verified: bool = True
    subject: str = ""  # Google's ``sub``, GitHub's user id (digits); derived from the email when empty
    name: str = ""  # derived from the email when empty

    def __post_init__(self) -> None:
        if not self.subject:
            # 21 digits like Google's; the same email is the same person, in any case.
            object.__setattr__(self, "subject", str(10**20 + _digest_number(self.email.casefold(), 20)))
        if not self.name:
            object.__setattr__(self, "name", self.email.split("@")[0].replace(".", " ").title())

    @property
    def github_id(self) -> int:
        """GitHub's numeric user id: the subject when it is digits, else derived from it."""
        return int(self.subject) % 2**31 if self.subject.isdigit() else _digest_number(self.subject, 9)

    @property
    def github_login(self) -> str:
        local = "".join(c if c.isalnum() else "-" for c in self.email.split("@")[0]).strip("-")
        return f"{local or 'user'}-{self.github_id}"


@dataclass(frozen=True)
class Callback:
    """The provider's 302 back to the client: its ``Location`` and that URL's query."""

    location: str
    query: dict[str, str]

    @property
    def code(self) -> str | None:
        return self.query.get("code")

    @property
    def state(self) -> str | None:
        return self.query.get("state")

    @property
    def error(self) -> str | None:
        return self.query.get("error")

    @property
    def params(self) -> dict[str, str]:
        """What the client page passes on to the app's callback: ``code``, ``state``, ``error`` (those present)."""
        return {key: value for key, value in self.query.items() if key in ("code", "state", "error")}


@dataclass
class _Grant:
    """An authorization code as issued: what redeeming it must match, and what it stands for."""

    provider: str  # "google" | "github"
    client_id: str
    redirect_uri: str
    code_challenge: str
    scopes: tuple[str, ...]
    nonce: str | None
    login: Login
    misbehave: str | None
    issued_at: float = field(default_factory=time.time)
    used: bool = False
    access_token: str | None = None  # the token it was redeemed for: revoked when it is reused


@dataclass(frozen=True)
class _AccessToken:
    provider: str
    login: Login
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class _Reply:
    """An HTTP answer of the provider."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of_json(cls, status: int, value: Any, *headers: tuple[str, str]) -> _Reply:
        return cls(status, json.dumps(value).encode(), "application/json; charset=utf-8", headers)

    @classmethod
    def text(cls, status: int, message: str) -> _Reply:
        return cls(status, message.encode(), "text/plain; charset=utf-8")

    @classmethod
    def redirect(cls, location: str) -> _Reply:
        return cls(302, b"", "text/plain; charset=utf-8", (("Location", location),))


@dataclass(frozen=True)
class _Request:
    """An HTTP request as the provider's routes see it."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: Mapping[str, str]  # names lower-cased

    def bearer(self) -> str | None:
        """The token of ``Authorization: Bearer <token>`` or ``token <token>`` (GitHub's older scheme)."""
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token") or not token.strip():
            return None
        return token.strip()

    def accepts_json(self) -> bool:
        return "json" in self.headers.get("accept", "")


class _Refusal(Exception):
    """A request the provider refuses: its answer."""

    def __init__(self, reply: _Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class IdentityProvider:
    """The fake Google and GitHub; a context manager that starts and stops the HTTP server."""

    GOOGLE_CLIENT_ID = "google-test-client.apps.googleusercontent.com"
    GOOGLE_CLIENT_SECRET = "google-test-secret"
    GITHUB_CLIENT_ID = "github-test-client"
    GITHUB_CLIENT_SECRET = "github-test-secret"
    # The client an ID token goes to when it misbehaves with ``wrong_audience``.
    OTHER_CLIENT_ID = "someone-else.apps.googleusercontent.com"

    def __init__(self, host: str = HOST) -> None:
        self.host = host
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self._foreign_key: RSAKey | None = None  # made when first needed: key generation takes a while
        self._lock = threading.Lock()
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, _AccessToken] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes: dict[tuple[str, str], Callable[[_Request], _Reply]] = {
            ("GET", "/google/.well-known/openid-configuration"): self._google_discovery,
            ("GET", "/google/jwks"): self._google_jwks,
            ("GET", "/google/authorize"): self._google_authorize,
            ("POST", "/google/token"): self._google_token,
            ("GET", "/google/userinfo"): self._google_userinfo,
            ("GET", "/github/login/oauth/authorize"): self._github_authorize,
            ("POST", "/github/login/oauth/access_token"): self._github_access_token,
            ("GET", "/github/api/user"): self._github_user,
            ("GET", "/github/api/user/emails"): self._github_emails,
        }

    # -- where it is ----------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "the identity provider is not started"
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:41234`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def google_issuer(self) -> str:
        return f"{self.url}/google"

    @property
    def google_discovery_url(self) -> str:
        return f"{self.google_issuer}/.well-known/openid-configuration"

    @property
    def google_authorize_url(self) -> str:
        return f"{self.google_issuer}/authorize"

    @property
    def github_oauth_url(self) -> str:
        """The base of GitHub's OAuth endpoints (``/authorize``, ``/access_token``)."""
        return f"{self.url}/github/login/oauth"

    @property
    def github_api_url(self) -> str:
        return f"{self.url}/github/api"

    def environ(self, redirect_uris: str) -> dict[str, str]:
        """The settings that point a generated app at this provider; ``redirect_uris`` is the app's
        allow-list of client pages (``OAUTH_REDIRECT_URIS``, comma-separated)."""
        return {
            "GOOGLE_CLIENT_ID": self.GOOGLE_CLIENT_ID,
            "GOOGLE_CLIENT_SECRET": self.GOOGLE_CLIENT_SECRET,
            "GOOGLE_DISCOVERY_URL": self.google_discovery_url,
            "GITHUB_CLIENT_ID": self.GITHUB_CLIENT_ID,
            "GITHUB_CLIENT_SECRET": self.GITHUB_CLIENT_SECRET,
            "GITHUB_OAUTH_URL": self.github_oauth_url,
            "GITHUB_API_URL": self.github_api_url,
            "OAUTH_REDIRECT_URIS": redirect_uris,
        }

    # -- the test's side of the login -----------------------------------------
    def follow(
        self,
        authorize_url: str,
        *,
        email: str,
        verified: bool = True,
        subject: str = "",
        name: str = "",
        misbehave: str = "",
    ) -> Callback:
        """Log ``email`` in at ``authorize_url`` (one of this provider's authorize URLs, as a
        client redirected to it) and return where the provider sends the browser back to.

        ``subject`` (default: derived from the email) is Google's ``sub`` and, as digits,
        GitHub's user id; ``misbehave`` is one of ``MISBEHAVIOURS``. AssertionError when the
        provider does not answer 302 (it refused the request: the message says why)."""
        assert authorize_url.startswith(self.url + "/"), f"{authorize_url} is not this identity provider's"
        login = {"login_email": email, "login_verified": "1" if verified else "0"}
        login |= {"login_subject": subject} if subject else {}
        login |= {"login_name": name} if name else {}
        login |= {"misbehave": misbehave} if misbehave else {}
        response = httpx.get(with_query(authorize_url, login), follow_redirects=False, timeout=10)
        assert response.status_code == 302, (
            f"the identity provider answered {response.status_code} to the authorize request: {response.text}"
        )
        location = response.headers["location"]
        return Callback(location, dict(parse_qsl(urlsplit(location).query, keep_blank_values=True)))

    # -- running --------------------------------------------------------------
    def start(self) -> IdentityProvider:
        server = _Server((self.host, 0), self)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        try:
            thread.start()
        except BaseException:
            server.server_close()
            raise
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        try:
            if thread is not None and thread.is_alive():
                server.shutdown()
                thread.join()
        finally:
            server.server_close()

    def __enter__(self) -> IdentityProvider:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def handle(self, request: _Request) -> _Reply:
        """The answer to one request (called by the server's threads)."""
        route = self._routes.get((request.method, request.path))
        if route is None:
            known = any(path == request.path for _, path in self._routes)
            return _Reply.text(405, "method not allowed") if known else _Reply.of_json(404, {"message": "Not Found"})
        try:
            return route(request)
        except _Refusal as refusal:
            return refusal.reply

    # -- authorize (both providers) -------------------------------------------
    def _authorize(self, request: _Request, provider: str, client_id: str) -> _Reply:
        """Check an authorize request, then log in whom its test-only parameters name: 302 to the
        client's ``redirect_uri`` with a new code and the client's ``state``."""
        query = request.query

        def refuse(message: str) -> _Refusal:
            return _Refusal(_Reply.text(400, f"{provider} authorize: {message}"))

        if query.get("client_id") != client_id:
            raise refuse(f"unknown client_id {query.get('client_id')!r}")
        redirect_uri = query.get("redirect_uri", "")
        target = urlsplit(redirect_uri)
        if target.scheme not in ("http", "https") or not target.netloc or target.fragment:
            raise refuse(f"redirect_uri must be an absolute http(s) URL without a fragment, not {redirect_uri!r}")
        if provider == "google" and query.get("response_type") != "code":
            raise refuse("response_type must be 'code'")
        if provider == "github" and query.get("response_type", "code") != "code":
            raise refuse("response_type must be 'code' when given")
        if not query.get("code_challenge"):
            raise refuse("code_challenge (PKCE) is missing")
        if query.get("code_challenge_method") != "S256":
            raise refuse("code_challenge_method must be S256")
        scopes = tuple(query.get("scope", "").replace(",", " ").split())
        if provider == "google" and "openid" not in scopes:
            raise refuse("scope must include openid (no ID token otherwise)")
        email = query.get("login_email", "")
        if "@" not in email:
            raise refuse("the test-only parameter login_email (who logs in) is missing")
        verified = query.get("login_verified", "1")
        if verified not in ("0", "1"):
            raise refuse("login_verified must be 1 or 0")
        misbehave = query.get("misbehave") or None
        allowed = MISBEHAVIOURS if provider == "google" else FLOW_MISBEHAVIOURS
        if misbehave is not None and misbehave not in allowed:
            raise refuse(f"misbehave must be one of {sorted(allowed)}, not {misbehave!r}")

        back = {"state": query["state"]} if "state" in query else {}
        if misbehave == "error":
            error = {"error": "access_denied", "error_description": "The user denied the request"}
            return _Reply.redirect(with_query(redirect_uri, error | back))
        login = Login(email, verified == "1", query.get("login_subject", ""), query.get("login_name", ""))
        code = secrets.token_urlsafe(24)
        grant = _Grant(
            provider=provider,
            client_id=client_id,
            redirect_uri=redirect_uri,
            code_challenge=query["code_challenge"],
            scopes=scopes,
            nonce=query.get("nonce"),
            login=login,
            misbehave=misbehave,
        )
        with self._lock:
            self._grants[code] = grant
        return _Reply.redirect(with_query(redirect_uri, {"code": code} | back))

    def _redeem(self, request: _Request, provider: str, client_id: str, client_secret: str) -> tuple[_Grant, str]:
        """Check a token request (client, code, redirect URI, PKCE verifier): the grant and a new
        access token for it. Raises ``_Refusal`` with the OAuth2 error (RFC 6749 5.2) of the first
        check that fails, as Google answers it; GitHub's routes translate it.

        A code is used up once the client has authenticated, whatever then fails (unless it
        misbehaves with ``reusable_code``); a code that is used again also revokes the access token
        it was first redeemed for (RFC 6749 4.1.2)."""
        form = request.form

        def refuse(status: int, error: str, description: str) -> _Refusal:
            return _Refusal(_Reply.of_json(status, {"error": error, "error_description": description}))

        if form.get("grant_type", "authorization_code") != "authorization_code":
            raise refuse(400, "unsupported_grant_type", "only authorization_code is supported")
        sent_id, sent_secret = form.get("client_id"), form.get("client_secret")
        basic = _basic_credentials(request.headers.get("authorization", ""))
        if basic is not None:
            if sent_secret is not None or (sent_id is not None and sent_id != basic[0]):
                raise refuse(400, "invalid_request", "client credentials given twice")
            sent_id, sent_secret = basic
        if sent_id != client_id or not hmac.compare_digest((sent_secret or "").encode(), client_secret.encode()):
            raise refuse(401, "invalid_client", "The OAuth client was not found or its secret is wrong.")
        code = form.get("code", "")
        with self._lock:
            grant = self._grants.get(code)
            if grant is None or grant.provider != provider or grant.client_id != client_id:
                raise refuse(400, "invalid_grant", "Malformed auth code.")
            if grant.used:
                if grant.access_token is not None:
                    self._tokens.pop(grant.access_token, None)
                raise refuse(400, "invalid_grant", "Bad Request: the code was already redeemed.")
            grant.used = grant.misbehave != "reusable_code"
        if form.get("redirect_uri") != grant.redirect_uri:
            raise refuse(400, "invalid_grant", "redirect_uri does not match the one of the authorize request")
        verifier = form.get("code_verifier", "")
        if not verifier or not hmac.compare_digest(pkce_challenge(verifier), grant.code_challenge):
            raise refuse(400, "invalid_grant", "code_verifier does not match the code_challenge")
        prefix = "ya29." if provider == "google" else "gho_"
        token = prefix + secrets.token_hex(18)
        with self._lock:
            grant.access_token = token
            self._tokens[token] = _AccessToken(provider, grant.login, grant.scopes)
        return grant, token

    def _access(self, request: _Request, provider: str) -> _AccessToken | None:
        token = request.bearer()
        with self._lock:
            found = self._tokens.get(token or "")
        return found if found is not None and found.provider == provider else None

    # -- Google ---------------------------------------------------------------
    def _google_discovery(self, request: _Request) -> _Reply:
        issuer = self.google_issuer
        return _Reply.of_json(
            200,
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "userinfo_endpoint": f"{issuer}/userinfo",
                "jwks_uri": f"{issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub"],
                "code_challenge_methods_supported": ["S256"],
                "grant_types_supported": ["authorization_code"],
            },
        )

    def _google_jwks(self, request: _Request) -> _Reply:
        return _Reply.of_json(200, KeySet([self.key]).as_dict(private=False))

    def _google_authorize(self, request: _Request) -> _Reply:
        return self._authorize(request, "google", self.GOOGLE_CLIENT_ID)

    def _google_token(self, request: _Request) -> _Reply:
        grant, token = self._redeem(request, "google", self.GOOGLE_CLIENT_ID, self.GOOGLE_CLIENT_SECRET)
        body = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_LIFETIME,
            "scope": " ".join(grant.scopes),
            "id_token": self.id_token(grant),
        }
        return _Reply.of_json(200, body, ("Cache-Control", "no-store"), ("Pragma", "no-cache"))

    def id_token(self, grant: _Grant) -> str:
        """The RS256 ID token of a grant, spoilt as its ``misbehave`` says."""
        now = int(time.time())
        audience = self.OTHER_CLIENT_ID if grant.misbehave == "wrong_audience" else grant.client_id
        claims: dict[str, Any] = {
            "iss": self.google_issuer,
            "aud": audience,
            "azp": audience,
            "sub": grant.login.subject,
            "email": grant.login.email,
            "email_verified": grant.login.verified,
            "name": grant.login.name,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME,
        }
        if grant.misbehave == "expired":
            claims |= {"iat": now - 2 * ID_TOKEN_LIFETIME, "exp": now - ID_TOKEN_LIFETIME}
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        if grant.misbehave == "wrong_nonce":
            claims["nonce"] = "not-" + (grant.nonce or "the-clients-nonce")
        key = self.key
        if grant.misbehave == "foreign_key":
            key = self.foreign_key
        return jwt.encode({"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}, claims, key)

    @property
    def foreign_key(self) -> RSAKey:
        """Another RSA key with the provider's kid: what signs the ``foreign_key`` ID tokens."""
        with self._lock:
            if self._foreign_key is None:
                self._foreign_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
            return self._foreign_key

    def _google_userinfo(self, request: _Request) -> _Reply:
        access = self._access(request, "google")
        if access is None:
            return _Reply.of_json(401, {"error": "invalid_token"}, ("WWW-Authenticate", 'Bearer error="invalid_token"'))
        login = access.login
        return _Reply.of_json(
            200, {"sub": login.subject, "email": login.email, "email_verified": login.verified, "name": login.name}
        )

    # -- GitHub ---------------------------------------------------------------
    def _github_authorize(self, request: _Request) -> _Reply:
        return self._authorize(request, "github", self.GITHUB_CLIENT_ID)

    def _github_access_token(self, request: _Request) -> _Reply:
        """GitHub answers 200 even to a refusal, with ``error`` in the body, in JSON only when the
        client accepts it (form-encoded otherwise)."""
        try:
            grant, token = self._redeem(request, "github", self.GITHUB_CLIENT_ID, self.GITHUB_CLIENT_SECRET)
            body = {"access_token": token, "token_type": "bearer", "scope": ",".join(grant.scopes)}
        except _Refusal as refusal:
            refused = json.loads(refusal.reply.body)
            if refused["error"] == "invalid_client":
                error = "incorrect_client_credentials"
            elif "redirect_uri" in refused["error_description"]:
                error = "redirect_uri_mismatch"
            elif refused["error"] == "invalid_grant":
                error = "bad_verification_code"
            else:
                error = refused["error"]
            body = {"error": error, "error_description": refused["error_description"]}
        if request.accepts_json():
            return _Reply.of_json(200, body)
        return _Reply(200, urlencode(body).encode(), "application/x-www-form-urlencoded; charset=utf-8")

    def _github_api_access(self, request: _Request) -> _AccessToken:
        if not request.headers.get("user-agent"):
            # As GitHub's API: every request needs a User-Agent.
            raise _Refusal(_Reply.of_json(403, {"message": "Request forbidden: send a User-Agent header"}))
        access = self._access(request, "github")
        if access is None:
            raise _Refusal(_Reply.of_json(401, {"message": "Bad credentials"}))
        return access

    def _github_user(self, request: _Request) -> _Reply:
        login = self._github_api_access(request).login
        return _Reply.of_json(
            200,
            {
                "login": login.github_login,
                "id": login.github_id,
                "type": "User",
                "name": login.name,
                "email": None,  # the address is private: /user/emails has it
            },
        )

    def _github_emails(self, request: _Request) -> _Reply:
        access = self._github_api_access(request)
        if not GITHUB_EMAIL_SCOPES & set(access.scopes):
            # As GitHub: without the user:email scope the endpoint is not there for the token.
            return _Reply.of_json(404, {"message": "Not Found"}, ("X-Accepted-OAuth-Scopes", "user, user:email"))
        login = access.login
        other = {
            "email": f"other-{login.github_id}@users.noreply.github.com",
            "primary": False,
            "verified": True,
            "visibility": None,
        }
        primary = {"email": login.email, "primary": True, "verified": login.verified, "visibility": "private"}
        # The verified extra address first: a client must look for the primary one.
        return _Reply.of_json(200, [other, primary])


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """The client id and secret of ``Authorization: Basic ...`` (form-encoded, RFC 6749 2.3.1)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return unquote(client_id.replace("+", " ")), unquote(client_secret.replace("+", " "))


class _Server(ThreadingHTTPServer):
    """The HTTP server, on a port the system picks, with the provider its handlers ask."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], idp: IdentityProvider) -> None:
        self.idp = idp
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into ``_Request``s for the provider and its ``_Reply``s into HTTP."""

    server: _Server
    timeout = 30  # seconds a connection may idle

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        try:
            query = _single_values(parts.query)
            form = _single_values(self._body()) if method == "POST" else {}
        except ValueError as error:
            self._send(_Reply.of_json(400, {"error": "invalid_request", "error_description": str(error)}))
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._send(self.server.idp.handle(_Request(method, parts.path, query, form, headers)))

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        body = self.rfile.read(length).decode("utf-8", errors="strict") if length else ""
        if body and not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            raise ValueError("the body must be application/x-www-form-urlencoded")
        return body

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """No request log: URLs carry codes and states, and the suite's output stays quiet."""


def _single_values(encoded: str) -> dict[str, str]:
    """The parameters of a query or form; a parameter given twice is refused (RFC 6749 3.1)."""
    pairs = parse_qsl(encoded, keep_blank_values=True, strict_parsing=False)
    values = dict(pairs)
    if len(values) != len(pairs):
        raise ValueError("a parameter is given more than once")
    return values
