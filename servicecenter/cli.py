"""Command-line tasks: demo data (small, or generated at volume), staff accounts, stock
reconciliation, the jobs, backups and restore. Each command commits once at its end."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from .database import write_transaction
from .domain.enums import Role
from .domain.errors import DomainError
from .extensions import db
from .models import JobOutcome, Office, Part, StockLocation, User, Workshop
from .models._types import utcnow


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(demo_data)
    app.cli.add_command(create_user)
    app.cli.add_command(build_fonts)
    app.cli.add_command(reconcile_stock)
    app.cli.add_command(notifications_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(dashboard_group)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Pretend today is this date (the data is the same for the same date).",
)
@with_appcontext
def seed_demo(if_empty: bool, today) -> None:
    """Load the demo network: 2 offices, 3 workshops, 6 users, ~200 orders."""
    from . import demo

    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demo data is refused in the production configuration.")
    with write_transaction():
        if db.session.execute(sa.select(sa.func.count()).select_from(Office)).scalar_one():
            if if_empty:
                click.echo("The database has data already; demo data not loaded.")
                return
            raise click.ClickException(
                "The database is not empty; demo data goes into an empty one."
            )
        network = demo.seed(today=today.date() if today else None)
        db.session.commit()
    click.echo(f"Demo data loaded. Users (demo only, password '{demo.DEMO_PASSWORD}'):")
    for login, user in network.staff.items():
        place = user.office.name if user.office else user.workshop.name if user.workshop else "—"
        click.echo(f"  {login:<11} {user.role.value:<13} {place}")


@click.command("demo-data")
@click.option("--orders", type=click.IntRange(1, 20_000_000), default=10_000, show_default=True)
@click.option(
    "--days", type=click.IntRange(7, 3650), default=730, show_default=True, help="Period covered."
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Same seed, same data.")
@click.option("--no-rollup", is_flag=True, help="Leave the dashboard's rollup to its job.")
@with_appcontext
def demo_data(orders: int, days: int, seed: int, no_rollup: bool) -> None:
    """Fill an empty database with the demo network and ORDERS generated orders (benchmarks,
    trying the app at scale): customers, devices, history, payments, stock, handovers, ratings."""
    from . import demo, demo_volume

    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demo data is refused in the production configuration.")
    with write_transaction():
        if db.session.execute(sa.select(sa.func.count()).select_from(Office)).scalar_one():
            raise click.ClickException(
                "The database is not empty; demo data goes into an empty one."
            )
        summary = demo_volume.generate(
            orders,
            now=utcnow(),
            days=days,
            seed=seed,
            roll_up=not no_rollup,
            progress=lambda text: click.echo(f"  … {text}"),
        )
    click.echo(
        f"{summary.orders:,} orders ({summary.rows:,} rows) in {summary.seconds} s;"
        f" dashboard days rolled up: {summary.rolled_days}."
        f" Users as in the small demo, password '{demo.DEMO_PASSWORD}'."
    )


@click.command("create-user")
@click.argument("username")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--office", "office_code", help="Office code, for receptionists.")
@click.option("--workshop", "workshop_name", help="Workshop name, for workshop staff.")
@click.password_option()
@with_appcontext
def create_user(username, name, role, office_code, workshop_name, password) -> None:
    """Create a staff account."""
    from .services import users

    with write_transaction():
        office = workshop = None
        if office_code:
            office = db.session.execute(
                sa.select(Office).where(Office.code == office_code.upper())
            ).scalar_one_or_none()
            if office is None:
                raise click.ClickException(f"No office with code {office_code!r}.")
        if workshop_name:
            workshop = db.session.execute(
                sa.select(Workshop).where(Workshop.name == workshop_name)
            ).scalar_one_or_none()
            if workshop is None:
                raise click.ClickException(f"No workshop named {workshop_name!r}.")
        if db.session.execute(sa.select(User.id).where(User.username == username.lower())).first():
            raise click.ClickException(f"User {username!r} exists already.")
        try:
            users.create_user(
                username=username,
                name=name,
                role=Role(role),
                password=password,
                office=office,
                workshop=workshop,
            )
        except DomainError as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
    click.echo(f"User {username} created.")


@click.command("build-fonts")
@with_appcontext
def build_fonts() -> None:
    """Cut the PDF font instances now (about ten seconds), not on the first print."""
    from .pdf import fonts
    from .services.documents import font_cache

    for name, path in fonts.font_files(font_cache()).items():
        click.echo(f"{name}: {path}")


@click.command("reconcile-stock")
@click.option("--fix", is_flag=True, help="Set the cached levels to what the ledger says.")
@with_appcontext
def reconcile_stock(fix: bool) -> None:
    """Compare the cached stock levels with the ledger; exit 1 when they differ (and not fixed)."""
    from .services import stock

    with write_transaction() if fix else contextlib.nullcontext():
        drifts = stock.reconcile(fix=fix)
        skus = dict(db.session.execute(sa.select(Part.id, Part.sku)).all())
        locations = {
            location.id: location.name
            for location in db.session.execute(sa.select(StockLocation)).scalars()
        }
        if fix:
            db.session.commit()
        else:
            db.session.rollback()
    if not drifts:
        click.echo("Stock levels agree with the ledger.")
        return
    for drift in drifts:
        have, want = drift.cached, drift.ledger
        click.echo(
            f"{skus.get(drift.part_id, drift.part_id)} at "
            f"{locations.get(drift.location_id, drift.location_id)}: "
            f"cached on hand {have.on_hand}, reserved {have.reserved}, "
            f"in transit {have.in_transit}; "
            f"ledger on hand {want.on_hand}, reserved {want.reserved}, in transit {want.in_transit}"
        )
    if fix:
        click.echo(f"Fixed {len(drifts)} level(s) from the ledger.")
        return
    click.echo(f"{len(drifts)} level(s) differ from the ledger; run with --fix to correct them.")
    raise SystemExit(1)


@click.group("notifications")
def notifications_group() -> None:
    """Customer notifications: the outbox."""


@notifications_group.command("dispatch")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@with_appcontext
def dispatch_notifications(limit: int) -> None:
    """Send the queued notifications that are due now (once; the job runner repeats it)."""
    from .services.notifications import dispatch_due

    click.echo(dispatch_due(limit=limit))


# --- jobs, backup, restore --------------------------------------------------------------------


@click.group("jobs")
def jobs_group() -> None:
    """The periodic jobs: list them, run one now, or run the scheduler."""


@jobs_group.command("list")
@with_appcontext
def jobs_list() -> None:
    """Every job with its schedule, next run and last outcome."""
    from . import jobs, scheduler

    now, zone = utcnow(), scheduler.zone(current_app)
    last = jobs.last_runs()
    db.session.rollback()
    for job in jobs.JOBS:
        upcoming = scheduler.next_run(job, now=now, timezone=zone)
        run = last.get(job.id)
        ended = (
            f"{run.outcome.value} at {run.finished_at.astimezone(zone):%Y-%m-%d %H:%M}: "
            f"{run.summary}"
            if run
            else "never run"
        )
        click.echo(f"{job.id}  [{scheduler.describe(job)}]  {job.description}")
        click.echo(f"    next run: {upcoming:%Y-%m-%d %H:%M %Z}" if upcoming else "    next run: —")
        click.echo(f"    last run: {ended}")


@jobs_group.command("run-once")
@click.argument("job_id")
@with_appcontext
def jobs_run_once(job_id: str) -> None:
    """Run one job now, through the same lock as the scheduler; exit 1 unless it went well."""
    from . import jobs

    job = jobs.get(job_id)
    if job is None:
        known = ", ".join(j.id for j in jobs.JOBS)
        raise click.ClickException(f"No job {job_id!r}; the jobs are: {known}.")
    record = jobs.run(job)
    click.echo(f"{job.id}: {record.outcome.value} — {record.summary}")
    if record.outcome is not JobOutcome.OK:
        raise SystemExit(1)


@jobs_group.command("run")
@with_appcontext
def jobs_run() -> None:
    """Run the scheduler in this process until Ctrl-C or SIGTERM (one per installation)."""
    import logging

    from . import jobs, scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    zone = scheduler.zone(current_app)

    def announce() -> None:
        click.echo(f"Scheduler started with {len(jobs.JOBS)} job(s); Ctrl-C stops it.")
        for job in jobs.JOBS:
            upcoming = scheduler.next_run(job, now=utcnow(), timezone=zone)
            click.echo(f"  {job.id}: next run {upcoming:%Y-%m-%d %H:%M %Z}" if upcoming else job.id)

    scheduler.serve(current_app._get_current_object(), ready=announce)
    click.echo("Scheduler stopped.")


@click.command("backup")
@with_appcontext
def backup() -> None:
    """Back up the SQLite database now (instance/backups/, keeping the last BACKUP_KEEP)."""
    from .services import backups

    try:
        path = backups.backup(utcnow())
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    if path is None:
        raise click.ClickException(backups.POSTGRESQL_NOTE)
    click.echo(f"Backed up to {path} ({len(backups.list_backups())} kept).")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Restore even though the app seems to be serving.")
@with_appcontext
def restore(file: Path, force: bool) -> None:
    """Replace the SQLite database with a backup. Stop the server and the scheduler first."""
    from . import heartbeat
    from .services import backups

    try:
        revision = backups.check_backup(file)
        if backups.database_file() is None:
            raise backups.BackupError(
                "Restore is for the SQLite database; on PostgreSQL restore with pg_restore."
            )
        alive = heartbeat.recent()
        if alive and not force:
            raise click.ClickException(
                f"The app seems to be serving ({', '.join(alive)} active within the last "
                f"{current_app.config['RESTORE_QUIET_SECONDS']} s, see "
                f"{heartbeat.directory()}): stop it first, or restore with --force."
            )
        target = backups.restore(file)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {target} from {file} (schema revision {revision}).")
    click.echo("If that revision is older than the code's, run `flask --app wsgi db upgrade`.")


@click.group("dashboard")
def dashboard_group() -> None:
    """The manager dashboard: its daily rollup."""


@dashboard_group.command("rollup")
@click.option(
    "--from",
    "first",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Roll up again every day from this local date to yesterday (else only missing days).",
)
@with_appcontext
def dashboard_rollup(first) -> None:
    """Fill the dashboard's daily rollup (a backfill; the nightly job keeps it up to date)."""
    from .models._types import utcnow
    from .services import dashboard_rollup as rollup

    now = utcnow()
    with write_transaction():
        if first is not None:
            days = rollup.roll_up_from(first.date(), now, after_step=db.session.commit)
        else:
            days = rollup.roll_up_missing(now, after_step=db.session.commit)
        db.session.commit()
    if days:
        click.echo(f"Rolled up {len(days)} day(s), {days[0]} to {days[-1]}.")
    else:
        click.echo("The dashboard's rollup is up to date.")
