"""Reading the parts catalogue: the admin's list with search, and lookups by id or SKU."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Part
from .pagination import Page, keyset_page


@dataclass(frozen=True)
class PartFilter:
    q: str = ""
    active: bool | None = None


def _name_contains(text: str) -> sa.ColumnElement[bool]:
    # SQLite's lower() folds ASCII only: also try the spellings people type Cyrillic names in.
    spellings = {text, text.lower(), text.upper(), text.capitalize(), text.title()}
    conditions = [sa.func.lower(Part.name).contains(text.lower(), autoescape=True)]
    conditions += [Part.name.contains(spelling, autoescape=True) for spelling in spellings]
    conditions += [Part.compatible.contains(spelling, autoescape=True) for spelling in spellings]
    conditions.append(sa.func.lower(Part.compatible).contains(text.lower(), autoescape=True))
    return sa.or_(*conditions)


def list_parts(filters: PartFilter, *, cursor: str | None, limit: int) -> Page[Part]:
    """Parts by SKU: an SKU starting with the search text, or a name or model containing it."""
    statement = sa.select(Part)
    q = filters.q.strip()
    if q:
        statement = statement.where(
            sa.or_(Part.sku.startswith(q.upper(), autoescape=True), _name_contains(q))
        )
    if filters.active is not None:
        statement = statement.where(Part.active.is_(filters.active))
    return keyset_page(
        db.session,
        statement,
        key_columns=(Part.sku,),
        descending=False,
        cursor=cursor,
        limit=limit,
        key_of=lambda part: (part.sku,),
    )


def get_part(part_id: int) -> Part | None:
    if not 0 < part_id < 2**63:  # an id typed into an address can be any size
        return None
    return db.session.get(Part, part_id)
