"""The parts catalogue: create, edit, retire parts, and exchange the whole catalogue as CSV.

Only admins keep the catalogue. An import is all or nothing: every row is checked first, and a
file with any problem writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..domain.catalogue import (
    DuplicateSku,
    PartData,
    check_part,
    read_csv,
    write_csv,
)
from ..domain.enums import Role
from ..domain.errors import N_, NotPermitted
from ..extensions import db
from ..models import Part, User
from .atomic import atomic

COLUMNS = (
    "sku",
    "name",
    "compatible",
    "unit_cost",
    "sale_price",
    "warranty_months",
    "serial_tracked",
    "active",
)


def _require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise NotPermitted(N_("Only an administrator keeps the parts catalogue."))


def _sku_taken(sku: str, *, other_than: int | None = None) -> bool:
    statement = sa.select(Part.id).where(Part.sku == sku)
    if other_than is not None:
        statement = statement.where(Part.id != other_than)
    return db.session.execute(statement.limit(1)).first() is not None


def _taken(sku: str) -> DuplicateSku:
    return DuplicateSku(N_("Another part already has the SKU %(sku)s."), sku=sku)


def _flush_or_taken(sku: str) -> None:
    # The check above can race another admin saving the same SKU: the unique index decides.
    try:
        db.session.flush()
    except IntegrityError:
        raise _taken(sku) from None


def data_of(part: Part) -> PartData:
    return PartData(**{column: getattr(part, column) for column in COLUMNS})


@atomic
def create_part(data: PartData, *, actor: User) -> Part:
    """Add a part to the catalogue.

    Raises NotPermitted for a non-admin, CatalogueError/InvalidAmount for bad data (see
    domain.catalogue.check_part), DuplicateSku when another part has the SKU.
    """
    _require_admin(actor)
    data = check_part(data)
    if _sku_taken(data.sku):
        raise _taken(data.sku)
    part = Part(**{column: getattr(data, column) for column in COLUMNS})
    db.session.add(part)
    _flush_or_taken(data.sku)
    return part


@atomic
def update_part(part: Part, data: PartData, *, actor: User) -> Part:
    """Change a part's data, SKU included (stock and order lines refer to the part, not the SKU).

    Raises as create_part does.
    """
    _require_admin(actor)
    data = check_part(data)
    if _sku_taken(data.sku, other_than=part.id):
        raise _taken(data.sku)
    for column in COLUMNS:
        setattr(part, column, getattr(data, column))
    _flush_or_taken(data.sku)
    return part


@atomic
def set_active(part: Part, active: bool, *, actor: User) -> Part:
    """Retire a part (it can no longer be received or added to orders) or bring it back."""
    _require_admin(actor)
    part.active = bool(active)
    db.session.flush()
    return part


# --- CSV ------------------------------------------------------------------------------------


def export_csv() -> str:
    """The whole catalogue as CSV text, ordered by SKU (see domain.catalogue.write_csv)."""
    rows = db.session.execute(sa.select(*(getattr(Part, c) for c in COLUMNS)).order_by(Part.sku))
    return write_csv(PartData(*row) for row in rows)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@atomic
def import_csv(text: str, *, actor: User) -> ImportResult:
    """Create the parts whose SKU is new and update the others, all in one go.

    Every row is checked before anything is written. Raises NotPermitted for a non-admin,
    ImportRefused listing every problem by line, or CatalogueError for an empty file; in each
    case nothing is written. Two queries read the catalogue and a few bulk statements write it,
    however long the file.
    """
    _require_admin(actor)
    rows = read_csv(text)
    existing = {
        row.sku: (row.id, PartData(*row[1:]))
        for row in db.session.execute(
            sa.select(Part.id, *(getattr(Part, c) for c in COLUMNS))
        ).all()
    }
    new, changed, unchanged = [], [], 0
    for _line, data in rows:
        found = existing.get(data.sku)
        if found is None:
            new.append({column: getattr(data, column) for column in COLUMNS})
        elif found[1] != data:
            changed.append({"id": found[0], **{c: getattr(data, c) for c in COLUMNS}})
        else:
            unchanged += 1
    try:
        if new:
            db.session.execute(sa.insert(Part), new)
        if changed:
            db.session.execute(sa.update(Part), changed)
    except IntegrityError:
        # Another admin added one of these SKUs while this file was being checked.
        raise DuplicateSku(
            N_("The catalogue changed while the file was imported. Please import it again.")
        ) from None
    return ImportResult(created=len(new), updated=len(changed), unchanged=unchanged)
