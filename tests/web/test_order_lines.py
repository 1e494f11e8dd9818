"""Parts and services on the order page: adding, reserving, removing, serial numbers, taking a
fitted part out again, the totals, and every refusal (422, a message, nothing written)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderKind, OrderStatus
from servicecenter.domain.stock import LineState, MovementKind
from servicecenter.extensions import db as _db
from servicecenter.models import OrderLine, Part, StockMovement
from servicecenter.services import order_lines, stock
from servicecenter.services.clock import local_date

from .helpers import alerts, database_snapshot, field_messages
from .test_forms import refused

S = OrderStatus


@pytest.fixture
def part(make, db):
    """A plain part, two in stock at the remote workshop."""
    make.network()
    part = Part(sku="PORT-USB-C", name="USB-C charging port", sale_price=300_000, unit_cost=90_000)
    db.session.add(part)
    db.session.flush()
    stock.receive(part, here(make), 2, actor=make.net.manager)
    db.session.commit()
    return part


@pytest.fixture
def screen(make, db):
    """A serial-tracked part with its own warranty, three in stock."""
    make.network()
    screen = Part(
        sku="LCD-X1", name="Display X1", sale_price=900_000, warranty_months=6, serial_tracked=True
    )
    db.session.add(screen)
    db.session.flush()
    stock.receive(screen, here(make), 3, actor=make.net.manager)
    db.session.commit()
    return screen


def here(make):
    return stock.location_for(workshop=make.net.remote)


def level(make, part):
    return stock.level_of(part.id, here(make).id)


def warranty_order(make, status):
    device = make.device(purchase_date=local_date() - timedelta(days=30), warranty_months=12)
    return make.order(status, kind=OrderKind.WARRANTY, device=device)


def add_part(client, order, sku, quantity="1", version=None):
    return client.post(
        f"/orders/{order.number}/lines/part",
        data={
            "part-sku": sku,
            "part-quantity": quantity,
            "part-version": order.version if version is None else version,
        },
    )


def add_service(client, order, description="Cleaning", quantity="1", price="500", version=None):
    return client.post(
        f"/orders/{order.number}/lines/service",
        data={
            "service-description": description,
            "service-quantity": quantity,
            "service-unit_price": price,
            "service-version": order.version if version is None else version,
        },
    )


def line_action(client, order, line, action, version=None):
    return client.post(
        f"/orders/{order.number}/lines/{line.id}/{action}",
        data={"version": order.version if version is None else version},
    )


def post_serials(client, order, line, text, version=None):
    prefix = f"line-{line.id}"
    return client.post(
        f"/orders/{order.number}/lines/{line.id}/serials",
        data={
            f"{prefix}-serials": text,
            f"{prefix}-version": order.version if version is None else version,
        },
    )


def post_status(client, order, target, note=""):
    return client.post(
        f"/orders/{order.number}/status",
        data={"target": target, "note": note, "version": order.version},
    )


def only_line(db, order) -> OrderLine:
    return db.session.execute(
        sa.select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.part_id.isnot(None))
    ).scalar_one()


def page_of(client, order) -> str:
    response = client.get(f"/orders/{order.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return " ".join(match.group(1).split())


# --- adding parts and services -------------------------------------------------------------


def test_a_part_for_a_warranty_order_is_reserved_at_once(client, make, login_as, fresh, part, db):
    order = warranty_order(make, S.DIAGNOSING)
    login_as(make.net.tech)
    response = add_part(client, order, "PORT-USB-C")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orders/{order.number}#lines")
    html = page_of(client, order)
    assert "Part added and reserved." in alerts(html)
    assert 'data-state="reserved">Reserved</span>' in html
    fresh()
    assert only_line(db, order).state is LineState.RESERVED
    assert (level(make, part).on_hand, level(make, part).reserved) == (2, 1)


def test_a_paid_order_reserves_its_parts_once_the_customer_approves(
    client, make, login_as, fresh, part, db
):
    order = make.order(S.DIAGNOSING, price=None, estimate=None, approval_limit=100_000)
    login_as(make.net.tech)
    assert add_part(client, order, "PORT-USB-C").status_code == 302
    html = page_of(client, order)
    assert "Part added: it is reserved when the customer approves the repair." in alerts(html)
    assert 'data-state="pending">Waiting</span>' in html
    fresh()
    assert only_line(db, order).state is LineState.PENDING
    assert level(make, part).reserved == 0
    assert order.price == 300_000  # the part prices the order: 3,000 is over the 1,000 allowed

    assert post_status(client, order, "awaiting_approval").status_code == 302
    fresh()
    assert post_status(client, order, "in_repair", note="Agreed by phone").status_code == 302
    fresh()
    assert order.status is S.IN_REPAIR
    assert only_line(db, order).state is LineState.RESERVED
    assert level(make, part).reserved == 1


def test_a_part_short_in_stock_waits_with_a_warning(client, make, login_as, fresh, part, db):
    order = warranty_order(make, S.DIAGNOSING)
    login_as(make.net.tech)
    assert add_part(client, order, "PORT-USB-C", quantity="3").status_code == 302
    html = page_of(client, order)
    assert (
        "Not enough in stock: 2 available, 3 needed. The part waits until the stock arrives."
        in alerts(html)
    )
    fresh()
    assert only_line(db, order).state is LineState.PENDING
    assert level(make, part).reserved == 0
    # The repair cannot start while the part waits, and the page says why.
    assert "Some parts are not reserved yet (not in stock): wait for the parts." in html


def test_lines_price_the_order_and_the_page_shows_the_totals(
    client, make, login_as, fresh, part, db
):
    order = make.order(S.DIAGNOSING, price=500_000, approval_limit=2_000_000, prepayment=100_000)
    login_as(make.net.tech)
    assert 'id="price" inputmode="decimal" name="price"' in page_of(client, order)
    assert add_service(client, order, "Cleaning", quantity="2", price="150").status_code == 302
    fresh()
    assert add_part(client, order, "PORT-USB-C").status_code == 302
    fresh()
    # The price typed before the first line became a service line: nothing was dropped.
    assert order.price == 500_000 + 2 * 15_000 + 300_000
    html = page_of(client, order)
    assert text_of(html, "total-labour") == "5,300.00 RUB"
    assert text_of(html, "total-parts") == "3,000.00 RUB"
    assert text_of(html, "total-lines") == "8,300.00 RUB"
    assert text_of(html, "total-prepaid") == "1,000.00 RUB"
    assert text_of(html, "total-paid") == "1,000.00 RUB"
    assert text_of(html, "total-balance") == "7,300.00 RUB"
    assert "PORT-USB-C" in html and "Broken connector" in html  # the carried line's text
    # The findings form no longer offers a price that would be ignored.
    assert 'name="price"' not in html
    assert "The sum of the parts and services below" in html
    saved = client.post(
        f"/orders/{order.number}/work",
        data={"diagnosis": "Port worn", "work_done": "", "version": order.version},
    )
    assert saved.status_code == 302
    fresh()
    assert (order.diagnosis, order.price) == ("Port worn", 830_000)


def test_office_staff_see_the_lines_but_cannot_change_them(client, make, login_as, fresh, part, db):
    order = warranty_order(make, S.DIAGNOSING)
    login_as(make.net.tech)
    assert add_part(client, order, "PORT-USB-C").status_code == 302
    fresh()
    login_as(make.net.reception_a)
    html = page_of(client, order)
    assert "USB-C charging port" in html and 'id="lines-totals"' in html
    assert 'id="add-part-form"' not in html and ">Remove</button>" not in html
    before = database_snapshot()
    refused(add_part(client, order, "PORT-USB-C"), "Only the workshop adds parts and services")
    refused(add_service(client, order), "Only the workshop adds parts and services")
    refused(
        line_action(client, order, only_line(db, order), "remove"),
        "Only the workshop adds parts and services",
    )
    assert database_snapshot() == before


def test_an_order_without_lines_shows_no_card_to_the_office(client, make, login_as):
    order = make.order(S.DIAGNOSING)
    login_as(make.net.reception_a)
    assert 'id="lines"' not in page_of(client, order)
    login_as(make.net.tech)
    html = page_of(client, order)
    assert 'id="lines"' in html and "No parts or services yet." in html


# --- removing, serial numbers, taking out ----------------------------------------------------


def test_removing_a_reserved_part_releases_it(client, make, login_as, fresh, part, db):
    order = warranty_order(make, S.IN_REPAIR)
    login_as(make.net.tech)
    assert add_part(client, order, "PORT-USB-C").status_code == 302
    fresh()
    line = only_line(db, order)
    assert level(make, part).available == 1
    assert line_action(client, order, line, "remove").status_code == 302
    fresh()
    assert line.state is LineState.RELEASED
    assert (level(make, part).reserved, level(make, part).available) == (0, 2)
    html = page_of(client, order)
    assert 'data-state="released">Removed</span>' in html
    assert 'class="text-decoration-line-through">USB-C charging port' in html
    assert stock.reconcile() == []


def test_serial_numbers_are_required_before_the_repair_is_finished(
    client, make, login_as, fresh, screen, db
):
    order = warranty_order(make, S.IN_REPAIR)
    login_as(make.net.tech)
    assert add_part(client, order, "LCD-X1", quantity="2").status_code == 302
    fresh()
    line = only_line(db, order)
    assert line.state is LineState.RESERVED
    html = page_of(client, order)
    assert 'disabled title="Enter the serial numbers of the parts fitted first."' in html
    before = database_snapshot()
    refused(post_status(client, order, "repaired"), "Enter the serial numbers of the parts fitted")
    field = f"line-{line.id}-serials"
    refused(
        post_serials(client, order, line, "SN-1"),
        "Enter one serial number per part fitted: 2 in all.",
        field,
    )
    refused(post_serials(client, order, line, "SN-1 SN-1"), "entered twice", field)
    refused(post_serials(client, order, line, ""), "This field is required.", field)
    assert database_snapshot() == before

    assert post_serials(client, order, line, "SN-1, SN-2").status_code == 302
    fresh()
    assert line.serials == "SN-1 SN-2"
    assert "SN-1 SN-2" in page_of(client, order)
    assert post_status(client, order, "repaired").status_code == 302
    fresh()
    assert (order.status, line.state) == (S.REPAIRED, LineState.CONSUMED)
    consumed = db.session.execute(
        sa.select(StockMovement).where(StockMovement.kind == MovementKind.CONSUME)
    ).scalar_one()
    assert (consumed.quantity, consumed.serials, consumed.order_id) == (2, "SN-1 SN-2", order.id)
    assert (level(make, screen).on_hand, level(make, screen).reserved) == (1, 0)


def test_a_part_taken_out_after_the_repair_returns_to_stock_and_off_the_price(
    client, make, login_as, fresh, part, db
):
    order = make.order(S.IN_REPAIR, price=500_000, approval_limit=1_000_000)
    login_as(make.net.tech)
    assert add_part(client, order, "PORT-USB-C").status_code == 302
    fresh()
    assert order.price == 800_000
    assert post_status(client, order, "repaired").status_code == 302
    fresh()
    line = only_line(db, order)
    assert line.state is LineState.CONSUMED
    assert level(make, part).on_hand == 1
    html = page_of(client, order)
    assert ">Take out</button>" in html and ">Remove</button>" not in html
    assert line_action(client, order, line, "take-out").status_code == 302
    fresh()
    assert line.state is LineState.RETURNED
    assert order.price == 500_000
    assert (level(make, part).on_hand, level(make, part).reserved) == (2, 0)
    assert 'data-state="returned">Taken out</span>' in page_of(client, order)
    # Taken out once: there is nothing left to take out.
    before = database_snapshot()
    refused(line_action(client, order, line, "take-out"), "Only a part fitted in a repaired")
    assert database_snapshot() == before


# --- refusals --------------------------------------------------------------------------------

BAD_INPUT = [
    ("part", {"part-quantity": "0"}, "Enter a whole number from 1 to 100000."),
    ("part", {"part-quantity": "-1"}, "Enter a whole number from 1 to 100000."),
    ("part", {"part-quantity": "100001"}, "Enter a whole number from 1 to 100000."),
    ("part", {"part-quantity": "1.5"}, "Not a valid integer value."),
    ("part", {"part-quantity": ""}, "This field is required."),
    ("part", {"part-sku": ""}, "This field is required."),
    ("part", {"part-sku": "NO-SUCH"}, "No part with this SKU in the catalogue."),
    ("part", {"part-sku": "OLD-1"}, "This part is no longer in the catalogue."),
    ("part", {"part-sku": "x" * 41}, "Field cannot be longer than 40 characters."),
    ("service", {"service-description": " "}, "This field is required."),
    ("service", {"service-description": "d" * 201}, "Field cannot be longer than 200"),
    ("service", {"service-quantity": "0"}, "Enter a whole number from 1 to 100000."),
    ("service", {"service-unit_price": "abc"}, "Not a valid decimal value."),
    ("service", {"service-unit_price": "-5"}, "Enter an amount between 0 and"),
    ("service", {"service-unit_price": ""}, "This field is required."),
]


@pytest.mark.parametrize(("form", "changes", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_is_written(
    client, make, login_as, part, db, form, changes, message
):
    db.session.add(Part(sku="OLD-1", name="Discontinued", active=False))
    db.session.commit()
    order = warranty_order(make, S.DIAGNOSING)
    login_as(make.net.tech)
    good = {
        "part": {"part-sku": "PORT-USB-C", "part-quantity": "1"},
        "service": {
            "service-description": "Cleaning",
            "service-quantity": "1",
            "service-unit_price": "500",
        },
    }[form]
    data = {**good, f"{form}-version": str(order.version), **changes}
    before = database_snapshot()
    response = client.post(f"/orders/{order.number}/lines/{form}", data=data)
    field = next(iter(changes))
    html = refused(response, message, field)
    typed = data[field].strip()
    if typed and len(typed) < 100:
        assert f'value="{typed}"' in html  # what was typed is still in its box
    assert database_snapshot() == before


def test_a_line_of_another_order_or_workshop_is_not_found(client, make, login_as, part, db):
    mine = warranty_order(make, S.DIAGNOSING)
    other_order = warranty_order(make, S.DIAGNOSING)
    elsewhere = make.order(S.DIAGNOSING, workshop=make.net.other)
    order_lines.add_part(other_order, part, 1, actor=make.net.tech)
    order_lines.add_service(elsewhere, "Cleaning", 1, 10_000, actor=make.net.tech_other)
    db.session.commit()
    foreign = [
        only_line(db, other_order),
        db.session.scalars(
            sa.select(OrderLine).filter_by(order_id=elsewhere.id, description="Cleaning")
        ).one(),
    ]
    login_as(make.net.tech)
    before = database_snapshot()
    for line in foreign:
        for action in ("remove", "take-out"):
            assert line_action(client, mine, line, action).status_code == 404
        assert post_serials(client, mine, line, "A").status_code == 404
    assert line_action(client, mine, foreign[0], "remove", version=0).status_code == 404
    assert client.post(f"/orders/{mine.number}/lines/999999/remove").status_code == 404
    # The other workshop's order itself, through any of its line URLs.
    assert line_action(client, elsewhere, foreign[1], "remove").status_code == 404
    assert add_part(client, elsewhere, "PORT-USB-C").status_code == 404
    assert add_service(client, elsewhere).status_code == 404
    assert database_snapshot() == before


def test_a_stale_page_is_refused(client, make, login_as, fresh, part, db):
    order = warranty_order(make, S.DIAGNOSING)
    login_as(make.net.tech)
    assert add_part(client, order, "PORT-USB-C").status_code == 302
    fresh()
    seen = order.version
    line = only_line(db, order)
    # Meanwhile a colleague adds a service on their own page.
    order_lines.add_service(order, "Cleaning", 1, 10_000, actor=make.net.manager)
    db.session.commit()
    assert order.version != seen
    before = database_snapshot()
    stale = "Someone else changed this order while you had it open."
    html = refused(add_part(client, order, "PORT-USB-C", version=seen), stale)
    assert 'value="PORT-USB-C"' in html  # the SKU typed is kept
    refused(add_service(client, order, "Polish", version=seen), stale)
    refused(line_action(client, order, line, "remove", version=seen), stale)
    refused(
        line_action(client, order, line, "remove", version=""), "This field is required.", "version"
    )
    assert database_snapshot() == before
    assert line_action(client, order, line, "remove").status_code == 302


def test_the_page_reads_the_lines_in_a_fixed_number_of_queries(client, make, login_as, part, db):
    """Many lines cost no more queries than one (the parts are joined, not loaded per line)."""
    order = warranty_order(make, S.DIAGNOSING)
    for index in range(6):
        db.session.add(Part(sku=f"P-{index}", name=f"Part {index}", sale_price=100))
    db.session.flush()
    order_lines.add_part(order, part, 1, actor=make.net.tech)  # reserved
    waiting = db.session.scalars(sa.select(Part).filter_by(sku="P-0")).one()
    order_lines.add_part(order, waiting, 1, actor=make.net.tech)  # none in stock: waits
    db.session.commit()
    login_as(make.net.tech)
    number = order.number

    def queries() -> list[str]:
        statements = []
        engine = _db.engine

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement.split("FROM", 1)[-1][:40])

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/orders/{number}").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return statements

    one = queries()
    for index in range(1, 6):
        part_n = db.session.scalars(sa.select(Part).filter_by(sku=f"P-{index}")).one()
        order_lines.add_part(order, part_n, 1, actor=make.net.tech)
        order_lines.add_service(order, f"Work {index}", 1, 100, actor=make.net.tech)
    db.session.commit()
    assert len(queries()) == len(one), one


def test_field_messages_are_found_under_prefixed_fields(client, make, login_as, part):
    """The helpers read the prefixed names the forms use (a guard for the tests above)."""
    order = warranty_order(make, S.DIAGNOSING)
    login_as(make.net.tech)
    html = add_part(client, order, "NO-SUCH").get_data(as_text=True)
    assert field_messages(html, "part-sku") == ["No part with this SKU in the catalogue."]
    assert field_messages(html, "part-quantity") == []


def test_the_repair_can_start_once_the_stock_covers_the_waiting_parts(
    client, make, login_as, fresh, part, db
):
    """A waiting line does not block "Start repair" when the move can reserve it; when the stock
    is short the button says so, and it opens as soon as the parts arrive."""
    order = make.order(S.DIAGNOSING, price=None, estimate=None, approval_limit=2_000_000)
    login_as(make.net.tech)
    assert add_part(client, order, "PORT-USB-C", quantity="3").status_code == 302
    blocked = 'title="Some parts are not reserved yet (not in stock): wait for the parts."'
    assert blocked in page_of(client, order)
    fresh()
    stock.receive(part, here(make), 1, actor=make.net.manager)
    db.session.commit()
    assert blocked not in page_of(client, order)
    fresh()
    assert post_status(client, order, "in_repair").status_code == 302
    fresh()
    assert only_line(db, order).state is LineState.RESERVED
    assert (level(make, part).on_hand, level(make, part).reserved) == (3, 3)


def test_the_add_part_form_suggests_what_the_workshop_has(client, make, login_as, part, db):
    order = make.order(S.DIAGNOSING)
    login_as(make.net.tech)
    html = page_of(client, order)
    assert 'list="parts-in-stock"' in html
    assert '<option value="PORT-USB-C">USB-C charging port · available: 2</option>' in html
    elsewhere = make.order(S.DIAGNOSING, workshop=make.net.other)
    login_as(make.net.tech_other)  # another workshop holds none of it
    assert '<option value="PORT-USB-C">' not in page_of(client, elsewhere)
