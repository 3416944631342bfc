"""How much variety a secret key needs outside development.

Length alone lets `"a" * 64` through. A key is also refused when it has fewer than
MIN_DISTINCT_CHARACTERS different characters, or when its estimated entropy is under
MIN_ENTROPY_BITS; the estimate is the key's length times the Shannon entropy of its character
frequencies, which is low for keys that repeat few characters. Random keys pass with a wide
margin: `secrets.token_urlsafe(48)` comes to about 340 bits; even 32 random hex digits
(`secrets.token_hex(16)`) come to about 105, though about one such key in 10,000 has fewer than
10 different digits. The estimate cannot see every pattern (`"0123456789" * 5` passes):
generate keys, never type them.
"""

import math
from collections import Counter

MIN_DISTINCT_CHARACTERS = 10
MIN_ENTROPY_BITS = 80


def estimated_entropy_bits(secret: str) -> float:
    """The length of `secret` times the Shannon entropy of its character frequencies."""
    length = len(secret)
    counts = Counter(secret).values()
    return -sum(count * math.log2(count / length) for count in counts)


def is_low_variety(secret: str) -> bool:
    """Too few different characters, or too little estimated entropy, for a secret key."""
    return (
        len(set(secret)) < MIN_DISTINCT_CHARACTERS
        or estimated_entropy_bits(secret) < MIN_ENTROPY_BITS
    )
