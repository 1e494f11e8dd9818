"""Issued documents (stored byte for byte) and the per-office texts printed on them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..domain.documents import DocumentKind
from ..extensions import db
from ._types import UTCDateTime, enum_column, utcnow
from .network import Office
from .user import User


class Document(db.Model):
    """A PDF as it was handed out. Never changed: a corrected document is a new version."""

    __tablename__ = "documents"
    __table_args__ = (sa.UniqueConstraint("order_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("repair_orders.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    version: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    locale: Mapped[str] = mapped_column(sa.String(5))
    # Hash of the data printed: the same data again is a reprint of this version.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    terms_version: Mapped[int | None]
    warranty_version: Mapped[int | None]
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issued_by: Mapped[User] = relationship()


class OfficeText(db.Model):
    """A version of a text an office prints: contract terms or warranty conditions, per language."""

    __tablename__ = "office_texts"
    __table_args__ = (sa.UniqueConstraint("office_id", "kind", "locale", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))  # see domain.texts.TextKind
    locale: Mapped[str] = mapped_column(sa.String(5))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office] = relationship()
    created_by: Mapped[User | None] = relationship()
