"""Reading offices, workshops and partner contracts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..domain.enums import Role
from ..extensions import db
from ..models import Office, User, Workshop, WorkshopContract


def get_workshop(workshop_id: int) -> Workshop | None:
    return db.session.get(Workshop, workshop_id)


def get_office(office_id: int) -> Office | None:
    return db.session.get(Office, office_id)


def list_offices() -> list[Office]:
    return list(db.session.execute(sa.select(Office).order_by(Office.code)).scalars())


def list_workshops() -> list[Workshop]:
    return list(db.session.execute(sa.select(Workshop).order_by(Workshop.name)).scalars())


def get_contract(contract_id: int) -> WorkshopContract | None:
    if not 0 < contract_id < 2**63:  # an id typed into an address can be any size
        return None
    return db.session.get(WorkshopContract, contract_id)


def current_contracts(today: date) -> dict[int, WorkshopContract]:
    """Per partner workshop, the contract in force today, else its latest (to say why not).
    One query for the whole network."""
    found: dict[int, WorkshopContract] = {}
    # as services.network.contract_in_force picks: of those starting on the same day, the newest
    contracts = sa.select(WorkshopContract).order_by(
        WorkshopContract.starts_on, WorkshopContract.id
    )
    for contract in db.session.execute(contracts).scalars():
        best = found.get(contract.workshop_id)
        key = (contract.terms.in_force(today), contract.starts_on)
        if best is None or key >= (best.terms.in_force(today), best.starts_on):
            found[contract.workshop_id] = contract
    return found


def list_technicians(workshop_id: int) -> list[User]:
    """The technicians of a workshop, by name (whom its manager can give an order to)."""
    return list(
        db.session.execute(
            sa.select(User)
            .where(
                User.workshop_id == workshop_id,
                User.role == Role.TECHNICIAN,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        ).scalars()
    )
