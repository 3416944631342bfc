"""Throttling of failed logins, per account and client address.

The failures are kept in Django's cache: the local-memory cache (the default) counts per
process, so with several workers the effective limit is the setting times the workers. Point
`CACHES` at Redis or the database if that matters for your deployment.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


class LoginThrottle:
    def __init__(self, email: str, address: str) -> None:
        digest = hashlib.sha256(f"{email.lower()}|{address}".encode()).hexdigest()
        self.key = f"login-failures:{digest}"
        self.max_failures: int = settings.LOGIN_MAX_FAILURES
        self.window: int = settings.LOGIN_WINDOW_SECONDS

    def _recent(self) -> list[float]:
        cutoff = time.time() - self.window
        return [t for t in cache.get(self.key, []) if t > cutoff]

    def retry_after(self) -> int | None:
        """Seconds to wait before trying again, or None when a try is allowed now."""
        failures = self._recent()
        if len(failures) < self.max_failures:
            return None
        return max(1, math.ceil(failures[0] + self.window - time.time()))

    def record_failure(self) -> None:
        cache.set(self.key, [*self._recent(), time.time()], timeout=self.window)

    def reset(self) -> None:
        cache.delete(self.key)
