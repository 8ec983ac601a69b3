"""Encryption at rest for the personal data of preventive cases.

Two mechanisms, both keyed from the case key ring (:func:`keys`):

* :class:`EncryptedTextField` stores text as a Fernet token (AES-128-CBC with an
  HMAC-SHA256 tag, from the ``cryptography`` package). The same plaintext gives a different
  token every time, so the column reveals neither the value nor whether two rows hold the
  same person.
* :func:`blind_index` is a keyed HMAC-SHA256 of the normalised personal identity number.
  It is deterministic, so a search by personnummer is an indexed equality query, yet
  without the key nobody can test a guessed number against the column (a plain hash of a
  ten-digit number with a check digit falls to brute force in seconds).

The two keys are derived from each configured secret with HKDF (RFC 5869) under
different labels, so the blind index never reuses the encryption key.

The key ring holds one or more secrets, newest first. New values are encrypted under the
first; a value is read with whichever key opens it (``MultiFernet``), so a key can be
replaced while the data is re-encrypted (``samverkan rotate_case_key``). The ring comes
from ``CASES_ENCRYPTION_KEYS`` / ``CASES_ENCRYPTION_KEY`` or from the key file
``CASES_ENCRYPTION_KEY_FILE`` (one key a line). A missing key file is generated only
while no encrypted value exists: a key written next to data encrypted under another key
would leave every case unreadable, so that situation is an error naming the missing key
(:func:`check_case_key`, a system check, refuses to start).

References
----------
Fernet specification, https://github.com/fernet/spec.
Krawczyk, H., Eronen, P. (2010). RFC 5869: HMAC-based Extract-and-Expand Key Derivation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, models

PREFIX = "fernet:"


class MissingCaseKey(ImproperlyConfigured):
    """Encrypted case data exists but no case key is configured or found."""


def _derive(label: bytes, secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        secret.encode("utf-8")
    )


@lru_cache(maxsize=16)
def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"samverkan-cases-encryption", secret)))


@lru_cache(maxsize=16)
def _index_key(secret: str) -> bytes:
    return _derive(b"samverkan-cases-blind-index", secret)


@lru_cache(maxsize=8)
def _multi(ring: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(secret) for secret in ring])


def fingerprint(secret: str) -> str:
    """A short name for a key in logs and audit events; reveals nothing of the key."""
    return hashlib.sha256(_derive(b"samverkan-cases-key-id", secret)).hexdigest()[:12]


def generate_key() -> str:
    return secrets.token_urlsafe(32)


def where_keys_are_looked_for() -> str:
    return (
        "miljövariabeln CASES_ENCRYPTION_KEYS (eller CASES_ENCRYPTION_KEY) eller "
        f"nyckelfilen {key_file()} (CASES_ENCRYPTION_KEY_FILE)"
    )


def key_file() -> Path:
    return Path(settings.CASES_ENCRYPTION_KEY_FILE)


def read_key_file(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def write_key_file(path: Path, ring: list[str]) -> None:
    """Replace the key file atomically, readable by the owner only."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# Nyaste nyckeln först; se docs/operations.md, Keys.\n")
        fh.write("\n".join(ring) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _file_cache.clear()


# The key file is read once per change of its modification time, so a ring extended by
# rotate_case_key reaches running processes without a restart.
_file_cache: dict[str, tuple[float, tuple[str, ...]]] = {}


def _ring_from_file(path: Path) -> tuple[str, ...] | None:
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _file_cache.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    ring = tuple(read_key_file(path))
    _file_cache[str(path)] = (mtime, ring)
    return ring


def configured_ring() -> tuple[str, ...] | None:
    """The key ring if one is configured or on file, else None (nothing generated)."""
    from_env = tuple(getattr(settings, "CASES_ENCRYPTION_KEYS", ()) or ())
    if from_env:
        return from_env
    ring = _ring_from_file(key_file())
    return ring or None


def keys() -> tuple[str, ...]:
    """The case key ring, newest first; generates the demo's key file if allowed."""
    ring = configured_ring()
    if ring:
        return ring
    if encrypted_values_exist():
        raise MissingCaseKey(
            "Nyckeln till ärendenas krypterade uppgifter (CASES_ENCRYPTION_KEY) saknas, "
            f"men krypterade uppgifter finns. Den söks i {where_keys_are_looked_for()}. "
            "Lägg tillbaka nyckeln från säkerhetskopian av nycklarna; en ny nyckel kan inte "
            "läsa uppgifterna (docs/operations.md, Keys)."
        )
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # O_EXCL: two processes starting at once must not write two different keys.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(generate_key() + "\n")
    ring = _ring_from_file(path)
    if not ring:
        raise MissingCaseKey(f"Nyckelfilen {path} är tom.")
    return ring


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields and the names of those fields."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def _sample_token(using=None) -> str | None:
    """One stored encrypted value, read raw, or None when there is none (or no tables)."""
    conn = connection if using is None else using
    tables = set(conn.introspection.table_names())
    qn = conn.ops.quote_name
    with conn.cursor() as cursor:
        for model, names in encrypted_fields():
            table = model._meta.db_table
            if table not in tables:
                continue
            for name in names:
                column = qn(model._meta.get_field(name).column)
                cursor.execute(f"SELECT {column} FROM {qn(table)} WHERE {column} <> '' LIMIT 1")
                row = cursor.fetchone()
                if row:
                    return row[0]
    return None


def encrypted_values_exist() -> bool:
    return _sample_token() is not None


@checks.register(checks.Tags.security)
def check_case_key(app_configs=None, **kwargs):
    """Refuse to start when encrypted case data exists that no configured key opens."""
    try:
        sample = _sample_token()
    except DatabaseError:
        return []  # no database to look at yet: nothing encrypted can be lost
    if sample is None:
        return []
    ring = configured_ring()
    if not ring:
        return [
            checks.Error(
                "Nyckeln till ärendenas krypterade uppgifter (CASES_ENCRYPTION_KEY) saknas, "
                "men databasen innehåller krypterade uppgifter.",
                hint=f"Nyckeln söks i {where_keys_are_looked_for()}. Lägg tillbaka den "
                "nyckel som uppgifterna krypterades med; en ny nyckel kan inte läsa dem "
                "(docs/operations.md, Keys).",
                id="cases.E001",
            )
        ]
    try:
        decrypt(sample, ring)
    except ValueError:
        return [
            checks.Error(
                "Ingen av de konfigurerade nycklarna (CASES_ENCRYPTION_KEY) kan läsa "
                "ärendenas krypterade uppgifter.",
                hint=f"Nyckeln söks i {where_keys_are_looked_for()}. Ange den nyckel "
                "uppgifterna krypterades med (vid nyckelbyte: den nya först, den gamla efter).",
                id="cases.E002",
            )
        ]
    return []


def encrypt(text: str) -> str:
    return PREFIX + _fernet(keys()[0]).encrypt(text.encode("utf-8")).decode()


def decrypt(token: str, ring: tuple[str, ...] | None = None) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("Värdet är inte krypterat.")
    try:
        return _multi(ring or keys()).decrypt(token[len(PREFIX) :].encode()).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("Fel nyckel (CASES_ENCRYPTION_KEY) eller förvanskat värde.") from exc


def is_current(token: str, ring: tuple[str, ...] | None = None) -> bool:
    """Whether ``token`` is encrypted under the newest key of the ring."""
    if not token.startswith(PREFIX):
        return False
    try:
        _fernet((ring or keys())[0]).decrypt(token[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str, ring: tuple[str, ...] | None = None) -> str:
    """The same value encrypted under the newest key (its timestamp kept)."""
    return PREFIX + _multi(ring or keys()).rotate(token[len(PREFIX) :].encode()).decode()


def blind_index(normalised: str, secret: str | None = None) -> str:
    """Keyed HMAC-SHA256 of a normalised identity number, hex encoded (64 characters)."""
    key = _index_key(secret or keys()[0])
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def blind_indexes(normalised: str) -> list[str]:
    """The blind index under every key of the ring: during a key rotation a row may
    still carry the index of the old key."""
    return [blind_index(normalised, secret) for secret in keys()]


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code sees the plaintext.

    Empty text is stored as the empty string, so "no value" needs no key. The field cannot
    be filtered on by value: use a blind index for the one lookup that needs it (by
    convention a field named ``<field>_index`` next to it, which key rotation recomputes).
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
