"""The network's shape, kept by the admin: offices, workshops and partner contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..domain.contracts import (
    ContractError,
    Terms,
    check_no_overlap,
    check_terms,
    split_brands,
    workshop_refusal,
)
from ..domain.enums import DeviceCategory, Role, WorkshopKind
from ..domain.errors import N_, DomainError, NotPermitted, StaleEdit
from ..extensions import db
from ..models import Office, User, Workshop, WorkshopContract
from ..queries import routing
from .atomic import atomic


def _apply(model, instance, fields: dict):
    """Create the row from `fields`, or change the existing one to them; flushed."""
    if instance is None:
        instance = model(**fields)
        db.session.add(instance)
    else:
        for name, value in fields.items():
            setattr(instance, name, value)
    db.session.flush()
    return instance


def _check_version(instance, expected_version: int | None) -> None:
    """Refuse a form of an existing record when the record changed since the page showed it."""
    if (
        instance is not None
        and expected_version is not None
        and expected_version != instance.version
    ):
        raise StaleEdit(
            N_("Someone else saved this while you had it open. Check it and try again.")
        )


def _require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise NotPermitted(N_("Only an administrator changes the network."))


# --- offices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeData:
    code: str
    name: str
    legal_name: str = ""
    tax_id: str = ""
    address: str = ""
    phone: str = ""
    hours: str = ""
    locale: str = "ru"
    digest_email: str = ""


def _office_fields(data: OfficeData, office: Office | None) -> dict:
    code = data.code.strip().upper()
    if not code.isascii() or not code.isalnum() or not 2 <= len(code) <= 6:
        raise DomainError(
            N_("The code is 2 to 6 Latin letters or digits: it starts every order number."),
            field="code",
        )
    if office is not None and code != office.code:
        # Order numbers already printed carry the old code: it cannot change under them.
        raise DomainError(N_("The code of an office cannot change once it exists."), field="code")
    taken = db.session.execute(
        sa.select(Office.id).where(Office.code == code, Office.id != (office.id if office else 0))
    ).first()
    if taken:
        raise DomainError(N_("Another office has this code."), field="code")
    if not data.name.strip():
        raise DomainError(N_("Enter the name."), field="name")
    return {
        "code": code,
        "name": data.name.strip(),
        "legal_name": data.legal_name.strip(),
        "tax_id": data.tax_id.strip(),
        "address": data.address.strip(),
        "phone": data.phone.strip(),
        "hours": data.hours.strip(),
        "locale": data.locale,
        "digest_email": data.digest_email.strip(),
    }


@atomic
def save_office(
    data: OfficeData,
    *,
    actor: User,
    office: Office | None = None,
    expected_version: int | None = None,
) -> Office:
    """Create an office (its stock location comes with it) or change the one whose page showed
    `expected_version`. Raises DomainError on a field, StaleEdit."""
    _require_admin(actor)
    _check_version(office, expected_version)
    return _apply(Office, office, _office_fields(data, office))


# --- workshops ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopData:
    name: str
    kind: WorkshopKind
    address: str = ""
    phone: str = ""
    email: str = ""
    digest_email: str = ""
    in_office_id: int | None = None
    turnaround_days: int = 7
    active: bool = True


@atomic
def save_workshop(
    data: WorkshopData,
    *,
    actor: User,
    workshop: Workshop | None = None,
    expected_version: int | None = None,
) -> Workshop:
    """Create a workshop (its stock location comes with it) or change the one whose page showed
    `expected_version`. Raises DomainError on a field, StaleEdit."""
    _require_admin(actor)
    _check_version(workshop, expected_version)
    name = data.name.strip()
    if not name:
        raise DomainError(N_("Enter the name."), field="name")
    taken = db.session.execute(
        sa.select(Workshop.id).where(
            Workshop.name == name, Workshop.id != (workshop.id if workshop else 0)
        )
    ).first()
    if taken:
        raise DomainError(N_("Another workshop has this name."), field="name")
    if data.in_office_id is not None and db.session.get(Office, data.in_office_id) is None:
        raise DomainError(N_("Choose an office from the list."), field="in_office_id")
    if not 1 <= data.turnaround_days <= 365:
        raise DomainError(N_("The turnaround is from 1 to 365 days."), field="turnaround_days")
    fields = {
        "name": name,
        "kind": data.kind,
        "address": data.address.strip(),
        "phone": data.phone.strip(),
        "email": data.email.strip(),
        "digest_email": data.digest_email.strip(),
        "in_office_id": data.in_office_id,
        "turnaround_days": data.turnaround_days,
        "active": data.active,
    }
    routing.network_changed()
    return _apply(Workshop, workshop, fields)


# --- contracts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractData:
    number: str
    starts_on: date
    ends_on: date
    categories: tuple[DeviceCategory, ...]
    brands: str = ""
    turnaround_days: int = 7
    labour_share_percent: int = 50
    active: bool = True

    @property
    def terms(self) -> Terms:
        return Terms(
            number=self.number.strip(),
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            categories=frozenset(self.categories),
            brands=split_brands(self.brands),
            turnaround_days=self.turnaround_days,
            labour_share_percent=self.labour_share_percent,
            active=self.active,
        )


def contracts_of(workshop: Workshop) -> list[WorkshopContract]:
    return list(
        db.session.execute(
            sa.select(WorkshopContract)
            .where(WorkshopContract.workshop_id == workshop.id)
            .order_by(WorkshopContract.starts_on.desc(), WorkshopContract.id.desc())
        ).scalars()
    )


@atomic
def save_contract(
    workshop: Workshop,
    data: ContractData,
    *,
    actor: User,
    contract: WorkshopContract | None = None,
    expected_version: int | None = None,
) -> WorkshopContract:
    """Add a contract to a partner workshop or change the one whose page showed
    `expected_version`; two active contracts of a workshop never run on the same day.
    Raises ContractError on the field concerned, StaleEdit."""
    _require_admin(actor)
    _check_version(contract, expected_version)
    if workshop.kind is not WorkshopKind.PARTNER:
        raise ContractError(N_("Only partner workshops work under a contract."))
    terms = data.terms
    check_terms(terms)
    # Two admins adding contracts to one workshop at once: the second waits here for the first,
    # then sees its contract in the overlap check (SQLite: the write lock taken at BEGIN).
    db.session.execute(
        sa.select(Workshop.id).where(Workshop.id == workshop.id).with_for_update()
    ).first()
    others = [c.terms for c in contracts_of(workshop) if contract is None or c.id != contract.id]
    check_no_overlap(terms, others)
    fields = {
        "number": terms.number,
        "starts_on": terms.starts_on,
        "ends_on": terms.ends_on,
        "categories": ",".join(sorted(category.value for category in terms.categories)),
        "brands": ", ".join(terms.brands),
        "turnaround_days": terms.turnaround_days,
        "labour_share_percent": terms.labour_share_percent,
        "active": terms.active,
    }
    routing.network_changed()
    return _apply(WorkshopContract, contract, {"workshop_id": workshop.id, **fields})


def contract_in_force(workshop: Workshop, today: date) -> WorkshopContract | None:
    """The workshop's active contract for `today`, else its latest one (to say why not)."""
    contracts = contracts_of(workshop)
    for contract in contracts:
        if contract.terms.in_force(today):
            return contract
    return contracts[0] if contracts else None


