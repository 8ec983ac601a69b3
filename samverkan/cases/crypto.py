"""Encryption at rest for the personal data of preventive cases.

Two mechanisms, both keyed from ``settings.CASES_ENCRYPTION_KEY``:

* :class:`EncryptedTextField` stores text as a Fernet token (AES-128-CBC with an
  HMAC-SHA256 tag, from the ``cryptography`` package). The same plaintext gives a different
  token every time, so the column reveals neither the value nor whether two rows hold the
  same person.
* :func:`blind_index` is a keyed HMAC-SHA256 of the normalised personal identity number.
  It is deterministic, so a search by personnummer is an indexed equality query, yet
  without the key nobody can test a guessed number against the column (a plain hash of a
  ten-digit number with a check digit falls to brute force in seconds).

The two keys are derived from the one configured secret with HKDF (RFC 5869) under
different labels, so the blind index never reuses the encryption key.

References
----------
Fernet specification, https://github.com/fernet/spec.
Krawczyk, H., Eronen, P. (2010). RFC 5869: HMAC-based Extract-and-Expand Key Derivation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


def _derive(label: bytes, secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        secret.encode("utf-8")
    )


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"samverkan-cases-encryption", secret)))


@lru_cache(maxsize=4)
def _index_key(secret: str) -> bytes:
    return _derive(b"samverkan-cases-blind-index", secret)


def encrypt(text: str) -> str:
    return PREFIX + _fernet(settings.CASES_ENCRYPTION_KEY).encrypt(text.encode("utf-8")).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("Värdet är inte krypterat.")
    try:
        return (
            _fernet(settings.CASES_ENCRYPTION_KEY)
            .decrypt(token[len(PREFIX) :].encode())
            .decode("utf-8")
        )
    except InvalidToken as exc:
        raise ValueError("Fel nyckel (CASES_ENCRYPTION_KEY) eller förvanskat värde.") from exc


def blind_index(normalised: str) -> str:
    """Keyed HMAC-SHA256 of a normalised identity number, hex encoded (64 characters)."""
    key = _index_key(settings.CASES_ENCRYPTION_KEY)
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code sees the plaintext.

    Empty text is stored as the empty string, so "no value" needs no key. The field cannot
    be filtered on by value: use a blind index for the one lookup that needs it.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value or ""
        return encrypt(value)
