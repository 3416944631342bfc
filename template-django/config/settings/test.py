"""Tests (pytest-django): a fixed secret, fast password hashing, the database of DATABASE_URL
(pytest-django creates and drops a `test_` database of its own next to it)."""

from .base import *  # noqa: F403

ENVIRONMENT = "test"
SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789-abcdefghij"  # noqa: S105
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": SECRET_KEY}  # noqa: F405
PASSWORD_HASH_TIME_COST = 1  # cheap, but the project's Argon2 hasher and its slots
PASSWORD_HASH_MEMORY_KIB = 1024
PASSWORD_HASH_CONCURRENCY = 1
PASSWORD_HASH_WAIT_SECONDS = 0.05
