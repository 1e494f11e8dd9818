"""Backups of the SQLite database and restoring one: the data comes back, the last N are kept,
and restore refuses a stranger's file and a database that is being served."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from servicecenter import create_app
from servicecenter.extensions import db
from servicecenter.models import Part
from servicecenter.services import backups

NOW = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="SQLite backups; on PostgreSQL backups are the database server's job (pg_dump)",
)


@pytest.fixture
def live(tmp_path):
    """An app on a SQLite file of its own, migrated like a real installation, with heartbeats."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite3'}",
        BACKUP_DIR=str(tmp_path / "backups"),
        BACKUP_KEEP=3,
        HEARTBEAT_DIR=str(tmp_path / "heartbeats"),
        HEARTBEAT_SECONDS=30,
    )
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def parts() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Part.sku).order_by(Part.sku)))


def add_part(sku: str) -> None:
    db.session.add(Part(sku=sku, name=sku))
    db.session.commit()


def test_backup_then_restore_gives_back_the_same_data(live):
    add_part("A-1")
    add_part("B-2")
    runner = live.test_cli_runner()
    made = runner.invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    (copy,) = backups.list_backups()
    assert f"Backed up to {copy}" in made.output

    db.session.execute(sa.delete(Part).where(Part.sku == "A-1"))
    db.session.commit()
    add_part("C-3")
    assert parts() == ["B-2", "C-3"]

    # another process's connection, open across the restore, reads the restored data after it
    other = sa.create_engine(live.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.StaticPool)
    count = sa.text("SELECT count(*) FROM parts")
    with other.connect() as connection:
        assert connection.execute(count).scalar() == 2
        restored = runner.invoke(args=["restore", str(copy)])
        assert restored.exit_code == 0, restored.output
        assert "Restored" in restored.output and "schema revision" in restored.output
        assert parts() == ["A-1", "B-2"]
        connection.rollback()
        skus = connection.execute(sa.text("SELECT sku FROM parts ORDER BY sku")).scalars().all()
        assert skus == ["A-1", "B-2"]
    other.dispose()
    add_part("D-4")  # the restored database takes writes again
    assert parts() == ["A-1", "B-2", "D-4"]


def test_only_the_last_backups_are_kept(live):
    for hours in range(5):
        backups.backup(NOW + timedelta(hours=hours))
    kept = [path.name for path in backups.list_backups()]
    assert kept == [
        "servicecenter-20261201-023000.sqlite3",
        "servicecenter-20261201-033000.sqlite3",
        "servicecenter-20261201-043000.sqlite3",
    ]
    assert not list(backups.backup_dir().glob(".*partial"))


def test_restore_refuses_a_file_that_is_not_this_apps_database(live, tmp_path):
    add_part("A-1")
    runner = live.test_cli_runner()
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    stranger = tmp_path / "other.sqlite3"
    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")

    for path, reason in [
        (text, "is not a SQLite database"),
        (stranger, "is not a database of this app"),
        (tmp_path / "missing.sqlite3", "is not a file"),
    ]:
        result = runner.invoke(args=["restore", str(path), "--force"])
        assert result.exit_code != 0
        assert reason in result.output
    assert parts() == ["A-1"]


def test_restore_refuses_while_the_app_is_serving_unless_forced(live):
    add_part("A-1")
    copy = backups.backup(NOW)
    add_part("B-2")
    assert live.test_client().get("/healthz").status_code == 200  # a web worker at work
    runner = live.test_cli_runner()

    refused = runner.invoke(args=["restore", str(copy)])
    assert refused.exit_code != 0
    assert "seems to be serving (web-" in refused.output and "--force" in refused.output
    assert parts() == ["A-1", "B-2"]

    forced = runner.invoke(args=["restore", str(copy), "--force"])
    assert forced.exit_code == 0, forced.output
    assert parts() == ["A-1"]


def test_an_old_heartbeat_does_not_count_as_serving(live):
    from servicecenter import heartbeat

    heartbeat.touch("scheduler")
    (beat,) = heartbeat.directory().iterdir()
    assert heartbeat.recent() == [beat.name]
    quiet = live.config["RESTORE_QUIET_SECONDS"]
    assert heartbeat.recent(now=datetime.now(UTC) + timedelta(seconds=quiet + 1)) == []
    heartbeat.forget("scheduler")
    assert heartbeat.recent() == []


def test_the_backup_job_sweeps_heartbeats_silent_for_a_day(live):
    import os

    from servicecenter import heartbeat, jobs

    folder = heartbeat.directory()
    folder.mkdir(parents=True, exist_ok=True)
    gone, alive = folder / "web-111", folder / "web-222"
    gone.touch()
    alive.touch()
    two_days_ago = datetime.now(UTC).timestamp() - 2 * 86_400
    os.utime(gone, (two_days_ago, two_days_ago))

    jobs.run(jobs.get("backup"))

    assert not gone.exists() and alive.exists()
