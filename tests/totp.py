"""RFC 6238 codes computed as an authenticator app does, independent of django-otp."""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import time
from base64 import b32decode


def totp(secret_b32: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """The code an app shows at ``at`` (now by default) for a base32 secret."""
    secret = re.sub(r"\s", "", secret_b32).upper()
    key = b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)
