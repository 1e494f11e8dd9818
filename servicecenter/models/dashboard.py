"""The dashboard's daily rollup: additive facts per local day and per the filters' dimensions.

Derived data, rebuilt by services.dashboard_rollup from the orders, their history and payments
(no foreign keys: a day's rows are deleted and inserted again as a whole). The dimensions are
the order's current office, workshop, technician, device category and whether it is still held
at the office (not the workshop's yet: what a workshop's scope hides); every fact is keyed by
the day it happened on.

A month whose days are all rolled is summed once more into month rows (`monthly`, keyed by its
first day) so that a year is read from twelve months of rows instead of 365 days of them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime


class DashboardDay(db.Model):
    """A local day whose facts are in the rollup (and complete: only past days are rolled)."""

    __tablename__ = "dashboard_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DashboardStaleDay(db.Model):
    """A rolled day that an order's new office, workshop, technician or status (held at the
    office or not) made out of date: read live until the next rollup of the day.

    Appended by the write path, deleted by the rollup *before* it reads the day, so a change
    committed while a day is rolled leaves its marker (it is never lost to a concurrent run).
    """

    __tablename__ = "dashboard_stale_days"
    __table_args__ = (sa.Index("ix_dashboard_stale_days_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date)
    order_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DashboardMonth(db.Model):
    """A local month whose days are all rolled and summed into month rows. Rolling one of its
    days again deletes the month's rows and this marker; a stale day keeps the page off them."""

    __tablename__ = "dashboard_months"

    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)  # its first day
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime)


DIMENSION_NAMES = ("office_id", "workshop_id", "technician_id", "category", "held")


class _Dimensions:
    """The columns the dashboard filters and scopes on, as the order has them now."""

    # The additive facts of the table (summed from days into months); its other columns beside
    # the dimensions are keys a month row keeps apart, as a day row does.
    MEASURES: ClassVar[tuple[str, ...]]

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date)  # a month row: the month's first day
    monthly: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    office_id: Mapped[int]
    workshop_id: Mapped[int]
    technician_id: Mapped[int | None]
    category: Mapped[str] = mapped_column(sa.String(20))
    held: Mapped[bool]  # still at the office (status "received"): outside a workshop's scope


class DashboardDaily(_Dimensions, db.Model):
    """Orders received, made ready and collected; money taken; the warranty work made ready."""

    __tablename__ = "dashboard_daily"
    __table_args__ = (sa.Index("ix_dashboard_daily_day", "monthly", "day", "workshop_id"),)
    MEASURES = (
        "received",
        "ready",
        "ready_on_time",
        "ready_seconds",
        "repaired",
        "collected",
        "collected_seconds",
        "paid",
        "refunded",
        "warranty_orders",
        "warranty_labour",
        "rated",
        "csat_total",
        "effort_total",
        "promoters",
        "detractors",
        "low_rated",
    )

    received: Mapped[int] = mapped_column(default=0)
    ready: Mapped[int] = mapped_column(default=0)
    ready_on_time: Mapped[int] = mapped_column(default=0)
    ready_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)  # intake to ready
    repaired: Mapped[int] = mapped_column(default=0)  # made ready with the outcome "repaired"
    collected: Mapped[int] = mapped_column(default=0)
    collected_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)  # intake to collected
    paid: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # minor units
    refunded: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    warranty_orders: Mapped[int] = mapped_column(default=0)  # free orders made ready
    warranty_labour: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The customers' ratings given that day (by when they were given).
    rated: Mapped[int] = mapped_column(default=0, server_default="0")
    csat_total: Mapped[int] = mapped_column(default=0, server_default="0")  # satisfaction 1-5
    effort_total: Mapped[int] = mapped_column(default=0, server_default="0")  # ease 1-5
    promoters: Mapped[int] = mapped_column(default=0, server_default="0")  # recommend 9-10
    detractors: Mapped[int] = mapped_column(default=0, server_default="0")  # recommend 0-6
    low_rated: Mapped[int] = mapped_column(default=0, server_default="0")  # opened a follow-up


class DashboardDailyBrand(_Dimensions, db.Model):
    """Orders received per brand (the category is a dimension already)."""

    __tablename__ = "dashboard_daily_brands"
    __table_args__ = (sa.Index("ix_dashboard_daily_brands_day", "monthly", "day"),)
    MEASURES = ("received",)

    brand: Mapped[str] = mapped_column(sa.String(60))
    received: Mapped[int]


class DashboardDailyLine(_Dimensions, db.Model):
    """The services done and parts fitted on the orders made ready that day.

    A part is kept by its id, not its name or cost: the catalogue may rename or reprice it, and
    the page shows today's name and values the warranty parts at today's cost, as it always did.
    """

    __tablename__ = "dashboard_daily_lines"
    __table_args__ = (sa.Index("ix_dashboard_daily_lines_day", "monthly", "day"),)
    MEASURES = ("orders", "units", "free_units")

    kind: Mapped[str] = mapped_column(sa.String(10))
    part_id: Mapped[int | None]
    description: Mapped[str] = mapped_column(sa.String(200))  # a service's; "" for a part
    orders: Mapped[int]
    units: Mapped[int]
    free_units: Mapped[int] = mapped_column(default=0)  # of parts fitted to free orders


class DashboardStatusDay(_Dimensions, db.Model):
    """Stays in a status that ended that day: how many and their total length in seconds."""

    __tablename__ = "dashboard_status_days"
    __table_args__ = (sa.Index("ix_dashboard_status_days_day", "monthly", "day"),)
    MEASURES = ("exits", "seconds")

    status: Mapped[str] = mapped_column(sa.String(20))
    exits: Mapped[int]
    seconds: Mapped[float] = mapped_column(sa.Float)
