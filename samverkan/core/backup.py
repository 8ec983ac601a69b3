"""Consistent backups of a running installation and verified restores.

A backup is one tar archive:

* ``manifest.json``: format, application version, creation time, database vendor, the
  applied migrations, the row count of every table and the SHA-256 of every other member;
* ``database.sqlite3`` (SQLite's online backup API, a consistent copy while the
  application writes) or ``database.pgdump`` (``pg_dump --format=custom``, run on a snapshot
  exported by the transaction in which the tables were counted, so counts and dump agree);
* ``media/...``: the uploaded files (``MEDIA_ROOT``).

The keys are never in it: the case key and ``SECRET_KEY`` live outside the data folder and
are backed up separately (docs/operations.md, Keys). A restore goes into an empty
installation, checks every checksum before touching the database and every table's count
after, and refuses a non-empty database unless forced.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
# Tables that `migrate` fills by itself: a migrated installation without data is empty.
SETUP_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """A backup cannot be written or a restore is refused."""


def app_version() -> str:
    try:
        return metadata.version("samverkan")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def pg_binary(name: str) -> str:
    """The newest installed PostgreSQL client program ``name`` (pg_dump must not be older
    than the server)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    if candidates:
        return candidates[-1]
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        found = Path(out.stdout.strip()) / name
        if found.exists():
            return str(found)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"{name} saknas: installera PostgreSQL:s klientprogram (paketet postgresql).")


