"""Production (ENVIRONMENT=production): a real secret is required, HTTPS everywhere but the
health checks (the load balancer asks them over plain HTTP).

`production.env.example` lists what to set; check it with
`ENV_FILE=production.env.example SECRET_KEY=... manage.py check --deploy --fail-level WARNING`.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import EXAMPLE_SECRET_KEY, env
from config.secret_key import MIN_DISTINCT_CHARACTERS, MIN_ENTROPY_BITS, is_low_variety

from .base import *  # noqa: F403
from .base import SIMPLE_JWT

SECRET_KEY = env.str("SECRET_KEY", default="")
if SECRET_KEY == EXAMPLE_SECRET_KEY or len(SECRET_KEY) < 50 or is_low_variety(SECRET_KEY):
    msg = (
        f"SECRET_KEY must be set to a random string of at least 50 characters, "
        f"{MIN_DISTINCT_CHARACTERS} of them different and about {MIN_ENTROPY_BITS} bits of "
        f"entropy, in production"
    )
    raise ImproperlyConfigured(msg)
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": SECRET_KEY}

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health(/|$)"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
