"""Reading offices and workshops."""

from __future__ import annotations

import sqlalchemy as sa

from ..domain.enums import WorkshopKind
from ..extensions import db
from ..models import Office, Workshop


def list_workshops_for_intake(office_id: int | None) -> list[Workshop]:
    """Active workshops, the one inside this office first, then our own, then partners."""
    in_this_office = sa.case((Workshop.in_office_id == office_id, 0), else_=1)
    own_first = sa.case((Workshop.kind == WorkshopKind.OWN, 0), else_=1)
    return list(
        db.session.execute(
            sa.select(Workshop)
            .where(Workshop.active.is_(True))
            .order_by(in_this_office, own_first, Workshop.name)
        ).scalars()
    )


def get_workshop(workshop_id: int) -> Workshop | None:
    return db.session.get(Workshop, workshop_id)


def get_office(office_id: int) -> Office | None:
    return db.session.get(Office, office_id)


def list_offices() -> list[Office]:
    return list(db.session.execute(sa.select(Office).order_by(Office.code)).scalars())


def list_workshops() -> list[Workshop]:
    return list(db.session.execute(sa.select(Workshop).order_by(Workshop.name)).scalars())