def _partner_contract(workshop: Workshop, today: date) -> WorkshopContract | None:
    """What routing to the workshop depends on: a partner's contract (in force, else its
    latest); None for our own workshops and inactive ones, which no contract can open."""
    if not workshop.active or workshop.kind is not WorkshopKind.PARTNER:
        return None
    return contract_in_force(workshop, today)


def _refusal(workshop: Workshop, contract: WorkshopContract | None, today: date) -> str | None:
    return workshop_refusal(
        active=workshop.active,
        partner=workshop.kind is WorkshopKind.PARTNER,
        terms=contract.terms if contract else None,
        today=today,
    )


def refusal_for(workshop: Workshop, today: date) -> str | None:
    """Why a new order cannot go to this workshop today (inactive, or a partner without a
    contract in force), if it cannot."""
    return _refusal(workshop, _partner_contract(workshop, today), today)


_UNREAD = object()


def promised_turnaround(workshop: Workshop, today: date, *, contract=_UNREAD) -> int:
    """Days a workshop is held to: its contract's promise for a partner, else its own
    (`contract`: the partner's contract as check_routable found it, not read again)."""
    if workshop.kind is WorkshopKind.PARTNER:
        if contract is _UNREAD:
            contract = contract_in_force(workshop, today)
        if contract is not None and contract.terms.in_force(today):
            return contract.turnaround_days
    return workshop.turnaround_days


def check_routable(workshop: Workshop, today: date) -> WorkshopContract | None:
    """Refuse routing a new order to an inactive workshop or to a partner without a contract in
    force today. Raises ContractError on the `workshop_id` field. Returns the partner's contract
    (None for our own workshops), for promised_turnaround.
    """
    contract = _partner_contract(workshop, today)
    reason = _refusal(workshop, contract, today)
    if reason is not None:
        raise ContractError(reason, field="workshop_id")
    return contract