def _pg_env(params: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _pg_connect(params: dict):
    import psycopg

    return psycopg.connect(
        dbname=params["NAME"],
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [r[0] for r in cursor.fetchall()]


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [r[0] for r in cursor.fetchall()]


def table_counts(using: str = "default") -> dict[str, int]:
    """Rows per table of the database ``using`` (every table, Django's own included)."""
    conn = connections[using]
    with conn.cursor() as cursor:
        return _counts(cursor, conn.introspection.table_names(cursor))


def _dump_sqlite(using: str, target: Path) -> tuple[dict, dict]:
    conn = connections[using]
    conn.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        # Page by page, restarting when another connection writes: a consistent copy.
        conn.connection.backup(dest)
        cursor = dest.cursor()
        counts = _counts(cursor, _sqlite_tables(cursor))
        applied = _migrations(cursor)
    finally:
        dest.close()
    return counts, applied


def _dump_postgres(using: str, target: Path) -> tuple[dict, dict]:
    params = connections[using].settings_dict
    with _pg_connect(params) as pg:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()[0]
        cursor = pg.cursor()
        counts = _counts(cursor, _pg_tables(cursor))
        applied = _migrations(cursor)
        args, env = _pg_env(params)
        # The snapshot lives as long as this transaction: pg_dump sees exactly the rows
        # that were counted, whatever the application writes meanwhile.
        result = subprocess.run(
            [
                pg_binary("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                *args,
                "--file",
                str(target),
                params["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        pg.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump misslyckades: {result.stderr.strip()}")
    return counts, applied


def _key_paths() -> set[Path]:
    paths = {Path(settings.DATA_DIR) / "secret_key"}
    if getattr(settings, "CASES_ENCRYPTION_KEY_FILE", None):
        paths.add(Path(settings.CASES_ENCRYPTION_KEY_FILE).resolve())
    return {p.resolve() for p in paths}


def media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    keys = _key_paths()
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.resolve() not in keys:
            found.append(("media/" + path.relative_to(root).as_posix(), path))
    return found


def backup(file: str | os.PathLike, *, using: str = "default") -> dict:
    """Write a backup archive of the database ``using`` and the uploaded files.

    Returns the manifest. The archive is written beside ``file`` and renamed into place,
    so a failed backup never leaves a truncated file under the final name.
    """
    target = Path(file)
    vendor = connections[using].vendor
    with tempfile.TemporaryDirectory(prefix="samverkan-backup-") as tmp:
        tmpdir = Path(tmp)
        if vendor == "sqlite":
            member = "database.sqlite3"
            counts, applied = _dump_sqlite(using, tmpdir / member)
        elif vendor == "postgresql":
            member = "database.pgdump"
            counts, applied = _dump_postgres(using, tmpdir / member)
        else:
            raise BackupError(f"Databasen {vendor} stöds inte.")
        members = [(member, tmpdir / member), *media_files()]
        manifest = {
            "format": FORMAT,
            "app": "samverkan",
            "app_version": app_version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "member": member},
            "migrations": applied,
            "counts": counts,
            "checksums": {name: sha256(path) for name, path in members},
            "keys": "Nycklarna ingår inte; se docs/operations.md, Keys.",
        }
        partial = target.with_name(target.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, target)
    return manifest


def read_verified(file: str | os.PathLike, into: Path) -> dict:
    """Extract the archive into ``into`` and check it against its manifest."""
    try:
        with tarfile.open(file, mode="r:*") as tar:
            names = tar.getnames()
            if MANIFEST not in names:
                raise BackupError("Arkivet saknar manifest.json: det är ingen säkerhetskopia.")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"Arkivet kan inte läsas: {exc}") from exc
    manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Okänt format på säkerhetskopian: {manifest.get('format')!r}.")
    listed = manifest.get("checksums", {})
    unlisted = sorted(set(names) - set(listed) - {MANIFEST})
    if unlisted:
        raise BackupError(f"Filer som inte står i manifestet: {', '.join(unlisted[:5])}.")
    for name, expected in listed.items():
        path = into / name
        if not path.is_file():
            raise BackupError(f"{name} saknas i arkivet.")
        if sha256(path) != expected:
            raise BackupError(f"Kontrollsumman för {name} stämmer inte: arkivet är skadat.")
    return manifest


def _non_empty_tables(using: str) -> list[str]:
    counts = table_counts(using)
    return sorted(t for t, n in counts.items() if n and t not in SETUP_TABLES)


def _unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, names in applied.items()
        for name in names
        if (app, name) not in known
    )


def restore(file: str | os.PathLike, *, using: str = "default", force: bool = False) -> dict:
    """Restore a backup into the (empty) database ``using`` and ``MEDIA_ROOT``; verified.

    Raises
    ------
    BackupError
        A damaged archive, another database vendor, a non-empty target (unless ``force``),
        migrations newer than this version of the code (unless ``force``), or counts that
        differ from the manifest after the restore.
    """
    conn = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="samverkan-restore-") as tmp:
        tmpdir = Path(tmp)
        manifest = read_verified(file, tmpdir)
        vendor = manifest["database"]["vendor"]
        if vendor != conn.vendor:
            raise BackupError(
                f"Säkerhetskopian är från {vendor}, installationen använder {conn.vendor}."
            )
        if not force:
            filled = _non_empty_tables(using)
            if filled:
                raise BackupError(
                    "Databasen är inte tom (t.ex. " + ", ".join(filled[:3]) + "); återställ "
                    "till en tom installation eller använd --force för att skriva över den."
                )
            if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
                raise BackupError(f"{media_root} är inte tom; använd --force för att skriva över.")
            unknown = _unknown_migrations(manifest.get("migrations", {}))
            if unknown:
                raise BackupError(
                    "Säkerhetskopian är från en nyare version (migreringar som koden inte "
                    f"känner: {', '.join(unknown[:3])}); uppgradera först."
                )
        member = tmpdir / manifest["database"]["member"]
        if vendor == "sqlite":
            conn.ensure_connection()
            source = sqlite3.connect(member)
            try:
                # Into the open connection, page by page: the database file, its WAL and
                # an in-memory test database are all replaced alike.
                source.backup(conn.connection)
            finally:
                source.close()
        else:
            params = conn.settings_dict
            conn.close()
            args, env = _pg_env(params)
            result = subprocess.run(
                [
                    pg_binary("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    "--dbname",
                    params["NAME"],
                    str(member),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore misslyckades: {result.stderr.strip()}")
        media_source = tmpdir / "media"
        if media_source.is_dir():
            shutil.copytree(media_source, media_root, dirs_exist_ok=True)
        actual = table_counts(using)
        differing = sorted(t for t, n in manifest["counts"].items() if actual.get(t) != n)
        if differing:
            raise BackupError(
                "Antalet rader efter återställningen skiljer sig från manifestet: "
                + ", ".join(
                    f"{t} ({actual.get(t)} ≠ {manifest['counts'][t]})" for t in differing[:5]
                )
            )
    return manifest
