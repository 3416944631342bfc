{# Included by core/security.py (FastAPI, Flask) and users/api_tokens.py (Django), which import
    hashlib, hmac, secrets and dataclass: the shape of an opaque API token, written once. -#}
API_TOKEN_KEY_LENGTH = 12  # the start of a token that finds its row
API_TOKEN_MAX_LENGTH = 200  # longer is no token of ours: refused without a query


@dataclass(frozen=True)
class ApiTokenSecret:
    """A new API token as the caller gets it once, and what is stored of it."""

    token: str
    key: str
    digest: str


def new_api_token() -> ApiTokenSecret:
    """A random token: a 12-character key, then 256 random bits."""
    token = secrets.token_urlsafe(9) + secrets.token_urlsafe(32)
    return ApiTokenSecret(token, token[:API_TOKEN_KEY_LENGTH], api_token_digest(token))


def api_token_digest(token: str) -> str:
    """SHA-256 of the whole token: enough for 256 random bits, which no one guesses."""
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_key(token: str) -> str | None:
    """The key of a token of the right shape, else None."""
    if not API_TOKEN_KEY_LENGTH < len(token) <= API_TOKEN_MAX_LENGTH:
        return None
    return token[:API_TOKEN_KEY_LENGTH]


def api_token_matches(token: str, digest: str) -> bool:
    """Whether ``token`` is the one ``digest`` was made of, in constant time."""
    return hmac.compare_digest(api_token_digest(token), digest)
