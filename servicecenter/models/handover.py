"""Handovers between an office and a workshop, and the devices and parts they carry."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.handovers import Direction, HandoverStatus, ItemState
from ..extensions import db
from ._types import UTCDateTime, enum_column, utcnow
from .network import Office, Workshop
from .order import RepairOrder
from .stock import Part, StockTransfer
from .user import User


class Handover(db.Model):
    """A transfer act. Changed only by services.handovers; its version catches two people
    sending or receiving the same handover at once."""

    __tablename__ = "handovers"
    __table_args__ = (
        # the Handovers page of an office, a workshop or the whole network, newest first
        sa.Index("ix_handovers_office", "office_id", "created_at", "id"),
        sa.Index("ix_handovers_workshop", "workshop_id", "created_at", "id"),
        sa.Index("ix_handovers_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(nullable=False)
    __mapper_args__ = {"version_id_col": version}
    direction: Mapped[Direction] = mapped_column(enum_column(Direction))
    status: Mapped[HandoverStatus] = mapped_column(enum_column(HandoverStatus))
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office] = relationship()
    workshop: Mapped[Workshop] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    items: Mapped[list[HandoverItem]] = relationship(
        back_populates="handover", order_by="HandoverItem.id", lazy="raise"
    )

    @property
    def number(self) -> str:
        # From the id: one sequence for the whole network, so two places never print the same.
        return f"H-{self.created_at.year}-{self.id:06d}"

    @property
    def ends(self) -> tuple[Office | Workshop, Office | Workshop]:
        """The sending and the receiving place."""
        if self.direction is Direction.TO_WORKSHOP:
            return self.office, self.workshop
        return self.workshop, self.office

    @property
    def source_name(self) -> str:
        return self.ends[0].name

    @property
    def destination_name(self) -> str:
        return self.ends[1].name

    def __repr__(self) -> str:
        return f"<Handover {self.id} {self.status}>"


class HandoverItem(db.Model):
    """A device (an order) or a quantity of a part in a handover: exactly one of the two."""

    __tablename__ = "handover_items"
    __table_args__ = (
        sa.CheckConstraint("(order_id IS NULL) <> (part_id IS NULL)", name="item_is_order_or_part"),
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name="item_quantity_positive"),
        sa.Index("ix_handover_items_handover", "handover_id", "id"),
        sa.Index("ix_handover_items_order", "order_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(sa.ForeignKey("handovers.id"))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("repair_orders.id"))
    # The order's id while the item travels (packed or missing), else NULL: the unique index
    # keeps an order out of two handovers at once, even when two people add it at the same time.
    open_order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("repair_orders.id"), unique=True
    )
    part_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parts.id"))
    quantity: Mapped[int | None]
    # The stock transfer that carries the part once the handover is sent.
    transfer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_transfers.id"))
    # The device as it was packed (what the manifest lists and the receiver checks): a reprint
    # of the manifest shows the same even if the order is corrected later.
    device: Mapped[str] = mapped_column(sa.String(200), default="")
    serial: Mapped[str] = mapped_column(sa.String(64), default="")
    condition: Mapped[str] = mapped_column(sa.Text, default="")
    accessories: Mapped[str] = mapped_column(sa.String(300), default="")
    state: Mapped[ItemState] = mapped_column(enum_column(ItemState))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A discrepancy found on receipt (missing accessory, damage), or why it did not arrive.
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    handover: Mapped[Handover] = relationship(back_populates="items")
    order: Mapped[RepairOrder | None] = relationship(foreign_keys=[order_id])
    part: Mapped[Part | None] = relationship()
    transfer: Mapped[StockTransfer | None] = relationship()
    answered_by: Mapped[User | None] = relationship()
