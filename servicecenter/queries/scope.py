"""Which orders a staff member may see: their office's, their workshop's, or all for admins.

Every lookup by id or number goes through these filters, so another workshop's order is simply
not found (404), never forbidden (which would confirm it exists).
"""

from __future__ import annotations

import sqlalchemy as sa

from ..domain.enums import OrderStatus, Role
from ..models import RepairOrder, User


def order_scope(user: User) -> sa.ColumnElement[bool]:
    if user.role is Role.ADMIN:
        return sa.true()
    if user.role is Role.RECEPTIONIST and user.office_id is not None:
        return RepairOrder.office_id == user.office_id
    if user.role.is_workshop_staff and user.workshop_id is not None:
        in_office = user.workshop.in_office_id if user.workshop is not None else None
        return workshop_orders(user.workshop_id, in_office_id=in_office)
    return sa.false()


def workshop_orders(workshop_id: int, *, in_office_id: int | None) -> sa.ColumnElement[bool]:
    """The orders that are a workshop's: routed to it and no longer at a remote office. Its staff
    see these, and its manager's digests list only these."""
    mine = RepairOrder.workshop_id == workshop_id
    # An order still at (or sent back to) a remote office is not the workshop's yet, or no
    # longer: a partner that refused it must not keep reading the customer's details.
    sent = RepairOrder.status != OrderStatus.RECEIVED
    if in_office_id is not None:
        sent = sa.or_(sent, RepairOrder.office_id == in_office_id)
    return sa.and_(mine, sent)


def rollup_scope(user: User, rollup) -> sa.ColumnElement[bool]:
    """`order_scope` on a dashboard rollup table (models.dashboard), whose rows keep the same
    facts of the order: its office, its workshop and whether it is still held at the office."""
    if user.role is Role.ADMIN:
        return sa.true()
    if user.role is Role.RECEPTIONIST and user.office_id is not None:
        return rollup.office_id == user.office_id
    if user.role.is_workshop_staff and user.workshop_id is not None:
        sent = rollup.held.is_(False)
        in_office = user.workshop.in_office_id if user.workshop is not None else None
        if in_office is not None:
            sent = sa.or_(sent, rollup.office_id == in_office)
        return sa.and_(rollup.workshop_id == user.workshop_id, sent)
    return sa.false()
