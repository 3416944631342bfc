"""Throttling of failed logins, per account and client address, and per client address alone.

Kept in process memory: with several worker processes each counts on its own, so the
effective limit is the setting times the number of workers. Put the counter in Redis
(or the database) if that matters for your deployment.
"""

import math
import time
from collections import deque


class FailureCounter:
    """The failures of each key in a sliding window; past `max_failures` the key must wait."""

    def __init__(self, max_failures: int, window_seconds: float) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def retry_after(self, key: tuple[str, str]) -> int | None:
        """Seconds to wait before trying again, or None when the key may try now."""
        failures = self._recent(key)
        if len(failures) < self.max_failures:
            return None
        return max(1, math.ceil(failures[0] + self.window - time.monotonic()))

    def record_failure(self, key: tuple[str, str]) -> None:
        self._recent(key)
        self._failures.setdefault(key, deque()).append(time.monotonic())

    def reset(self, key: tuple[str, str]) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        """The failures of the current window; a key without any is forgotten."""
        failures = self._failures.get(key, deque())
        cutoff = time.monotonic() - self.window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures


class LoginThrottle:
    """Failed logins per account and address, and per address alone (random emails count)."""

    def __init__(self, per_account: FailureCounter, per_address: FailureCounter) -> None:
        self.per_account = per_account
        self.per_address = per_address

    def retry_after(self, email: str, address: str) -> int | None:
        """Seconds to wait before trying again, or None when a try is allowed now."""
        waits = (
            self.per_account.retry_after((email.lower(), address)),
            self.per_address.retry_after(("", address)),
        )
        return max((wait for wait in waits if wait is not None), default=None)

    def record_failure(self, email: str, address: str) -> None:
        self.per_account.record_failure((email.lower(), address))
        self.per_address.record_failure(("", address))

    def record_success(self, email: str, address: str) -> None:
        """Clears the account's count; the address's stays (one good account must not reset it)."""
        self.per_account.reset((email.lower(), address))
