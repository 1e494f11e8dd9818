"""Benchmark: how long a document takes to render (make bench). Not a test: it measures.

Renders each kind of document many times from a realistic snapshot, in Russian and English, and
reports the median and the 95th percentile against the target (a contract well under a second;
the scale-out issue asks for a median under 100 ms).
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from servicecenter import pdf
from servicecenter.domain.documents import Contractor, DocumentKind, Line, Snapshot
from servicecenter.domain.enums import OrderKind, Outcome

ROOT = Path(__file__).resolve().parents[2]
FONT_CACHE = ROOT / "instance" / "fonts"
RESULTS = ROOT / "instance" / "bench" / "documents.json"
CONTRACT_MEDIAN_TARGET_MS = 100


def snapshot(kind: DocumentKind, locale: str) -> Snapshot:
    return Snapshot(
        kind=kind,
        locale=locale,
        currency="RUB",
        order_number="MSK-2026-000123",
        status_url="https://service.example/s/AbCdEfGhIjKlMnOpQrStUv",
        contractor=Contractor(
            "Москва, Тверская",
            "ООО «Сервис-Центр»",
            "7701234567",
            "Москва, ул. Тверская, 12",
            "+7 495 123-45-67",
            "Пн–Пт 10–20",
        ),
        customer_name="Анна Иванова",
        customer_phone="+79161234567",
        device_category="Телефон",
        device_brand="Apple",
        device_model="iPhone 14 Pro",
        device_serial="352013914123259",
        condition="Скол на углу",
        accessories="Чехол, кабель",
        declared_value=6_110_000,
        complaint="Не заряжается",
        order_kind=OrderKind.PAID,
        order_kind_label="Платный ремонт",
        estimate=800_000,
        approval_limit=500_000,
        diagnostic_fee=50_000,
        prepayment=100_000,
        price=1_570_000,
        charged=1_570_000,
        paid=1_570_000,
        received_on=date(2026, 11, 18),
        promised_date=date(2026, 11, 25),
        diagnosis="Окисление платы",
        work_done="Чистка платы, замена разъёма",
        outcome=Outcome.REPAIRED,
        outcome_label="Отремонтирован",
        repaired_on=date(2026, 11, 23),
        returned_on=date(2026, 11, 24),
        lines=(Line("Замена разъёма", 1, 1_570_000),),
        labour_warranty_days=90,
        warranty_start=date(2026, 11, 24),
        warranty_end=date(2027, 2, 22),
        original_order_number=None,
        original_warranty_end=None,
        terms_text="1. Исполнитель обязуется выполнить ремонт в согласованный срок.\n" * 10,
        terms_version=1,
        warranty_text="Гарантия не распространяется на механические повреждения.",
        warranty_version=1,
    )


def measure(kind: DocumentKind, locale: str, runs: int) -> dict:
    base = snapshot(kind, locale)
    timings = []
    for run in range(runs):
        # A new status link each time, as for a new order: no QR code is reused between runs.
        data = dataclasses.replace(
            base, status_url=f"https://service.example/s/{kind}{locale}{run:018d}"
        )
        start = time.perf_counter()
        pdf.render(data, "MSK-2026-000123-C1", font_cache=FONT_CACHE)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "kind": kind.value,
        "locale": locale,
        "runs": runs,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
    }


def main(runs: int = 50) -> int:
    start = time.perf_counter()
    pdf.render(snapshot(DocumentKind.CONTRACT, "ru"), "X-C1", font_cache=FONT_CACHE)
    first_ms = round((time.perf_counter() - start) * 1000, 1)
    rows = [measure(kind, locale, runs) for kind in DocumentKind for locale in ("ru", "en")]
    print(f"first render in this process (fonts loaded, maybe built): {first_ms} ms")
    print(f"{'document':<12}{'lang':<6}{'median ms':>11}{'p95 ms':>10}")
    for row in rows:
        print(f"{row['kind']:<12}{row['locale']:<6}{row['median_ms']:>11}{row['p95_ms']:>10}")
    contract = max(r["median_ms"] for r in rows if r["kind"] == "contract")
    passed = contract < CONTRACT_MEDIAN_TARGET_MS
    print(
        f"contract median {contract} ms, target < {CONTRACT_MEDIAN_TARGET_MS} ms: "
        f"{'PASS' if passed else 'FAIL'}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"first_render_ms": first_ms, "rows": rows, "pass": passed}, indent=2)
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
