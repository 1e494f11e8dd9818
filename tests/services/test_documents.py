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
    db.session.expire_all()  # as a new request reads it
    assert [d.number for d in loaded(make, order).documents] == [changed.number, first.number]


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


# --- orders priced by their parts and services lines -----------------------------------------


def with_parts(make, db, status=S.COLLECTED):
    """A paid order repaired with a serial-tracked display (6 months' warranty), a fuse with no
    period of its own and its labour (the price typed at diagnosis, carried into a service line);
    walked on to `status` (in repair, or collected)."""
    from servicecenter.domain.enums import PaymentKind, PaymentMethod
    from servicecenter.models import Part
    from servicecenter.services import order_lines, stock

    net = make.net
    order = make.order(S.IN_REPAIR, price=250_000, approval_limit=5_000_000)
    display = Part(
        sku="LCD-X1",
        name="Display assembly X1 with frame, original (service pack)",
        sale_price=1_250_000,
        warranty_months=6,
        serial_tracked=True,
    )
    fuse = Part(sku="FUSE-2A", name="Fuse 2 A", sale_price=15_000)
    db.session.add_all([display, fuse])
    db.session.flush()
    workshop = stock.location_for(workshop=net.remote)
    stock.receive(display, workshop, 3, actor=net.manager)
    stock.receive(fuse, workshop, 10, actor=net.manager)
    screens = order_lines.add_part(order, display, 2, actor=net.tech)
    order_lines.add_part(order, fuse, 2, actor=net.tech)
    order_lines.set_serials(order, screens, "DSP-000123, DSP-000124", actor=net.tech)
    db.session.commit()
    if status is S.IN_REPAIR:
        return order
    orders.record_work(
        order, actor=net.tech, diagnosis="Cracked display", work_done="Replaced display", price=None
    )
    for step in (S.REPAIRED, S.TO_OFFICE):
        orders.change_status(order, step, actor=net.tech)
    make.bring_back(order)
    orders.record_payment(
        order,
        kind=PaymentKind.FINAL,
        method=PaymentMethod.CARD,
        amount=order.price,
        actor=net.reception_a,
    )
    orders.change_status(order, S.COLLECTED, actor=net.reception_a)
    db.session.commit()
    return order


def test_a_quote_lists_the_parts_and_services(make, db, english):
    order = with_parts(make, db, S.IN_REPAIR)
    assert order.price == 250_000 + 2 * 1_250_000 + 2 * 15_000
    text = pdf_text(issue(make, order, DocumentKind.QUOTE))
    for phrase in (
        "Broken connector",  # the labour, as diagnosed
        "Display assembly X1 with frame",
        "Fuse 2 A",
        "12,500.00",  # a display
        "25,000.00",  # two of them
        "27,800.00",  # the total
    ):
        assert phrase in text, phrase


def test_the_completion_act_and_warranty_slip_name_the_parts_and_their_serials(
    make, db, english, app
):
    order = with_parts(make, db)
    completion = pdf_text(issue(make, order, DocumentKind.COMPLETION))
    assert "DSP-000123, DSP-000124" in completion
    assert "Fuse 2 A" in completion and "No parts were fitted" not in completion
    # The service lines are listed too: the act says what the whole amount was paid for.
    listed = completion.split("Work and parts")[1].split("Payment")[0]
    assert "Broken connector" in listed  # the labour line carried from the typed price
    slip = pdf_text(issue(make, order, DocumentKind.WARRANTY))
    start = local_date(order.collected_at)
    labour_end = start + timedelta(days=app.config["REPAIR_WARRANTY_DAYS"])
    from servicecenter.domain.warranty import add_months

    assert "(DSP-000123, DSP-000124)" in slip
    # The display's six months on the calendar; the fuse is covered with the labour.
    assert long_date(add_months(start, 6)) in slip
    assert slip.count(long_date(labour_end)) == 2


def test_a_changed_set_of_lines_prints_a_new_version(make, db):
    from servicecenter.services import order_lines

    order = with_parts(make, db, S.IN_REPAIR)
    first = issue(make, order, DocumentKind.QUOTE)
    assert issue(make, order, DocumentKind.QUOTE).id == first.id
    fuse = next(line for line in order_lines.lines_of(order) if line.description == "Fuse 2 A")
    order_lines.remove(order, fuse, actor=make.net.tech)
    db.session.commit()
    second = issue(make, order, DocumentKind.QUOTE)
    assert second.version == 2 and second.content != first.content
    assert "Fuse 2 A" not in pdf_text(second)


def test_a_version_drawn_ahead_is_stored_as_drawn_unless_the_order_changed(make, db):
    order = make.order(S.DIAGNOSING)
    drawn = documents.current_or_drawn(loaded(make, order), DocumentKind.QUOTE)
    assert isinstance(drawn, documents.Drawn) and drawn.number == f"{order.number}-Q1"
    assert documents.latest(order, DocumentKind.QUOTE) is None  # drawing stores nothing
    stored = documents.issue(
        loaded(make, order), DocumentKind.QUOTE, actor=make.net.reception_a, drawn=drawn
    )
    assert stored.content is drawn.content
    db.session.commit()
    # a second desk drew the same version before the first stored it: it gets the stored one
    assert (
        documents.issue(
            loaded(make, order), DocumentKind.QUOTE, actor=make.net.admin, drawn=drawn
        ).id
        == stored.id
    )

    later = documents.current_or_drawn(loaded(make, order), DocumentKind.QUOTE)
    assert later.id == stored.id  # nothing changed: the stored document, nothing drawn
    orders.record_work(
        loaded(make, order), actor=make.net.tech, diagnosis="Other", work_done="", price=700_000
    )
    db.session.commit()
    stale = documents.current_or_drawn(loaded(make, order), DocumentKind.QUOTE)
    orders.record_work(
        loaded(make, order), actor=make.net.tech, diagnosis="Third", work_done="", price=800_000
    )
    db.session.commit()
    # changed again between the drawing and the storing: drawn again from what it is now
    second = documents.issue(
        loaded(make, order), DocumentKind.QUOTE, actor=make.net.reception_a, drawn=stale
    )
    assert second.number == stale.number and second.content != stale.content
    assert second.content_hash == documents.snapshot(order, DocumentKind.QUOTE).content_hash()
