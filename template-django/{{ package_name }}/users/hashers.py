"""Django's Argon2 at the cost of the settings, at most PASSWORD_HASH_CONCURRENCY hashes at once.

A hash costs tens of milliseconds of a core and PASSWORD_HASH_MEMORY_KIB of memory. Hashes made
with other costs still verify (Argon2 keeps its parameters in the hash) and are rehashed at the
new cost on the next login.
"""

from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

from ..core.hash_slots import HashSlots


@cache
def hash_slots() -> HashSlots:
    """The slots of this process."""
    return HashSlots(settings.PASSWORD_HASH_CONCURRENCY, settings.PASSWORD_HASH_WAIT_SECONDS)


class Argon2Hasher(Argon2PasswordHasher):
    def __init__(self) -> None:
        self.time_cost = settings.PASSWORD_HASH_TIME_COST
        self.memory_cost = settings.PASSWORD_HASH_MEMORY_KIB
        self.parallelism = settings.PASSWORD_HASH_PARALLELISM

    def encode(self, password: str, salt: str) -> str:
        with hash_slots().slot():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with hash_slots().slot():
            return super().verify(password, encoded)
