"""Command-line tasks: demo data and staff accounts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicecenter import create_app
from servicecenter.config import ConfigError
from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.stock import LineState
from servicecenter.models import (
    Customer,
    Device,
    OrderLine,
    OrderStatusChange,
    Part,
    RepairOrder,
    User,
)
from servicecenter.services import stock

TODAY = "2026-11-23"


def fingerprint(db) -> list[tuple]:
    """What a person sees of the demo data, without the random secrets (tokens, hashes)."""
    return db.session.execute(
        sa.select(
            RepairOrder.number,
            RepairOrder.status,
            RepairOrder.kind,
            RepairOrder.price,
            RepairOrder.promised_date,
            Customer.name,
            Customer.phone,
            Device.serial,
        )
        .join(Customer, Customer.id == RepairOrder.customer_id)
        .join(Device, Device.id == RepairOrder.device_id)
        .order_by(RepairOrder.number)
    ).all()


@pytest.mark.slow
def test_seed_demo_builds_the_network_with_orders_in_every_status(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "password 'demo'" in result.output
    logins = set(db.session.scalars(sa.select(User.username)))
    assert logins == {"admin", "reception", "reception2", "tech", "tech2", "partner"}
    statuses = set(db.session.scalars(sa.select(RepairOrder.status).distinct()))
    assert statuses == set(OrderStatus)
    assert 190 <= db.session.scalar(sa.select(sa.func.count(RepairOrder.id))) <= 220
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 200
    # every order has its history, starting with the intake
    first_changes = db.session.scalar(
        sa.select(sa.func.count()).where(OrderStatusChange.from_status.is_(None))
    )
    assert first_changes == db.session.scalar(sa.select(sa.func.count(RepairOrder.id)))
    # stock to work with: parts reserved on repairs and waiting on quotes, and a ledger that
    # agrees with the cached levels
    states = set(db.session.scalars(sa.select(OrderLine.state).distinct()))
    assert {LineState.RESERVED, LineState.PENDING} <= states
    assert db.session.scalar(sa.select(sa.func.count(Part.id))) >= 40
    assert stock.reconcile() == []

    before = fingerprint(db)
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = app.test_cli_runner().invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "not empty" in refused.output

    # Same date, same data: wipe and seed again.
    db.session.rollback()
    from .conftest import _wipe

    _wipe()
    assert app.test_cli_runner().invoke(args=["seed-demo", "--today", TODAY]).exit_code == 0
    assert fingerprint(db) == before


def test_seed_demo_is_refused_in_production(database_url, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = create_app("production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused in the production configuration" in result.output


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_secrets(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        create_app("production")


def test_create_user(app, make, db):
    make.network()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "Olga",
            "--name",
            "Olga K",
            "--role",
            "receptionist",
            "--office",
            "bbb",
            "--password",
            "long-enough",
        ],
    )
    assert result.exit_code == 0, result.output
    olga = db.session.scalar(sa.select(User).where(User.username == "olga"))
    assert olga.office_id == make.net.office_b.id
    assert olga.password_hash.startswith("$argon2")
    duplicate = runner.invoke(
        args=["create-user", "olga", "--name", "X", "--role", "admin", "--password", "long-enough"]
    )
    assert duplicate.exit_code != 0 and "exists" in duplicate.output
    misplaced = runner.invoke(
        args=["create-user", "sam", "--name", "Sam", "--role", "technician", "--password", "xxxxxx"]
    )
    assert misplaced.exit_code != 0 and "workshop" in misplaced.output


# --- reconcile-stock --------------------------------------------------------------------------


@pytest.fixture
def stocked_part(make, db):
    from servicecenter.models import Part
    from servicecenter.services import stock

    net = make.net
    part = Part(sku="LCD-1", name="Display", unit_cost=10_000)
    db.session.add(part)
    db.session.flush()
    remote = stock.location_for(workshop=net.remote)
    stock.receive(part, remote, 5, actor=net.manager)
    db.session.commit()
    return part, remote


def cached_on_hand(db, part, location) -> int:
    db.session.rollback()
    return db.session.execute(
        sa.text("SELECT on_hand FROM stock_levels WHERE part_id = :p AND location_id = :l"),
        {"p": part.id, "l": location.id},
    ).scalar_one()


def test_reconcile_stock_says_when_levels_agree(app, db, stocked_part):
    result = app.test_cli_runner().invoke(args=["reconcile-stock"])
    assert result.exit_code == 0, result.output
    assert "Stock levels agree with the ledger." in result.output


def test_reconcile_stock_reports_and_fixes_a_drift(app, db, stocked_part):
    part, remote = stocked_part
    db.session.execute(
        sa.text("UPDATE stock_levels SET on_hand = 7 WHERE part_id = :p AND location_id = :l"),
        {"p": part.id, "l": remote.id},
    )
    db.session.commit()
    runner = app.test_cli_runner()

    report = runner.invoke(args=["reconcile-stock"])
    assert report.exit_code == 1, report.output
    assert "LCD-1 at Remote Partner" in report.output
    assert "cached on hand 7" in report.output and "ledger on hand 5" in report.output
    assert cached_on_hand(db, part, remote) == 7  # a report changes nothing

    fixed = runner.invoke(args=["reconcile-stock", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    assert "LCD-1 at Remote Partner" in fixed.output and "Fixed 1 level" in fixed.output
    assert cached_on_hand(db, part, remote) == 5

    again = runner.invoke(args=["reconcile-stock"])
    assert again.exit_code == 0 and "Stock levels agree with the ledger." in again.output
