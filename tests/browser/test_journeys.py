"""The main journeys, driven in real Chromium: intake, the workshop, collection, the customer."""

from __future__ import annotations

import re

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from servicecenter.domain.enums import OrderStatus

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"^AAA-\d{4}-\d{6}$")
CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]*"')


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def expect_status(page, label: str) -> None:
    expect(page.locator("#order-status")).to_have_text(label)


def expect_actions(page, *labels: str) -> None:
    """The status buttons offered, exactly: nothing a role may not do is shown."""
    buttons = page.locator("#actions button[name=target]")
    if labels:
        expect(buttons).to_have_text(list(labels))
    else:
        expect(buttons).to_have_count(0)
        expect(page.locator("#actions")).to_contain_text("Nothing for you to do")


def test_receptionist_takes_a_device_in(page, make, log_in, screenshot):
    make.network()
    log_in(make.net.reception_a)
    page.goto("/intake")

    page.get_by_label("Find by phone").fill("+7 916 700-00-01")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("No customer with this phone yet")).to_be_visible()

    form = page.locator("#customer-form")
    name, phone = form.get_by_label("Name"), form.get_by_label("Phone")
    expect(phone).to_have_value("+7 916 700-00-01")  # the searched phone is carried over
    name.fill("Мария Кузнецова")
    phone.fill("12")  # a typo first
    press(page, "Register customer")
    expect(phone).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.locator(".invalid-feedback")).to_have_text("A phone number has 10 to 15 digits.")
    expect(name).to_have_value("Мария Кузнецова")
    expect(phone).to_have_value("12")
    screenshot("intake-customer-error")
    phone.fill("+7 916 700-00-01")
    press(page, "Register customer")

    expect(page.locator("#step-customer")).to_contain_text("Мария Кузнецова · +79167000001")
    device = page.locator("#device-form")
    device.get_by_label("Category").select_option("laptop")
    device.get_by_label("Brand").fill("Lenovo")
    device.get_by_label("Model").fill("ThinkPad T14")
    device.get_by_label("Serial number or IMEI").fill("PF-3XK9 21")
    press(page, "Register device")

    expect(page.locator("#step-device")).to_contain_text("Laptop Lenovo ThinkPad T14")
    expect(page.locator("#step-device")).to_contain_text("PF-3XK921")
    expect(page.locator("#suggested-kind")).to_have_text("Paid repair")
    order = page.locator("#order-form")
    expect(order.get_by_label("Paid repair")).to_be_checked()
    order.get_by_label("Customer's complaint").fill("Does not charge")
    order.get_by_label("Condition on intake").fill("Scratched lid")
    order.get_by_label("Accessories").fill("Charger")
    order.get_by_label("Device passcode").fill("7391")
    order.get_by_label("Declared value of the device").fill("60000")
    order.get_by_label("Estimated price").fill("3 500")
    order.get_by_label("Repair without asking up to").fill("2000")
    order.get_by_label("Workshop").select_option(label="Remote Partner")
    screenshot("intake-order-form")
    press(page, "Open the order")

    expect(page.locator("h1")).to_have_text(NUMBER)
    number = page.locator("h1").inner_text()
    expect(page).to_have_url(re.compile(rf"/orders/{number}$"))
    expect(page.get_by_text(f"Order {number} is open.")).to_be_visible()
    expect_status(page, "Received")
    expect(page.get_by_text("Does not charge")).to_be_visible()
    expect(page.get_by_text("Мария Кузнецова")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Remote Partner")).to_be_visible()
    # Still at the counter: the office may route it elsewhere, the current choice selected.
    expect(page.locator("#route").get_by_label("Workshop")).to_have_value(
        page.locator("#route option", has_text="Remote Partner").get_attribute("value")
    )
    expect(page.get_by_text("7391")).to_be_hidden()  # behind "Show device passcode"
    # It leaves for the workshop in a handover (the Handovers page), not by a status button.
    expect_actions(page, "Cancel order")
    expect(page.locator("#custody")).to_contain_text("Put it into a handover")
    screenshot("intake-order-opened")


def test_technician_works_an_order_through_the_workshop(page, make, log_in, db, screenshot):
    # Paid, estimate 4,000 and "repair without asking up to 10,000" taken at intake.
    order = make.order(OrderStatus.TO_WORKSHOP)
    # The partner's manager takes the order on and gives it to the technician.
    log_in(make.net.manager)
    page.goto(f"/orders/{order.number}")
    expect(page.locator("#accept")).to_contain_text("Sent to your workshop")
    page.locator("#accept").get_by_label("Technician").select_option(label="Tech")
    press(page, "Accept")
    expect(page.get_by_text("Order accepted")).to_be_visible()
    expect(page.locator("#accepted")).to_contain_text("Accepted by Manager")
    page.get_by_role("button", name="Log out").click()
    db.session.rollback()
    make.sign_for(order)  # the device has arrived (tests/browser: the handover journey)
    db.session.commit()

    log_in(make.net.tech)
    page.goto("/workshop/queue")
    expect(page.locator("#queue-table")).to_contain_text(order.number)
    screenshot("workshop-queue")
    page.get_by_role("link", name=order.number).click()

    expect_status(page, "To workshop")
    expect_actions(page, "Start diagnosis")
    press(page, "Start diagnosis")
    expect_status(page, "Diagnosing")

    work = page.locator("#work")
    expect(work.get_by_role("heading")).to_have_text("Workshop findings")
    work.get_by_label("Diagnosis").fill("Charging port worn out")
    work.get_by_label("Price of the repair").fill("2500")
    press(page, "Save findings")
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(work.get_by_label("Diagnosis")).to_have_value("Charging port worn out")
    expect(work.get_by_label("Price of the repair")).to_have_value("2500.00")
    expect(page.locator("#balance")).to_have_text("2,500.00 RUB")
    expect_actions(
        page,
        "Ask customer to approve",
        "Wait for parts",
        "Start repair",
        "Send back to office (not repaired)",
    )

    press(page, "Start repair")  # 2,500 is within the customer's limit: no approval needed
    expect_status(page, "In repair")
    expect_actions(page, "Repair finished", "Wait for parts", "Send back to office (not repaired)")
    work.get_by_label("Work done").fill("Replaced the charging port")
    press(page, "Save findings")
    expect(page.get_by_text("Saved.")).to_be_visible()

    press(page, "Repair finished")
    expect_status(page, "Repaired")
    expect_actions(page, "Send back to office")
    screenshot("workshop-order-repaired")

    press(page, "Send back to office")
    expect_status(page, "To office")
    expect_actions(page)
    expect(page.get_by_role("button", name="Hand over to customer")).to_have_count(0)
    expect(page.get_by_role("button", name="Ready for pickup")).to_have_count(0)
    expect(page.get_by_role("button", name="Record payment")).to_have_count(0)
    history = page.locator("#history .status-badge")
    expect(history).to_have_text(
        ["To office", "Repaired", "In repair", "Diagnosing", "To workshop", "Received"]
    )

    page.get_by_role("link", name="Workshop queue").click()
    expect(page.get_by_text("The queue is empty.")).to_be_visible()


def test_a_repair_above_the_customers_limit_waits_for_approval(page, make, log_in):
    order = make.order(OrderStatus.DIAGNOSING, price=None, estimate=None, approval_limit=None)
    log_in(make.net.tech)
    page.goto(f"/orders/{order.number}")
    expect_status(page, "Diagnosing")
    expect(page.get_by_role("button", name="Start repair", exact=True)).to_be_disabled()
    expect(page.locator("#actions")).to_contain_text("The price is not known yet")

    page.locator("#work").get_by_label("Price of the repair").fill("2500")
    press(page, "Save findings")
    expect(page.get_by_role("button", name="Start repair", exact=True)).to_be_disabled()
    expect(page.locator("#actions")).to_contain_text("exceeds what the customer allowed")
    press(page, "Ask customer to approve")
    expect_status(page, "Awaiting approval")

    page.get_by_label("Note", exact=True).fill("Customer agreed on the phone")
    page.get_by_label("Show the note to the customer").check()
    press(page, "Approved: start repair")
    expect_status(page, "In repair")
    expect(page.locator("#history")).to_contain_text("Customer agreed on the phone")
    expect(page.locator("#approved-amount")).to_have_text("2,500.00 RUB")
    expect(page.get_by_role("button", name="Ask customer to approve")).to_have_count(0)

    # More damage found during the repair: the dearer price needs the customer's word again.
    page.locator("#work").get_by_label("Price of the repair").fill("3000")
    press(page, "Save findings")
    expect(page.get_by_role("button", name="Repair finished", exact=True)).to_be_disabled()
    press(page, "Ask customer to approve")
    expect_status(page, "Awaiting approval")

    page.goto(f"/s/{order.tracking_token}")  # the customer sees the public note
    expect(page.locator("#timeline")).to_contain_text("Customer agreed on the phone")


def test_receptionist_hands_a_repaired_device_back(page, make, log_in, db, screenshot):
    order = make.order(OrderStatus.TO_OFFICE, price=180_000, prepayment=30_000)
    handover = make.send_back(order)
    db.session.commit()
    log_in(make.net.reception_a)
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_role("link", name=order.number).click()

    expect_status(page, "To office")
    expect(page.locator("#custody-now")).to_have_text("In transit: Remote Partner → Office A")
    expect(page.get_by_role("button", name="Ready for pickup")).to_be_disabled()
    # The device arrives: the office signs for its handover, which makes it ready for pickup.
    page.get_by_role("link", name="Handovers", exact=True).click()
    page.get_by_role("link", name=handover.number).click()
    press(page, "Sign for the handover")
    expect(page.get_by_text("Signed for: the handover has arrived.")).to_be_visible()
    expect(page.locator("#devices-table .item-state")).to_have_text("Signed for")
    page.get_by_role("link", name=order.number).click()
    expect_status(page, "Ready")
    expect(page.locator("#custody-now")).to_have_text("At the office: Office A")
    expect_actions(page, "Hand over to customer")
    expect(page.get_by_role("button", name="Hand over to customer")).to_be_disabled()
    expect(page.locator("#actions")).to_contain_text("The balance due must be paid")

    expect(page.locator("#balance")).to_have_text("1,500.00 RUB")
    expect(page.get_by_label("Amount")).to_have_value("1500.00")  # prefilled with the balance
    page.get_by_label("Method").select_option("card")
    screenshot("collection-payment")
    press(page, "Record payment")
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("0.00 RUB")
    expect(page.locator("#money table tr")).to_have_count(2)  # prepayment and this payment

    expect(page.get_by_role("button", name="Hand over to customer")).to_be_enabled()
    press(page, "Hand over to customer")
    expect_status(page, "Collected")
    expect(page.locator("#balance")).to_have_text("0.00 RUB")
    expect_actions(page)
    screenshot("collection-done")


def test_customer_checks_the_status(page, make, screenshot):
    order = make.order(OrderStatus.IN_REPAIR, price=120_000)
    customer = order.customer
    assert (customer.name, order.passcode) == ("Ivan Petrov", "2580")
    page.goto("/")  # staff pages send a stranger to the login page, which links to the status
    page.get_by_role("link", name="Check the status of your repair").click()
    expect(page).to_have_url(re.compile(r"/status$"))

    page.get_by_label("Order number").fill(order.number)
    page.get_by_label("Last 4 digits of your phone").fill("0000")
    page.get_by_role("button", name="Check status").click()
    expect(page.get_by_role("alert")).to_have_text(
        "We could not find an order with this number and phone. Check both and try again."
    )
    expect(page.locator("#stage")).to_have_count(0)

    page.get_by_label("Last 4 digits of your phone").fill(customer.phone[-4:])
    page.get_by_role("button", name="Check status").click()
    promised = format_date(order.promised_date, "medium", locale="en_US")
    seen = expect_public_status(page, promised)
    expect_no_personal_data(page, order)
    screenshot("customer-status")

    # The language switch keeps the customer on their order (its link), not at the staff login.
    page.get_by_role("button", name="RU").click()
    expect(page).to_have_url(re.compile(rf"/s/{re.escape(order.tracking_token)}$"))
    expect(page.locator("#stage")).to_have_text("Идёт ремонт")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("customer-status-phone-ru")
    page.get_by_role("button", name="EN").click()
    expect(page.locator("#stage")).to_have_text("Repair in progress")

    page.goto(f"/s/{order.tracking_token}")
    assert expect_public_status(page, promised) == seen
    expect_no_personal_data(page, order)


def expect_public_status(page, promised: str) -> str:
    """The status page of an order in repair (price 1,200.00); returns its main card's text."""
    expect(page.locator("#stage")).to_have_text("Repair in progress")
    expect(page.get_by_text(f"Promised by {promised}")).to_be_visible()
    expect(page.locator("#amount-due")).to_have_text("1,200.00 RUB")
    expect(page.locator("#timeline li .fw-semibold")).to_have_text(
        ["Repair in progress", "Diagnostics", "At the workshop", "Accepted"]
    )
    expect(page.get_by_text("Office A")).to_be_visible()  # where to collect
    return page.locator(".card").first.inner_text()


def expect_no_personal_data(page, order) -> None:
    """Not the customer's name, phone or the device's passcode, anywhere in the HTML."""
    # Random tokens could hold four digits by chance: they are not the page's content.
    html = CSRF_VALUE.sub("", page.content()).replace(order.tracking_token, "")
    digits = order.customer.phone.lstrip("+")
    for secret in (order.customer.name, "Ivan", "Petrov", digits, digits[1:], order.passcode):
        assert secret not in html, secret


def test_receptionist_prints_the_contract(page, make, log_in):
    order = make.order(OrderStatus.RECEIVED)
    log_in(make.net.reception_a)
    page.goto(f"/orders/{order.number}")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Print: Repair contract").click()
    url = popup.value.url
    assert url.endswith(f"/orders/{order.number}/documents/contract.pdf")
    response = page.request.get(url)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.reload()
    expect(page.locator("#documents")).to_contain_text(f"{order.number}-C1")


def column_of(page, table, row_text: str, column: str) -> str:
    """The text of a table cell: the row holding `row_text`, the column headed `column`."""
    return table.evaluate(
        """(table, [rowText, column]) => {
            const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
            const index = heads.indexOf(column);
            if (index < 0) return `no column ${column} in ${heads}`;
            const row = [...table.querySelectorAll('tbody tr')]
                .find(tr => tr.innerText.includes(rowText));
            return row ? row.children[index].innerText.trim() : `no row with ${rowText}`;
        }""",
        [row_text, column],
    )


def test_technician_fits_a_part_from_stock(page, make, log_in, db, screenshot):
    from servicecenter.models import Part
    from servicecenter.services import stock

    net = make.net
    part = Part(sku="PORT-USB-C", name="USB-C charging port", sale_price=300_000)
    db.session.add(part)
    db.session.flush()
    stock.receive(part, stock.location_for(workshop=net.remote), 2, actor=net.manager)
    db.session.commit()
    # Paid, no estimate, "repair without asking up to 2,000".
    order = make.order(OrderStatus.DIAGNOSING, price=None, estimate=None, approval_limit=200_000)

    log_in(net.tech)
    page.goto(f"/orders/{order.number}")
    lines = page.locator("#lines")
    expect(lines).to_contain_text("No parts or services yet.")
    add = page.locator("#add-part-form")
    add.get_by_label("SKU").fill("PORT-USB")  # a typo first
    press(page, "Add part")
    expect(add.locator(".invalid-feedback")).to_have_text("No part with this SKU in the catalogue.")
    add.get_by_label("SKU").fill("PORT-USB-C")
    expect(add.get_by_label("Quantity")).to_have_value("1")
    press(page, "Add part")
    expect(page.get_by_text("it is reserved when the customer approves the repair")).to_be_visible()
    table = page.locator("#lines-table")
    expect(table).to_contain_text("USB-C charging port")
    expect(table.locator(".line-state")).to_have_text(["Waiting"])
    expect(page.locator("#total-parts")).to_have_text("3,000.00 RUB")

    # The part prices the repair: the findings form shows the sum instead of a price box.
    work = page.locator("#work")
    expect(work.get_by_label("Price of the repair")).to_have_count(0)
    expect(work.locator("#price-from-lines")).to_contain_text("3,000.00 RUB")
    work.get_by_label("Diagnosis").fill("Charging port worn out")
    press(page, "Save findings")
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Start repair", exact=True)).to_be_disabled()
    expect(page.locator("#actions")).to_contain_text("exceeds what the customer allowed")
    screenshot("order-lines-waiting")

    press(page, "Ask customer to approve")
    expect_status(page, "Awaiting approval")
    page.get_by_label("Note", exact=True).fill("Customer agreed on the phone")
    press(page, "Approved: start repair")
    expect_status(page, "In repair")
    expect(table.locator(".line-state")).to_have_text(["Reserved"])
    press(page, "Repair finished")
    expect_status(page, "Repaired")
    expect(table.locator(".line-state")).to_have_text(["Fitted"])
    expect(page.locator("#balance")).to_have_text("3,000.00 RUB")
    screenshot("order-lines-fitted")

    # The order's consumption in the ledger, then the workshop's stock: one left on hand.
    page.get_by_role("link", name="Stock movements of this order").click()
    ledger = page.locator("table", has_text="PORT-USB-C").first
    expect(ledger.locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Stock", exact=True).click()
    levels = page.locator("table", has_text="PORT-USB-C").first
    assert column_of(page, levels, "PORT-USB-C", "On hand") == "1"
    page.goto(f"/stock/ledger?order={order.number}")
    ledger = page.locator("table", has_text="PORT-USB-C").first
    # The order's movements only (not the receipt): reserved on approval, fitted at the end.
    rows = ledger.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Reserved for an order")).to_have_count(1)
    fitted = rows.filter(has_text="Fitted in a repair")
    expect(fitted).to_have_count(1)
    expect(fitted).to_contain_text(order.number)
    screenshot("stock-ledger-of-an-order")


def test_two_devices_go_to_a_partner_one_accepted_one_refused(page, make, log_in, screenshot):
    """The office sends two devices in one handover; the partner accepts one and refuses the
    other, signs for the accepted one noting a missing accessory; the office sees both."""
    net = make.net
    kept = make.order(device=make.device(serial="KEEP-0001"))
    refused = make.order(device=make.device(serial="BACK-0002"))

    log_in(net.reception_a)
    page.get_by_role("link", name="Handovers", exact=True).click()
    batch = page.locator(".batch", has_text="Office A → Remote Partner")
    expect(batch.locator("input[name=order]:checked")).to_have_count(2)
    screenshot("handovers-ready-to-send")
    batch.get_by_role("button", name="Prepare a handover").click()
    expect(page.get_by_text("prepared: print the manifest")).to_be_visible()
    number = page.locator("#handover-number").inner_text()
    expect(page.locator("#devices-table tbody tr")).to_have_count(2)
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Print the manifest").click()
    expect(popup.value).to_have_url(re.compile(r"/manifest\.pdf$"))
    popup.value.close()
    press(page, "Mark as sent")
    expect(page.get_by_text("Sent: the devices are on their way.")).to_be_visible()
    expect(page.locator("#handover-status")).to_have_text("On its way")
    page.get_by_role("button", name="Log out").click()

    log_in(net.manager)
    page.goto("/workshop/inbox")
    page.get_by_role("link", name=kept.number).click()
    page.locator("#accept").get_by_label("Technician").select_option(label="Tech")
    press(page, "Accept")
    expect(page.get_by_text("Order accepted")).to_be_visible()
    page.goto("/workshop/inbox")
    page.get_by_role("link", name=refused.number).click()
    page.get_by_label("Note", exact=True).fill("We do not repair this model")
    press(page, "Refuse and return to office")
    page.goto("/handovers")
    page.get_by_role("link", name=number).click()
    refused_row = page.locator(f"#devices-table tr[data-order='{refused.number}']")
    expect(refused_row.locator(".item-state")).to_have_text("Back at the sender")
    kept_row = page.locator(f"#devices-table tr[data-order='{kept.number}']")
    expect(kept_row.get_by_label("Arrived")).to_be_checked()
    kept_row.get_by_placeholder("Discrepancy, if any").fill("Charger missing")
    screenshot("handover-receipt")
    press(page, "Sign for the handover")
    expect(page.get_by_text("Signed for: the handover has arrived.")).to_be_visible()
    expect(kept_row.locator(".item-state")).to_have_text("Signed for")
    expect(kept_row.locator(".item-note")).to_have_text("Charger missing")
    page.get_by_role("button", name="Log out").click()

    log_in(net.reception_a)
    page.goto(f"/orders/{kept.number}")
    expect(page.locator("#custody-now")).to_have_text("At the workshop: Remote Partner")
    expect(page.locator("#custody-trail")).to_contain_text("Charger missing")
    expect(page.locator("#accepted")).to_contain_text("Accepted by Manager")
    screenshot("order-custody")
    page.goto(f"/orders/{refused.number}")
    expect_status(page, "Received")
    expect(page.locator("#history .refused")).to_have_text("Refused by the workshop")
    expect(page.locator("#history")).to_contain_text("We do not repair this model")
    expect(page.locator("#custody-now")).to_have_text("At the office: Office A")
    # Back at the counter, the office may route it to another workshop and send it again.
    expect(page.locator("#route")).to_be_visible()
    page.goto("/handovers")
    # Listed to be sent again, but not ticked: the workshop said no, route it elsewhere first.
    expect(page.locator(".batch")).to_contain_text(refused.number)
    expect(page.locator(f"#pick-{refused.id}")).not_to_be_checked()
    expect(page.locator(".refused-here")).to_have_text(
        "refused by this workshop: route it elsewhere"
    )
    screenshot("handovers-after")
