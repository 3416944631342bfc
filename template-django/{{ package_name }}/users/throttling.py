"""Throttling of failed logins, per account and client address, and per client address alone.

The failures are kept in Django's cache: the local-memory cache (the default) counts per
process, so with several workers the effective limit is the setting times the workers. Point
`CACHES` at Redis or the database if that matters for your deployment.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


class FailureCounter:
    """The failures of one key in a sliding window; past `max_failures` the key must wait."""

    def __init__(self, key: str, max_failures: int, window: int) -> None:
        self.key = f"login-failures:{hashlib.sha256(key.encode()).hexdigest()}"
        self.max_failures = max_failures
        self.window = window

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


class LoginThrottle:
    """Failed logins per account and address, and per address alone (random emails count)."""

    def __init__(self, email: str, address: str) -> None:
        self.per_account = FailureCounter(
            f"{email.lower()}|{address}", settings.LOGIN_MAX_FAILURES, settings.LOGIN_WINDOW_SECONDS
        )
        self.per_address = FailureCounter(
            f"address|{address}",
            settings.LOGIN_ADDRESS_MAX_FAILURES,
            settings.LOGIN_ADDRESS_WINDOW_SECONDS,
        )

    def retry_after(self) -> int | None:
        """Seconds to wait before trying again, or None when a try is allowed now."""
        waits = (self.per_account.retry_after(), self.per_address.retry_after())
        return max((wait for wait in waits if wait is not None), default=None)

    def record_failure(self) -> None:
        self.per_account.record_failure()
        self.per_address.record_failure()

    def record_success(self) -> None:
        """Clears the account's count; the address's stays (one good account must not reset it)."""
        self.per_account.reset()
