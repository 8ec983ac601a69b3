"""Proof of work for the public form (hashcash), with no third-party service.

The server issues a signed challenge (a random nonce, the time and the difficulty);
the browser (``static/citizens/pow.js``) searches a counter such that
``sha256(challenge + ":" + counter)`` begins with ``bits`` zero bits, and the server
checks the signature, the age and the hash. A challenge is spent by the observation
that answers it (a unique column), so one answer cannot be replayed. The work costs a
phone a second or so and a bulk sender that much per submission (Back 2002).

References
----------
Back, A. (2002). Hashcash - a denial of service counter-measure. http://www.hashcash.org/
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing

SALT = "samverkan.citizens.challenge"


def issue(now: float | None = None) -> str:
    """A new signed challenge at the configured difficulty."""
    payload = f"{secrets.token_hex(12)}.{int(now or time.time())}.{settings.CITIZEN_POW_BITS}"
    return signing.Signer(salt=SALT).sign(payload)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str) -> int:
    """The first counter that answers ``challenge`` (for tests and the load test)."""
    bits = int(challenge.split(":")[0].rsplit(".", 1)[1])
    counter = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{counter}".encode()).digest()) < bits:
        counter += 1
    return counter


def check(challenge: str, counter: str, now: float | None = None) -> bool:
    """Whether ``counter`` answers a genuine, unexpired ``challenge``."""
    try:
        payload = signing.Signer(salt=SALT).unsign(challenge)
        _nonce, issued, bits = payload.split(".")
        issued_at, bits_n = int(issued), int(bits)
    except (signing.BadSignature, ValueError):
        return False
    age = (now or time.time()) - issued_at
    if age < 0 or age > settings.CITIZEN_POW_MAX_AGE:
        return False
    # A challenge issued under a lower difficulty than now is not honoured.
    if bits_n < settings.CITIZEN_POW_BITS or not counter.isdigit() or len(counter) > 12:
        return False
    digest = hashlib.sha256(f"{challenge}:{counter}".encode()).digest()
    return leading_zero_bits(digest) >= bits_n
