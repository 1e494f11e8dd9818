"""Confirming a partner workshop's monthly settlement: freeze its figures and PDF, once."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import pdf
from ..domain.enums import Role, WorkshopKind
from ..domain.errors import N_, NotPermitted
from ..domain.settlements import (
    Reason,
    SettlementError,
    Sheet,
    check_confirmable,
    settlement_number,
)
from ..extensions import db
from ..models import Settlement, SettlementLine, User, Workshop
from ..models._types import utcnow
from ..queries import partners as queries
from .clock import local_date
from .documents import font_cache


def sheet_of(statement: queries.Statement, *, locale: str, number: str, draft: bool) -> Sheet:
    """What the PDF of a statement prints."""
    settlement = statement.settlement
    if settlement is not None:
        network_name, network_tax_id = settlement.network_name, settlement.network_tax_id
        workshop_name = settlement.workshop_name
    else:
        network_name, network_tax_id = queries.network_party()
        workshop_name = statement.workshop.name
    return Sheet(
        locale=locale,
        currency=settlement.currency if settlement else current_app.config["CURRENCY"],
        number=number,
        year=statement.year,
        month=statement.month,
        network_name=network_name,
        network_tax_id=network_tax_id,
        workshop_name=workshop_name,
        contracts=tuple(
            f"{contract} · {share} %" for contract, share in statement.contracts if contract
        ),
        lines=tuple(statement.lines),
        totals=statement.totals,
        draft=draft,
        confirmed_on=local_date(settlement.confirmed_at) if settlement else None,
        confirmed_by=settlement.confirmed_by.name if settlement else "",
    )


def render_draft(statement: queries.Statement, *, locale: str) -> bytes:
    """The PDF of a settlement not confirmed yet, marked as a draft (never stored)."""
    number = settlement_number(statement.workshop.id, statement.year, statement.month)
    sheet = sheet_of(statement, locale=locale, number=number, draft=True)
    return pdf.render_settlement(sheet, font_cache=font_cache())


def confirm(
    workshop: Workshop,
    year: int,
    month: int,
    *,
    actor: User,
    locale: str,
    now: datetime | None = None,
) -> Settlement:
    """Freeze the month's settlement of a partner workshop: its lines, totals and PDF (printed in
    `locale`). Only an admin confirms; a month once, after it is over, with something completed.

    Raises NotPermitted, SettlementError (also when a concurrent confirmation got there first).
    """
    now = now or utcnow()
    if actor.role is not Role.ADMIN:
        raise NotPermitted(N_("Only the network's admin confirms settlements."))
    if workshop.kind is not WorkshopKind.PARTNER:
        raise SettlementError(N_("Only a partner workshop is settled with."))
    statement = queries.get_statement(workshop, year, month)
    check_confirmable(
        year,
        month,
        today=local_date(now),
        orders=statement.totals.orders,
        confirmed=statement.confirmed,
        without_contract=sum(line.reason is Reason.NO_CONTRACT for line in statement.lines),
    )
    network_name, network_tax_id = queries.network_party()
    settlement = Settlement(
        workshop_id=workshop.id,
        year=year,
        month=month,
        number=settlement_number(workshop.id, year, month),
        locale=locale,
        currency=current_app.config["CURRENCY"],
        network_name=network_name or "",
        network_tax_id=network_tax_id or "",
        workshop_name=workshop.name,
        orders=statement.totals.orders,
        labour=statement.totals.labour,
        labour_due=statement.totals.labour_due,
        network_units=statement.totals.network_units,
        workshop_units=statement.totals.workshop_units,
        workshop_parts=statement.totals.workshop_parts,
        total_due=statement.totals.total_due,
        confirmed_by_id=actor.id,
        confirmed_at=now,
    )
    settlement.confirmed_by = actor
    frozen = queries.Statement(workshop, year, month, statement.lines, statement.totals, settlement)
    content = pdf.render_settlement(
        sheet_of(frozen, locale=locale, number=settlement.number, draft=False),
        font_cache=font_cache(),
    )
    settlement.content = content
    settlement.size = len(content)
    settlement.sha256 = hashlib.sha256(content).hexdigest()
    try:
        # A savepoint: when another request confirmed the month meanwhile, the unique constraint
        # stops this one and only its own rows are undone.
        with db.session.begin_nested():
            db.session.add(settlement)
            db.session.flush()
            db.session.add_all(
                SettlementLine(
                    settlement_id=settlement.id,
                    position=position,
                    order_id=line.order_id,
                    order_number=line.number,
                    completed_on=line.completed_on,
                    contract_number=line.contract_number,
                    share_percent=line.share_percent,
                    labour=line.labour,
                    labour_due=line.labour_due,
                    network_units=line.network_units,
                    workshop_units=line.workshop_units,
                    workshop_parts=line.workshop_parts,
                    reason=line.reason.value,
                )
                for position, line in enumerate(statement.lines, 1)
            )
            db.session.flush()
    except IntegrityError:
        raise SettlementError(N_("This month is confirmed already.")) from None
    return settlement
