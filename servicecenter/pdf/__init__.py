"""PDF renderers: plain data in, bytes out. No database, no request, no clock."""

from __future__ import annotations

from pathlib import Path

from ..domain.documents import DocumentKind, Snapshot
from ..domain.settlements import Sheet
from . import base, completion, contract, fonts, quote, settlement, warranty

_PAGES = {
    DocumentKind.CONTRACT: contract.pages,
    DocumentKind.QUOTE: quote.pages,
    DocumentKind.COMPLETION: completion.pages,
    DocumentKind.WARRANTY: warranty.pages,
}


def render(snapshot: Snapshot, number: str, *, font_cache: Path) -> bytes:
    """The document for `snapshot` as PDF bytes; the same input gives the same bytes."""
    fonts.register(font_cache)
    writer = base.Writer(snapshot)
    _ = writer._
    titles = {
        DocumentKind.CONTRACT: _("Repair contract"),
        DocumentKind.QUOTE: _("Quote"),
        DocumentKind.COMPLETION: _("Completion act"),
        DocumentKind.WARRANTY: _("Warranty slip"),
    }
    return base.render(
        _PAGES[snapshot.kind](writer, number),
        title=titles[snapshot.kind],
        number=number,
        footer=lambda page: _("page %(page)s") % {"page": page},
    )


def render_settlement(sheet: Sheet, *, font_cache: Path) -> bytes:
    """A partner's monthly settlement as PDF bytes (marked DRAFT until confirmed)."""
    fonts.register(font_cache)
    writer = base.Writer(sheet)
    _ = writer._
    return base.render(
        settlement.pages(writer),
        title=_("Partner settlement"),
        number=sheet.number,
        footer=lambda page: _("page %(page)s") % {"page": page},
        watermark=_("DRAFT") if sheet.draft else None,
    )
