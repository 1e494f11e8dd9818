"""A realistic document snapshot, for renderer tests and the benchmark."""

from __future__ import annotations

from datetime import date

from servicecenter.domain.documents import Contractor, DocumentKind, Line, Snapshot
from servicecenter.domain.enums import OrderKind, Outcome


def sample_snapshot(kind: DocumentKind, locale: str) -> Snapshot:
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
