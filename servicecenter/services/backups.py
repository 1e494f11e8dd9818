"""Backups of the embedded SQLite database through SQLite's backup API, and restoring one.

On PostgreSQL backups are the database server's job (pg_dump, base backups, a managed service's
snapshots): these functions copy nothing there and say so.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path

from flask import current_app

from ..extensions import db

PREFIX = "servicecenter-"
SUFFIX = ".sqlite3"
SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRESQL_NOTE = (
    "The database is PostgreSQL: backups are the database server's job "
    "(pg_dump or the provider's managed backups); nothing was copied."
)


class BackupError(RuntimeError):
    """A backup or restore that cannot be done (not SQLite, not this app's database)."""


def database_file() -> Path | None:
    """The live SQLite file, or None when the database is not a SQLite file."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def backup_dir() -> Path:
    configured = current_app.config["BACKUP_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def list_backups() -> list[Path]:
    """The backups kept, oldest first (the names sort by time)."""
    folder = backup_dir()
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder.is_dir() else []


def _copy(source: Path, target: Path) -> None:
    busy = current_app.config["SQLITE_BUSY_TIMEOUT"]
    with (
        contextlib.closing(sqlite3.connect(source, timeout=busy)) as src,
        contextlib.closing(sqlite3.connect(target, timeout=busy)) as dest,
    ):
        # One step (pages=-1): the copy is a single consistent snapshot of the source.
        src.backup(dest)


def backup(now: datetime) -> Path | None:
    """Copy the live database to `<backup dir>/servicecenter-<YYYYMMDD-HHMMSS>.sqlite3` and keep
    the last BACKUP_KEEP copies. Returns the new file, or None on PostgreSQL (see POSTGRESQL_NOTE).

    The same `now` gives the same name: running again replaces that copy, nothing accumulates.
    """
    source = database_file()
    if source is None:
        if db.engine.url.get_backend_name() == "sqlite":
            raise BackupError("An in-memory database cannot be backed up.")
        return None
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    _copy(source, partial)
    # Renamed only once complete, so a crash never leaves a half copy that looks like a backup.
    partial.replace(target)
    prune(keep=current_app.config["BACKUP_KEEP"])
    return target


def prune(*, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; return the deleted files."""
    backups = list_backups()
    doomed = backups[: max(len(backups) - keep, 0)]
    for path in doomed:
        path.unlink()
    return doomed


def check_backup(path: Path) -> str:
    """Check that `path` is a SQLite database of this app and return its schema revision.

    Raises BackupError naming what is wrong.
    """
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database.")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a database of this app ({error}).") from None
    if revision is None or "repair_orders" not in tables:
        raise BackupError(f"{path} is not a database of this app (no schema revision).")
    return revision[0]


def restore(path: Path) -> Path:
    """Copy the backup `path` over the live database, page by page through the backup API, so
    connections still open see either the old or the new database, never a mix. Returns the
    live file. The caller checks the file first (`check_backup`) and that nobody is serving.
    """
    target = database_file()
    if target is None:
        raise BackupError(
            "Restore is for the SQLite database; on PostgreSQL restore with pg_restore."
        )
    # Our pooled connections would otherwise keep reading pages cached from before.
    db.session.remove()
    db.engine.dispose()
    _copy(path, target)
    return target
