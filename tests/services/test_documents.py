"""Documents: every required field printed, in both languages, stored, reprinted byte for byte."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from servicecenter.domain.documents import DocumentKind, MissingDocumentFields, NotIssuable
from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.domain.texts import TextKind
from servicecenter.queries.orders import get_order_for
from servicecenter.services import documents, orders, texts
from servicecenter.services.clock import local_date

S = OrderStatus


def pdf_text(document) -> str:
    """The document's text with line breaks and runs of spaces made single spaces."""
    reader = PdfReader(io.BytesIO(document.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def long_date(day) -> str:
    return f"{day.day} {day:%B} {day.year}"


def loaded(make, order):
    """The order as the print view loads it (history and payments included)."""
    return get_order_for(make.net.admin, order.number)


def issue(make, order, kind):
    return documents.issue(loaded(make, order), kind, actor=make.net.reception_a)


@pytest.fixture
def english(make, db):
    make.net.office_a.locale = "en"
    db.session.commit()


def test_the_contract_holds_every_required_field(make, db, english):
    order = make.order(S.RECEIVED, prepayment=50_000, estimate=400_000, approval_limit=300_000)
    document = issue(make, order, DocumentKind.CONTRACT)
    text = pdf_text(document)
    office, customer, device = make.net.office_a, order.customer, order.device
    expected = [
        office.name,
        office.legal_name,
        office.tax_id,
        office.address,
        office.phone,
        customer.name,
        customer.phone,
        "Phone",
        device.brand,
        device.model,
        device.serial,
        order.condition,
        order.accessories,
        "30,000.00",
        order.complaint,
        "Paid repair",
        "4,000.00",
        "3,000.00",
        "Prepayment received",
        "500.00",
        "Accepted on",
        "Promised by",
        "We guarantee our work for 90 days",
        "Terms of the contract (version 1)",
        "unclaimed device",
        "backs up their data",
        "signature",
        f"/s/{order.tracking_token}",
        order.number,
        "Office copy",
        "Customer copy",
    ]
    missing = [value for value in expected if value not in text]
    assert missing == []
    assert order.passcode not in text  # never printed
    assert document.number == f"{order.number}-C1"
    assert len(PdfReader(io.BytesIO(document.content)).pages) == 2


def test_the_contract_in_russian(make, db):
    order = make.order(S.RECEIVED)
    text = pdf_text(issue(make, order, DocumentKind.CONTRACT))
    for phrase in (
        "Квитанция-договор",
        "ИНН",
        "Экземпляр клиента",
        "Платный ремонт",
        "₽",
        "Условия договора",
        "подпись",
    ):
        assert phrase in text, phrase


def test_fonts_are_embedded_with_a_real_bold(make, db):
    order = make.order(S.RECEIVED)
    reader = PdfReader(io.BytesIO(issue(make, order, DocumentKind.CONTRACT).content))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            fonts[font["/BaseFont"]] = (
                descriptor is not None and "/FontFile2" in descriptor.get_object()
            )
    names = {name.split("+")[-1] for name in fonts}
    assert {"NotoSans-Regular", "NotoSans-Bold"} <= names
    assert all(fonts.values()), fonts  # every font used is embedded


def test_a_reprint_is_identical_and_a_change_makes_a_new_version(make, db):
    order = make.order(S.DIAGNOSING)
    first = issue(make, order, DocumentKind.QUOTE)
    again = issue(make, order, DocumentKind.QUOTE)
    assert again.id == first.id and again.content == first.content
    orders.record_work(
        loaded(make, order), actor=make.net.tech, diagnosis="Other", work_done="", price=700_000
    )
    db.session.commit()
    changed = issue(make, order, DocumentKind.QUOTE)
    assert (changed.version, changed.number) == (2, f"{order.number}-Q2")
    assert changed.content != first.content
    assert [d.number for d in documents.list_documents(order)] == [changed.number, first.number]


def test_missing_fields_are_named(make, db):
    make.net.office_a.tax_id = ""
    db.session.commit()
    order = make.order(S.RECEIVED, estimate=None, approval_limit=None)
    order.declared_value = None
    db.session.commit()
    with pytest.raises(MissingDocumentFields) as error:
        issue(make, order, DocumentKind.CONTRACT)
    assert error.value.fields == ["office tax id", "declared value", "estimate"]


@pytest.mark.parametrize(
    ("status", "kind", "kind_of_order"),
    [
        (S.READY, DocumentKind.WARRANTY, OrderKind.PAID),
        (S.READY, DocumentKind.COMPLETION, OrderKind.PAID),
        (S.RECEIVED, DocumentKind.QUOTE, OrderKind.PAID),  # no price yet
        (S.DIAGNOSING, DocumentKind.QUOTE, OrderKind.WARRANTY),  # free: nothing to quote
    ],
)
def test_documents_exist_only_from_their_moment(make, db, status, kind, kind_of_order):
    device = None
    if kind_of_order is OrderKind.WARRANTY:
        device = make.device(purchase_date=local_date() - timedelta(days=20), warranty_months=12)
    order = make.order(
        status, kind=kind_of_order, device=device, price=None if status is S.RECEIVED else 500_000
    )
    with pytest.raises(NotIssuable):
        issue(make, order, kind)


def test_completion_act_dates_and_work(make, db, english):
    order = make.order(S.COLLECTED)
    text = pdf_text(issue(make, order, DocumentKind.COMPLETION))
    for phrase in (
        "Request and handing in",
        "Repair completed",
        "Returned to the customer",
        order.diagnosis,
        order.work_done,
        "Repaired",
        "5,000.00",
        "No parts were fitted",
    ):
        assert phrase in text, phrase


def test_warranty_slip_periods_start_at_collection(make, db, english, app):
    order = make.order(S.COLLECTED)
    text = pdf_text(issue(make, order, DocumentKind.WARRANTY))
    start = local_date(order.collected_at)
    end = start + timedelta(days=app.config["REPAIR_WARRANTY_DAYS"])
    assert long_date(start) in text
    assert long_date(end) in text
    assert "Labour: Replaced connector" in text
    assert "Conditions and exclusions (version 1)" in text


def test_a_repeat_slip_names_the_original_and_keeps_its_end(make, db, english, app):
    original = make.order(S.COLLECTED)
    repeat = make.order(
        S.COLLECTED, kind=OrderKind.REPEAT, device=original.device, original_order_id=original.id
    )
    text = pdf_text(issue(make, repeat, DocumentKind.WARRANTY))
    end = local_date(original.collected_at) + timedelta(days=app.config["REPAIR_WARRANTY_DAYS"])
    assert original.number in text
    assert "is not restarted" in text
    assert long_date(end) in text


def test_a_revised_office_text_is_printed_and_its_version_recorded(make, db, english):
    order = make.order(S.RECEIVED)
    first = issue(make, order, DocumentKind.CONTRACT)
    texts.revise_text(
        make.net.office_a,
        TextKind.CONTRACT_TERMS,
        "en",
        "8. Pets are not accepted for repair.",
        actor=make.net.admin,
    )
    db.session.commit()
    second = issue(make, order, DocumentKind.CONTRACT)
    assert (first.terms_version, second.terms_version) == (1, 2)
    assert "Pets are not accepted" in pdf_text(second)
    assert "Terms of the contract (version 2)" in pdf_text(second)
