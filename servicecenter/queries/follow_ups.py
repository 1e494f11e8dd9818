"""The follow-ups of low ratings, for the office whose order it was (admins see all)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..domain.enums import Role
from ..extensions import db
from ..models import Feedback, FollowUp, RepairOrder, User

# Closed follow-ups are listed for reference only: the most recent ones.
RECENTLY_CLOSED = 20


def follow_up_scope(user: User) -> sa.ColumnElement[bool]:
    """Admins see every office's follow-ups, a receptionist their own office's, others none."""
    if user.role is Role.ADMIN:
        return sa.true()
    if user.role is Role.RECEPTIONIST and user.office_id is not None:
        return RepairOrder.office_id == user.office_id
    return sa.false()


def _select(user: User):
    return (
        sa.select(FollowUp)
        .join(RepairOrder, RepairOrder.id == FollowUp.order_id)
        .join(Feedback, Feedback.id == FollowUp.feedback_id)
        .where(follow_up_scope(user))
        .options(
            joinedload(FollowUp.feedback),
            joinedload(FollowUp.closed_by),
            joinedload(FollowUp.order).options(
                joinedload(RepairOrder.customer),
                joinedload(RepairOrder.device),
                joinedload(RepairOrder.office),
            ),
        )
    )


@dataclass(frozen=True)
class FollowUps:
    open: list[FollowUp]
    closed: list[FollowUp]


def list_follow_ups(user: User) -> FollowUps:
    """Open follow-ups, the longest waiting first, then the most recently closed (2 queries)."""
    open_ = db.session.scalars(
        _select(user).where(FollowUp.closed_at.is_(None)).order_by(FollowUp.opened_at, FollowUp.id)
    ).all()
    closed = db.session.scalars(
        _select(user)
        .where(FollowUp.closed_at.is_not(None))
        .order_by(FollowUp.closed_at.desc(), FollowUp.id.desc())
        .limit(RECENTLY_CLOSED)
    ).all()
    return FollowUps(list(open_), list(closed))


def count_open(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(FollowUp.id))
        .join(RepairOrder, RepairOrder.id == FollowUp.order_id)
        .where(follow_up_scope(user), FollowUp.closed_at.is_(None))
    )


def get_follow_up_for(user: User, follow_up_id: int) -> FollowUp | None:
    """The follow-up if the user may see it (another office's is simply not found)."""
    return db.session.scalars(_select(user).where(FollowUp.id == follow_up_id)).one_or_none()
