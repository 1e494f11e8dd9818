"""The renderers alone: fitted parts with serials and their own warranty, determinism, paging."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from servicecenter import pdf
from servicecenter.domain.documents import DocumentKind, Line

from ..samples import sample_snapshot

FONT_CACHE = Path(__file__).resolve().parents[2] / "instance" / "fonts"
PARTS = (
    Line("Replace the charging port", 1, 300_000),
    Line("Charging port USB-C", 1, 120_000, serial="CP-77821", warranty_days=180),
    Line("Battery 3200 mAh", 1, 450_000, serial="BT-00912", warranty_days=365),
)


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def render(kind: DocumentKind, locale: str = "en", **changes) -> bytes:
    snapshot = dataclasses.replace(sample_snapshot(kind, locale), lines=PARTS, **changes)
    return pdf.render(snapshot, "MSK-2026-000123-X1", font_cache=FONT_CACHE)


def test_the_completion_act_lists_parts_with_serials():
    text = text_of(render(DocumentKind.COMPLETION))
    assert "Charging port USB-C CP-77821" in text
    assert "Battery 3200 mAh BT-00912" in text
    assert "No parts were fitted" not in text


def test_the_warranty_slip_gives_each_part_its_own_period():
    text = text_of(render(DocumentKind.WARRANTY, warranty_start=date(2026, 11, 24)))
    assert "Charging port USB-C (CP-77821) 24 November 2026 23 May 2027" in text
    assert "Battery 3200 mAh (BT-00912) 24 November 2026 24 November 2027" in text


def test_the_quote_lists_the_proposed_work_with_totals():
    text = text_of(render(DocumentKind.QUOTE))
    assert "Replace the charging port 1 3,000.00 RUB 3,000.00 RUB" in text


def test_rendering_is_deterministic():
    assert render(DocumentKind.CONTRACT) == render(DocumentKind.CONTRACT)


def test_a_long_contract_flows_onto_more_pages_with_numbered_footers():
    long_terms = "\n".join(
        f"{i}. A clause of the contract that goes on for a while." for i in range(120)
    )
    data = render(DocumentKind.CONTRACT, terms_text=long_terms)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 2
    assert "page 3" in reader.pages[2].extract_text()
