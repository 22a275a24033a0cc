"""Backup and restore of the database and the private files, in one archive.

The archive holds the database as the database itself dumps it (pg_dump's custom
format on PostgreSQL, SQLite's online backup otherwise), so encrypted columns stay
encrypted: restoring needs the same CLEANBREAK_ENCRYPTION_KEYS. It also holds every
private file (evidence, contracts, documents) and a manifest with row counts.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
COUNTED = [
    "agency_user",
    "agency_auditevent",
    "clients_client",
    "clients_incident",
    "offboarding_offboarding",
    "offboarding_document",
]


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    """Where a database lives: the Django settings dict of one connection."""

    vendor: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, db: dict) -> Target:
        engine = db["ENGINE"]
        vendor = "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else ""
        if not vendor:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")
        return cls(
            vendor=vendor,
            name=str(db["NAME"]),
            user=db.get("USER") or "",
            password=db.get("PASSWORD") or "",
            host=db.get("HOST") or "",
            port=str(db.get("PORT") or ""),
        )

    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return args

    def pg_env(self) -> dict:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _row_counts(alias: str = "default") -> dict[str, int]:
    counts = {}
    with connections[alias].cursor() as cursor:
        for table in COUNTED:
            cursor.execute(f"SELECT COUNT(*) FROM {connections[alias].ops.quote_name(table)}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(output: Path, *, alias: str = "default") -> dict:
    """Write an archive of the database and the private files; returns the manifest."""
    target = Target.from_settings(connections[alias].settings_dict)
    media = Path(settings.MEDIA_ROOT)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if target.vendor == "postgresql":
            dump = tmp_path / "database.dump"
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(dump),
                    *target.pg_args(),
                    target.name,
                ],
                env=target.pg_env(),
            )
        else:
            dump = tmp_path / "database.sqlite3"
            source = sqlite3.connect(target.name)
            dest = sqlite3.connect(dump)
            with dest:
                source.backup(dest)
            source.close()
            dest.close()
        manifest = {
            "created_at": timezone.now().isoformat(),
            "vendor": target.vendor,
            "database_file": dump.name,
            "rows": _row_counts(alias),
            "media_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0,
            "note": "Secrets are stored encrypted: restore with the same "
            "CLEANBREAK_ENCRYPTION_KEYS.",
        }
        (tmp_path / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = output.with_suffix(output.suffix + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp_path / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            if media.exists():
                tar.add(media, arcname="media")
        os.chmod(partial, 0o600)  # it holds everything the app holds
        os.replace(partial, output)
    return manifest


def restore(archive: Path, *, target: Target, media_root: Path) -> dict:
    """Restore an archive into an EMPTY database and an empty (or missing) media folder."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp_path, filter="data")  # refuses absolute paths and links out
        manifest = json.loads((tmp_path / MANIFEST).read_text())
        if manifest["vendor"] != target.vendor:
            raise BackupError(
                f"This backup is of a {manifest['vendor']} database; the target is {target.vendor}."
            )
        dump = tmp_path / manifest["database_file"]
        if target.vendor == "postgresql":
            _ensure_empty_postgres(target)
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    target.name,
                    *target.pg_args(),
                    str(dump),
                ],
                env=target.pg_env(),
            )
        else:
            dest = Path(target.name)
            if dest.exists() and dest.stat().st_size > 0:
                raise BackupError(f"{dest} already exists: restore only into an empty database.")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, dest)
        source_media = tmp_path / "media"
        if source_media.exists():
            if media_root.exists() and any(media_root.iterdir()):
                raise BackupError(f"{media_root} is not empty: restore into an empty folder.")
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(source_media, media_root, dirs_exist_ok=True)
    return manifest


def _ensure_empty_postgres(target: Target) -> None:
    result = _run(
        [
            "psql",
            "--tuples-only",
            "--no-align",
            "--dbname",
            target.name,
            *target.pg_args(),
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        ],
        env=target.pg_env(),
    )
    if result.strip() not in ("", "0"):
        raise BackupError(
            f"Database {target.name} already has tables: restore only into an empty database."
        )


def _run(command: list[str], *, env: dict) -> str:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
    return result.stdout
