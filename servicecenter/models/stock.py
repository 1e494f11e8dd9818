"""Spare parts: the catalogue, stock locations, cached levels, the append-only ledger, transfers,
and the parts and services lines of repair orders."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.stock import LIVE_STATES, LineKind, LineState, MovementKind, TransferStatus
from ..extensions import db
from ._types import UTCDateTime, enum_column, utcnow
from .network import Office, Workshop
from .user import User


class Part(db.Model):
    """A catalogue entry. Amounts in minor units."""

    __tablename__ = "parts"
    __table_args__ = (
        sa.CheckConstraint("unit_cost >= 0 AND sale_price >= 0", name="part_prices_not_negative"),
        sa.Index("ix_parts_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Free text the technician reads: "Apple iPhone 12, 12 Pro; Samsung A52".
    compatible: Mapped[str] = mapped_column(sa.String(500), default="")
    unit_cost: Mapped[int] = mapped_column(default=0)
    sale_price: Mapped[int] = mapped_column(default=0)
    warranty_months: Mapped[int] = mapped_column(default=0)
    serial_tracked: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Part {self.sku}>"


class StockLocation(db.Model):
    """Every office and every workshop holds stock: exactly one of the two ids is set."""

    __tablename__ = "stock_locations"
    __table_args__ = (
        sa.CheckConstraint(
            "(office_id IS NULL) <> (workshop_id IS NULL)", name="location_is_office_or_workshop"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"), unique=True)
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"), unique=True)

    office: Mapped[Office | None] = relationship(lazy="joined")
    workshop: Mapped[Workshop | None] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.office.name if self.office is not None else self.workshop.name

    def __repr__(self) -> str:
        return f"<StockLocation {self.id}>"


class StockLevel(db.Model):
    """The cached figures of one part at one location: the sum of its ledger's changes.

    Changed only by a guarded UPDATE in the same transaction as the movement (services.stock);
    the CHECK constraints are the last line of defence.
    """

    __tablename__ = "stock_levels"
    __table_args__ = (
        sa.CheckConstraint(
            "on_hand >= 0 AND reserved >= 0 AND in_transit >= 0 AND reserved <= on_hand",
            name="stock_level_sane",
        ),
        sa.CheckConstraint("minimum >= 0", name="stock_minimum_not_negative"),
        sa.Index("ix_stock_levels_location", "location_id", "part_id"),
    )

    part_id: Mapped[int] = mapped_column(sa.ForeignKey("parts.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_locations.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    in_transit: Mapped[int] = mapped_column(default=0)
    # Below this many available the part shows on the low-stock list (a setting, not a figure).
    minimum: Mapped[int] = mapped_column(default=0)

    part: Mapped[Part] = relationship()

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockTransfer(db.Model):
    """Parts sent from one location to another: sent (in transit), then received or cancelled."""

    __tablename__ = "stock_transfers"
    __table_args__ = (
        sa.CheckConstraint("source_id <> destination_id", name="transfer_between_two_places"),
        sa.CheckConstraint("quantity > 0", name="transfer_quantity_positive"),
        sa.Index("ix_stock_transfers_destination", "destination_id", "status", "id"),
        sa.Index("ix_stock_transfers_source", "source_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(sa.ForeignKey("parts.id"))
    quantity: Mapped[int]
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_locations.id"))
    destination_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_locations.id"))
    status: Mapped[TransferStatus] = mapped_column(enum_column(TransferStatus))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    sent_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    part: Mapped[Part] = relationship()
    source: Mapped[StockLocation] = relationship(foreign_keys=[source_id])
    destination: Mapped[StockLocation] = relationship(foreign_keys=[destination_id])
    sent_by: Mapped[User] = relationship(foreign_keys=[sent_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="line_quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="line_price_not_negative"),
        sa.CheckConstraint(
            "network_quantity >= 0 AND network_quantity <= quantity",
            name="line_network_quantity_within_quantity",
        ),
        sa.Index("ix_order_lines_order", "order_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"))
    kind: Mapped[LineKind] = mapped_column(enum_column(LineKind))
    part_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parts.id"), index=True)
    # The stock the part is reserved from and consumed at (the order's workshop when added).
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_locations.id"))
    description: Mapped[str] = mapped_column(sa.String(200))
    quantity: Mapped[int]
    unit_price: Mapped[int]
    warranty_months: Mapped[int | None]
    state: Mapped[LineState] = mapped_column(enum_column(LineState))
    serials: Mapped[str] = mapped_column(sa.String(500), default="")
    # Of a fitted part, how many units the network supplied (the rest the workshop bought itself):
    # set when the part is consumed, see services.order_lines.network_share.
    network_quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    part: Mapped[Part | None] = relationship()

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


class StockMovement(db.Model):
    """One line of the append-only ledger: never updated, never deleted.

    The change columns are what the movement did to the level of (part, location); summing them
    gives the level back (services.stock.reconcile).
    """

    __tablename__ = "stock_movements"
    __table_args__ = (
        sa.Index("ix_stock_movements_part", "part_id", "id"),
        sa.Index("ix_stock_movements_location", "location_id", "id"),
        sa.Index("ix_stock_movements_location_part", "location_id", "part_id"),
        sa.Index("ix_stock_movements_order", "order_id", "id"),
        sa.Index("ix_stock_movements_created", "created_at", "id"),
        sa.Index("ix_stock_movements_transfer", "transfer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[MovementKind] = mapped_column(enum_column(MovementKind))
    part_id: Mapped[int] = mapped_column(sa.ForeignKey("parts.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_locations.id"))
    quantity: Mapped[int]
    on_hand_change: Mapped[int] = mapped_column(default=0)
    reserved_change: Mapped[int] = mapped_column(default=0)
    in_transit_change: Mapped[int] = mapped_column(default=0)
    # The cost of one unit when received from a supplier (minor units); else the catalogue cost.
    unit_cost: Mapped[int | None]
    # None for the reservation or release made by the customer's own answer to a quote online.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("repair_orders.id"))
    order_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_lines.id"))
    transfer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_transfers.id"))
    # A reversal names the movement it corrects; a movement can be corrected once.
    reverses_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("stock_movements.id"), unique=True
    )
    supplier_document: Mapped[str] = mapped_column(sa.String(60), default="")
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    serials: Mapped[str] = mapped_column(sa.String(500), default="")

    part: Mapped[Part] = relationship()
    location: Mapped[StockLocation] = relationship()
    actor: Mapped[User | None] = relationship()


@sa.event.listens_for(Office, "after_insert")
def _office_holds_stock(_mapper, connection, office: Office) -> None:
    # Every office and workshop is a stock location from the moment it exists, however it was
    # created (demo, CLI, a future admin page), so no page ever meets one without its stock.
    connection.execute(sa.insert(StockLocation.__table__).values(office_id=office.id))


@sa.event.listens_for(Workshop, "after_insert")
def _workshop_holds_stock(_mapper, connection, workshop: Workshop) -> None:
    connection.execute(sa.insert(StockLocation.__table__).values(workshop_id=workshop.id))
