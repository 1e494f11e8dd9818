"""Reading office texts: the newest version of each, and a text's history."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import OfficeText


def current_versions() -> dict[tuple[int, str, str], int]:
    """Newest version number per (office, kind, locale); absent means the built-in text."""
    rows = db.session.execute(
        sa.select(
            OfficeText.office_id,
            OfficeText.kind,
            OfficeText.locale,
            sa.func.max(OfficeText.version),
        ).group_by(OfficeText.office_id, OfficeText.kind, OfficeText.locale)
    ).all()
    return {(office, kind, locale): version for office, kind, locale, version in rows}


def list_versions(office_id: int, kind: str, locale: str) -> list[OfficeText]:
    return list(
        db.session.execute(
            sa.select(OfficeText)
            .options(joinedload(OfficeText.created_by))
            .where(
                OfficeText.office_id == office_id,
                OfficeText.kind == kind,
                OfficeText.locale == locale,
            )
            .order_by(OfficeText.version.desc())
        ).scalars()
    )
