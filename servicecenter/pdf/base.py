"""Shared building blocks of the documents: page template, styles, captions, formatting."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from babel.dates import format_date
from babel.numbers import format_currency
from babel.support import Translations
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.documents import Snapshot
from . import fonts

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FRAME_PADDING = 6  # platypus frames keep 6 pt inside the margins on each side
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN - 2 * FRAME_PADDING
GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#bbbbbb")

STYLES = {
    "body": ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=8.5, leading=11),
    "small": ParagraphStyle(
        "small", fontName=fonts.REGULAR, fontSize=7, leading=8.8, textColor=GREY
    ),
    "label": ParagraphStyle(
        "label", fontName=fonts.REGULAR, fontSize=7.5, leading=9.5, textColor=GREY
    ),
    "label_right": ParagraphStyle(
        "label_right",
        fontName=fonts.REGULAR,
        fontSize=7.5,
        leading=9.5,
        textColor=GREY,
        alignment=TA_RIGHT,
    ),
    "value": ParagraphStyle("value", fontName=fonts.BOLD, fontSize=8.5, leading=11),
    "title": ParagraphStyle("title", fontName=fonts.BOLD, fontSize=13, leading=16),
    "section": ParagraphStyle(
        "section", fontName=fonts.BOLD, fontSize=9.5, leading=12, spaceBefore=5, spaceAfter=2
    ),
    "number": ParagraphStyle(
        "number", fontName=fonts.BOLD, fontSize=20, leading=23, alignment=TA_RIGHT
    ),
    "right": ParagraphStyle(
        "right", fontName=fonts.REGULAR, fontSize=8.5, leading=11, alignment=TA_RIGHT
    ),
    "terms": ParagraphStyle("terms", fontName=fonts.REGULAR, fontSize=6.8, leading=8.4),
}


def table_style(commands: list[tuple]) -> TableStyle:
    """A table style whose default cell font is ours: ReportLab's default would add a Helvetica
    that is not embedded to every page."""
    return TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR), *commands])


@functools.cache
def _translations(locale: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [locale])


class Writer:
    """Captions and values in the document's language. `snapshot` is the frozen data of any
    document that says its `locale` and `currency` (an order's Snapshot, a handover manifest)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.locale = snapshot.locale
        self._ = _translations(snapshot.locale).gettext

    def date(self, value: date | None) -> str:
        return "—" if value is None else format_date(value, "d MMMM y", locale=self.locale)

    def money(self, minor: int | None) -> str:
        if minor is None:
            return "—"
        amount = (Decimal(minor) / 100).quantize(Decimal("0.01"))
        return format_currency(
            amount, self.snapshot.currency, format="#,##0.00\u00a0¤", locale=self.locale
        )


def text(value: object, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    body = escape(str(value if value not in (None, "") else "—")).replace("\n", "<br/>")
    return Paragraph(body, STYLES[style])


def fields_table(rows: list[tuple[str, object]], *, label_width: float = 48 * mm) -> Table:
    """Label / value rows, the labels grey and narrow, the values bold."""
    data = [[text(label, "label"), text(value, "value")] for label, value in rows]
    table = Table(data, colWidths=[label_width, CONTENT_WIDTH - label_width])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
            ]
        )
    )
    return table


def lines_table(
    writer: Writer,
    rows: list[list[object]],
    header: list[str],
    widths: list[float],
    *,
    right: frozenset[int] = frozenset(),
) -> Table:
    """A table of lines under a header row; the columns in `right` (amounts) aligned right."""
    data = [
        [
            text(caption, "label_right" if index in right else "label")
            for index, caption in enumerate(header)
        ]
    ]
    data += [
        [text(cell, "right" if index in right else "body") for index, cell in enumerate(row)]
        for row in rows
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


@functools.lru_cache(maxsize=256)
def qr_runs(value: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR matrix of `value` as its size and horizontal runs of dark modules (row, column,
    length). Encoding is the slow part; the contract draws the same code on both copies."""
    matrix = segno.make_qr(value, error="m", boost_error=False).matrix  # smallest that fits
    count = len(matrix)
    runs = []
    for row, modules in enumerate(matrix):
        col = 0
        while col < count:
            if modules[col]:
                start = col
                while col < count and modules[col]:
                    col += 1
                runs.append((row, start, col - start))
            col += 1
    return count, tuple(runs)


class QrCode(Flowable):
    """A QR code drawn as filled rectangles (ReportLab's QR widget would pull in a Helvetica that
    is not embedded)."""

    def __init__(self, value: str, size: float = 26 * mm) -> None:
        super().__init__()
        self.count, self.runs = qr_runs(value)
        self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self) -> None:
        module = self.size / (self.count + 2)  # a quiet zone of one module around the code
        path = self.canv.beginPath()
        for row, col, length in self.runs:
            path.rect((col + 1) * module, self.size - (row + 2) * module, length * module, module)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def header(writer: Writer, title: str, number: str, *, qr: bool = False) -> list[Flowable]:
    """Contractor's details on the left; the document title, number and QR on the right."""
    snap, _ = writer.snapshot, writer._
    contractor = snap.contractor
    left = [
        text(contractor.name, "title"),
        text(contractor.legal_name, "body"),
        text(_("Tax id: %(tax_id)s") % {"tax_id": contractor.tax_id or "—"}, "small"),
        text(contractor.address, "small"),
        text(f"{contractor.phone}  ·  {contractor.hours}", "small"),
    ]
    right = [text(title, "section"), text(snap.order_number, "number"), text(number, "right")]
    cells = [[left, right]]
    widths = [CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.5]
    if qr:
        cells = [[left, right, QrCode(snap.status_url)]]
        widths = [CONTENT_WIDTH * 0.42, CONTENT_WIDTH * 0.58 - 28 * mm, 28 * mm]
    table = Table(cells, colWidths=widths)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (1, 0), (1, 0), 4 * mm),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [table, Spacer(1, 3 * mm)]


def signatures(writer: Writer, left: str, right: str) -> Table:
    caption = writer._("signature")
    line = "_" * 28
    data = [
        [
            text(f"{left}\n\n{line}\n{caption}", "body"),
            text(f"{right}\n\n{line}\n{caption}", "body"),
        ]
    ]
    table = Table(data, colWidths=[CONTENT_WIDTH / 2] * 2)
    table.setStyle(
        table_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 8)])
    )
    return table


def render(
    story_pages: list[list[Flowable]],
    *,
    title: str,
    number: str,
    footer: Callable[[int], str],
    watermark: str | None = None,
) -> bytes:
    """Lay the story out on A4 and return the PDF. The same input always gives the same bytes.

    A `watermark` (e.g. "DRAFT") is printed across every page, behind the text.
    """
    buffer = io.BytesIO()

    def on_page(canvas, document):
        canvas.saveState()
        if watermark:
            canvas.setFont(fonts.BOLD, 90)
            canvas.setFillColor(colors.HexColor("#e4e4e4"))
            canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -30, watermark)
            canvas.restoreState()
            canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 9 * mm, f"{number}  ·  {footer(document.page)}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=f"{title} {number}",
        author=number,
        invariant=True,
        initialFontName=fonts.REGULAR,
    )
    story: list[Flowable] = []
    for index, page in enumerate(story_pages):
        if index:
            from reportlab.platypus import PageBreak

            story.append(PageBreak())
        story.extend(page)
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
